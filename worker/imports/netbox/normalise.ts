import type { FieldError, NbCable, NbData, NbId, NbTermination } from './types';

// Reads a NetBox REST export (`{ sites: [...], devices: [...] }`, keys as the endpoint names, `_` or `-`) or a
// `manage.py dumpdata` array (`[{ model: 'dcim.site', pk, fields }]`) into NbData. Never throws on odd input:
// what cannot be read is an error naming its place, and the caller answers 422 with them.

type Rec = Record<string, unknown>;

/** dumpdata model → REST endpoint name (the keys of manifest.json) */
const MODEL_KEYS: Record<string, string> = {
  'dcim.site': 'sites',
  'dcim.region': 'regions',
  'dcim.sitegroup': 'site-groups',
  'dcim.location': 'locations',
  'dcim.rack': 'racks',
  'dcim.rackrole': 'rack-roles',
  'dcim.manufacturer': 'manufacturers',
  'dcim.devicetype': 'device-types',
  'dcim.devicerole': 'device-roles',
  'dcim.platform': 'platforms',
  'dcim.device': 'devices',
  'dcim.powerpanel': 'power-panels',
  'dcim.powerfeed': 'power-feeds',
  'dcim.powerport': 'power-ports',
  'dcim.interface': 'interfaces',
  'dcim.cable': 'cables',
  'dcim.cabletermination': 'cable-terminations',
  'virtualization.cluster': 'clusters',
  'virtualization.clustertype': 'cluster-types',
  'virtualization.virtualmachine': 'virtual-machines',
  'ipam.ipaddress': 'ip-addresses',
  'tenancy.tenant': 'tenants',
};
/** endpoints read only for the names other objects refer to */
const LOOKUPS = [
  'manufacturers',
  'device-roles',
  'platforms',
  'ip-addresses',
  'cluster-types',
  'power-ports',
  'cable-terminations',
  'rack-roles',
  'regions',
  'locations',
];
const MAPPED = [
  'sites',
  'racks',
  'device-types',
  'devices',
  'power-panels',
  'power-feeds',
  'interfaces',
  'cables',
  'clusters',
  'virtual-machines',
];
const MAX_ERRORS = 100;

const isRec = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);

/** An id from a nested object ({ id }), a bare pk, or a numeric string. */
function ref(x: unknown): NbId | null {
  if (isRec(x)) return ref(x.id);
  if (typeof x === 'number' && Number.isSafeInteger(x)) return x;
  if (typeof x === 'string' && /^\d{1,15}$/.test(x)) return Number(x);
  return null;
}
/** A choice's value: REST answers { value, label }, dumpdata the value itself. */
function choice(x: unknown): string | null {
  if (isRec(x)) return choice(x.value);
  if (typeof x === 'string' && x !== '') return x;
  if (typeof x === 'number') return String(x);
  return null;
}
/** Decimals come as numbers (REST) or strings (dumpdata: "1.0"). */
function num(x: unknown): number | null {
  if (typeof x === 'number') return Number.isFinite(x) ? x : null;
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  return null;
}
function text(x: unknown): string | null {
  if (typeof x === 'string') return x.trim() || null;
  if (typeof x === 'number') return String(x);
  return null;
}
const bool = (x: unknown, dflt: boolean) => (typeof x === 'boolean' ? x : dflt);

export const endpointKey = (k: string) =>
  k
    .trim()
    .toLowerCase()
    .replace(/\.json$/, '')
    .replace(/_/g, '-');

/** Group the input's objects by endpoint name, or say why it is not a NetBox export. */
function collect(input: unknown, errors: FieldError[]): Map<string, Rec[]> {
  const lists = new Map<string, Rec[]>();
  const add = (key: string, rec: Rec) => {
    const list = lists.get(key) ?? [];
    list.push(rec);
    lists.set(key, list);
  };
  if (Array.isArray(input)) {
    input.forEach((item, i) => {
      if (!isRec(item) || typeof item.model !== 'string' || !isRec(item.fields)) {
        if (errors.length < MAX_ERRORS)
          errors.push({ field: `[${i}]`, message: 'must be a dumpdata object { model, pk, fields }' });
        return;
      }
      const model = item.model.toLowerCase();
      add(MODEL_KEYS[model] ?? model, { ...item.fields, id: item.pk });
    });
    return lists;
  }
  if (!isRec(input)) {
    errors.push({
      field: '(body)',
      message: 'must be a NetBox REST export (an object of endpoint lists) or a dumpdata array',
    });
    return lists;
  }
  for (const [name, value] of Object.entries(input)) {
    const key = endpointKey(name);
    // errors name the field by its key; an empty key still needs a name to point at
    const rawKey = name === '' ? '(empty key)' : name;
    // an API page as NetBox answers it ({ count, next, results }) is accepted as its results
    const list = isRec(value) && Array.isArray(value.results) ? value.results : value;
    if (!Array.isArray(list)) {
      if (errors.length < MAX_ERRORS) errors.push({ field: rawKey, message: 'must be a list of NetBox objects' });
      continue;
    }
    list.forEach((item, i) => {
      if (isRec(item)) add(key, item);
      else if (errors.length < MAX_ERRORS) errors.push({ field: `${rawKey}[${i}]`, message: 'must be an object' });
    });
  }
  return lists;
}

/** name/slug by id of a lookup endpoint (roles, platforms, manufacturers, …) */
function byId(list: Rec[] | undefined, pick: (r: Rec) => unknown): Map<NbId, unknown> {
  const m = new Map<NbId, unknown>();
  for (const r of list ?? []) {
    const id = ref(r.id);
    if (id !== null) m.set(id, pick(r));
  }
  return m;
}

export function normalise(input: unknown): { data: NbData; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const lists = collect(input, errors);
  const list = (k: string) => lists.get(k) ?? [];
  const bad = (key: string, i: number, field: string, message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ field: `${key}[${i}].${field}`, message });
  };

  const roles = byId(lists.get('device-roles'), (r) => ({ slug: text(r.slug), name: text(r.name) }));
  const names = (k: string) => byId(lists.get(k), (r) => text(r.name));
  const manufacturers = names('manufacturers');
  const platforms = names('platforms');
  const regions = names('regions');
  const locations = names('locations');
  const rackRoles = names('rack-roles');
  const clusterTypes = byId(lists.get('cluster-types'), (r) => text(r.slug) ?? text(r.name));
  const ipAddresses = byId(lists.get('ip-addresses'), (r) => text(r.address));
  const powerPortDevice = byId(lists.get('power-ports'), (r) => ref(r.device));

  /** a related object's name: nested (REST) or looked up by pk (dumpdata) */
  function nameOf(x: unknown, table: Map<NbId, unknown>): string | null {
    if (isRec(x)) return text(x.name) ?? text(x.slug);
    const id = ref(x);
    return id === null ? null : text(table.get(id));
  }
  function ipOf(x: unknown): string | null {
    if (isRec(x)) return text(x.address);
    const id = ref(x);
    return id === null ? null : text(ipAddresses.get(id));
  }

  /** Objects with a usable id (and name, when `named`), others reported as errors. */
  function each<T>(key: string, named: string | null, read: (r: Rec, id: NbId, nm: string) => T): T[] {
    const out: T[] = [];
    list(key).forEach((r, i) => {
      const id = ref(r.id);
      if (id === null) return bad(key, i, 'id', 'must be the NetBox id (a whole number)');
      const nm = named ? text(r[named]) : '';
      if (named && nm === null) return bad(key, i, named, 'is required');
      out.push(read(r, id, nm ?? ''));
    });
    return out;
  }

  const data: NbData = {
    sites: each('sites', 'name', (r, id, name) => ({
      id,
      name,
      status: choice(r.status),
      facility: text(r.facility),
      physical_address: text(r.physical_address),
      region: nameOf(r.region, regions),
      description: text(r.description),
    })),
    racks: each('racks', 'name', (r, id, name) => ({
      id,
      name,
      site: ref(r.site),
      location: nameOf(r.location, locations),
      status: choice(r.status),
      role: nameOf(r.role, rackRoles),
      facility_id: text(r.facility_id),
      u_height: num(r.u_height),
      starting_unit: num(r.starting_unit) ?? 1,
    })),
    deviceTypes: each('device-types', 'model', (r, id, model) => ({
      id,
      manufacturer: nameOf(r.manufacturer, manufacturers) ?? 'Unknown',
      model,
      slug: text(r.slug) ?? model.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      part_number: text(r.part_number),
      u_height: num(r.u_height) ?? 1,
      is_full_depth: bool(r.is_full_depth, true),
      airflow: choice(r.airflow),
      weight: num(r.weight),
      weight_unit: choice(r.weight_unit),
      power_outlets: num(r.power_outlet_template_count),
      comments: text(r.comments),
    })),
    devices: each('devices', null, (r, id) => {
      const role = r.role ?? r.device_role;
      const rl = isRec(role) ? { slug: text(role.slug), name: text(role.name) } : (roles.get(ref(role) ?? -1) as Rec);
      return {
        id,
        name: text(r.name),
        device_type: ref(r.device_type),
        role: (text(rl?.slug) ?? text(rl?.name))?.toLowerCase() ?? null,
        role_name: text(rl?.name),
        site: ref(r.site),
        rack: ref(r.rack),
        position: num(r.position),
        face: choice(r.face),
        parent_device: ref(r.parent_device) ?? (isRec(r.parent_device) ? ref(r.parent_device.device) : null),
        status: choice(r.status),
        serial: text(r.serial),
        asset_tag: text(r.asset_tag),
        platform: nameOf(r.platform, platforms),
        primary_ip4: ipOf(r.primary_ip4),
        primary_ip6: ipOf(r.primary_ip6),
        oob_ip: ipOf(r.oob_ip),
        power_outlets: num(r.power_outlet_count),
        custom_fields: isRec(r.custom_fields) ? r.custom_fields : isRec(r.custom_field_data) ? r.custom_field_data : {},
      };
    }),
    powerPanels: each('power-panels', 'name', (r, id, name) => ({ id, name, site: ref(r.site) })),
    powerFeeds: each('power-feeds', 'name', (r, id, name) => ({
      id,
      name,
      power_panel: ref(r.power_panel),
      rack: ref(r.rack),
      status: choice(r.status),
      type: choice(r.type),
      supply: choice(r.supply),
      phase: choice(r.phase),
      voltage: num(r.voltage),
      amperage: num(r.amperage),
      max_utilization: num(r.max_utilization),
    })),
    interfaces: each('interfaces', 'name', (r, id, name) => ({
      id,
      device: ref(r.device),
      name,
      type: choice(r.type),
      speed: num(r.speed),
      enabled: bool(r.enabled, true),
      mgmt_only: bool(r.mgmt_only, false),
      description: text(r.description),
    })),
    cables: readCables(lists, powerPortDevice),
    clusters: each('clusters', 'name', (r, id, name) => ({ id, name, type: nameOf(r.type, clusterTypes) })),
    vms: each('virtual-machines', 'name', (r, id, name) => ({
      id,
      name,
      status: choice(r.status),
      device: ref(r.device),
      cluster: ref(r.cluster),
      vcpus: num(r.vcpus),
      memory: num(r.memory),
      disk: num(r.disk),
      platform: nameOf(r.platform, platforms),
    })),
    lookups: {},
    other: {},
  };
  for (const [key, l] of lists) {
    if (MAPPED.includes(key)) continue;
    if (LOOKUPS.includes(key)) data.lookups[key] = l.length;
    else data.other[key] = l.length;
  }
  return { data, errors };
}

/** "dcim.interface" from REST's object_type, or dumpdata's natural key ["dcim", "interface"]. */
function termType(x: unknown): string {
  if (typeof x === 'string') return x.toLowerCase();
  if (Array.isArray(x) && x.length === 2) return `${String(x[0])}.${String(x[1])}`.toLowerCase();
  return 'unknown';
}

function readCables(lists: Map<string, Rec[]>, powerPortDevice: Map<NbId, unknown>): NbCable[] {
  // dumpdata keeps a cable's ends as separate dcim.cabletermination objects
  const ends = new Map<NbId, { a: NbTermination[]; b: NbTermination[] }>();
  for (const t of lists.get('cable-terminations') ?? []) {
    const cable = ref(t.cable);
    const id = ref(t.termination_id);
    if (cable === null || id === null) continue;
    const e = ends.get(cable) ?? { a: [], b: [] };
    const type = termType(t.termination_type);
    const term = { type, id, device: type === 'dcim.powerport' ? ((powerPortDevice.get(id) as NbId) ?? null) : null };
    (t.cable_end === 'B' ? e.b : e.a).push(term);
    ends.set(cable, e);
  }
  const terms = (x: unknown): NbTermination[] =>
    Array.isArray(x)
      ? x.filter(isRec).flatMap((t) => {
          const id = ref(t.object_id) ?? ref(t.object);
          if (id === null) return [];
          const obj = isRec(t.object) ? t.object : {};
          const type = termType(t.object_type);
          const device =
            ref(obj.device) ?? (type === 'dcim.powerport' ? ((powerPortDevice.get(id) as NbId) ?? null) : null);
          return [{ type, id, device, name: text(obj.name) }];
        })
      : [];
  const out: NbCable[] = [];
  for (const r of lists.get('cables') ?? []) {
    const id = ref(r.id);
    if (id === null) continue;
    const e = ends.get(id);
    out.push({
      id,
      a: e ? e.a : terms(r.a_terminations),
      b: e ? e.b : terms(r.b_terminations),
      type: choice(r.type),
      status: choice(r.status),
      label: text(r.label),
      length: num(r.length),
      length_unit: choice(r.length_unit),
    });
  }
  return out;
}
