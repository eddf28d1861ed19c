import * as v from 'valibot';
import { ServerCreate } from '../../dcim/schemas/server';
import { NetworkDeviceCreate } from '../../network/schemas/device';
import { PduCreate } from '../../power/schemas/pdu';
import { StorageSystemCreate } from '../../storage/schemas/storage-system';
import { overlaps, span, type Mounted } from '../../dcim/placement';
import { Index, matchRow, nameKey, type MapCtx } from './context';
import { DEVICE_LINK_KINDS } from './earlier';
import { deviceStatus, hostAddress, serverStatus, weightKg } from './convert';
import { classifyRole, type DeviceKind, type RoleMapping } from './roles';
import type { Row } from './plan';
import type { NbDevice } from './types';

/** A PDU whose rating NetBox does not give (no custom field, no cabled feed): one 16 A / 230 V strip. */
export const DEFAULT_PDU_KW = 3.7;
/** Servers need a unique serial; one without gets this, with its NetBox id. */
export const placeholderSerial = (id: number) => `NETBOX-${id}`;

/** The name of a device NetBox has none for. */
export const unnamed = (model: string | undefined, id: number) => `${(model ?? 'device').slice(0, 50)}-${id}`;

const SERIAL = /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/;
const IP = v.pipe(v.string(), v.ip());
const ip = (s: string | null) => {
  const h = hostAddress(s);
  return h && v.is(IP, h) ? h : null;
};
const clip = (s: string | null, n: number) => (s && s.length > n ? s.slice(0, n) : s);
const KIND_TABLE: Record<Exclude<DeviceKind, 'passive'>, string> = {
  server: 'servers',
  network: 'network_devices',
  pdu: 'pdus',
  storage: 'storage_systems',
};
const KIND_LINK = DEVICE_LINK_KINDS;
const numField = (cf: Record<string, unknown>, ...keys: string[]) => {
  for (const k of keys) if (typeof cf[k] === 'number' && Number.isFinite(cf[k])) return cf[k] as number;
  return null;
};

/** Storage needs a disk count and raw capacity that NetBox only has as custom fields; without them, a server. */
function roleOf(d: NbDevice): RoleMapping {
  const m = classifyRole(d.role, d.role_name);
  if (m.kind !== 'storage') return m;
  const cf = d.custom_fields;
  if (numField(cf, 'disk_count') !== null && numField(cf, 'raw_capacity_tb', 'capacity_tb') !== null) return m;
  return { kind: 'server', serverType: 'Storage' };
}

/** Manufacturers + device types → device_types; the kind is what most devices of the type become. */
export function mapDeviceTypes(ctx: MapCtx) {
  const { plan, snap, data } = ctx;
  const kinds = new Map<number, Map<string, number>>();
  for (const d of data.devices) {
    if (d.device_type === null) continue;
    const k = roleOf(d).kind;
    const m = kinds.get(d.device_type) ?? new Map<string, number>();
    m.set(k, (m.get(k) ?? 0) + 1);
    kinds.set(d.device_type, m);
  }
  const index = new Index(
    snap.deviceTypes,
    (r) => `${String(r.manufacturer).toLowerCase()}\u0000${String(r.model).toLowerCase()}`,
  );
  const bySlug = new Index(snap.deviceTypes, (r) => String(r.slug));
  plan.report.read.manufacturers = data.lookups.manufacturers ?? 0;
  const slugs = new Set<string>();
  for (const t of data.deviceTypes) {
    const top = [...(kinds.get(t.id) ?? new Map<string, number>())].sort((a, b) => b[1] - a[1])[0]?.[0];
    const kind = top === undefined || top === 'passive' ? 'other' : top;
    const row = {
      manufacturer: clip(t.manufacturer, 100),
      model: clip(t.model, 100),
      slug: clip(t.slug, 100),
      part_number: clip(t.part_number, 100),
      kind,
      u_height: t.u_height,
      is_full_depth: t.is_full_depth,
      airflow: t.airflow,
      weight_kg: weightKg(t.weight, t.weight_unit),
      power_outlets: Math.max(0, Math.round(t.power_outlets ?? 0)),
      comments: clip(t.comments, 2000),
    };
    if (!(t.u_height >= 0 && t.u_height <= 100)) {
      plan.skip('device_types', 'device-types', t.id, t.model, `invalid: u_height ${t.u_height} is out of range`);
      continue;
    }
    let existing = matchRow(
      ctx,
      'dcim.devicetype',
      t.id,
      'device_type',
      index,
      `${t.manufacturer.toLowerCase()}\u0000${t.model.toLowerCase()}`,
    );
    existing ??= bySlug.key(t.slug);
    const slugOwner = bySlug.key(t.slug);
    if (slugs.has(t.slug) || (slugOwner && existing && slugOwner.id !== existing.id)) {
      plan.skip('device_types', 'device-types', t.id, t.model, 'another device type has this slug');
      continue;
    }
    slugs.add(t.slug);
    const id = plan.put('device_types', 'device_types', existing, row);
    ctx.typeOf.set(t.id, { id, t });
    plan.link('dcim.devicetype', t.id, 'device_type', id);
  }
  // types an earlier stage imported without their devices learn their kind now, as a whole import would have
  const here = new Set(data.deviceTypes.map((t) => t.id));
  for (const [typeId, counts] of kinds) {
    if (here.has(typeId)) continue;
    const found = ctx.typeOf.get(typeId);
    const row = found?.id == null ? undefined : index.id(found.id);
    const top = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (!row || top === undefined || top === 'passive' || row.kind === top) continue;
    plan.put('device_types', 'device_types', row, { kind: top });
  }
}

interface Candidate {
  d: NbDevice;
  role: RoleMapping;
  kind: Exclude<DeviceKind, 'passive'>;
  existing: Row | undefined;
  rack: { id: number; u_capacity: number; starting_unit: number };
  u: number | null;
  size: number;
  face: 'front' | 'rear';
  is_full_depth: boolean;
}

/** Devices → servers / network devices / PDUs / storage by role, each in a free run of U slots. */
export function mapDevices(ctx: MapCtx) {
  const { plan, snap, data } = ctx;
  const indexes = {
    server: new Index(snap.servers, nameKey),
    network: new Index(snap.network, nameKey),
    pdu: new Index(snap.pdus, nameKey),
    storage: new Index(snap.storage, nameKey),
  };
  const rackZone = new Map(snap.racks.map((r) => [r.id as number, String(r.security_zone)]));
  const pduFeed = feedsOfPdus(ctx);
  const names = new Set<string>();
  const candidates: Candidate[] = [];

  for (const d of data.devices) {
    const role = roleOf(d);
    if (role.kind === 'passive') {
      plan.unmapped('devices', `passive (role ${d.role_name ?? d.role}): nothing to manage`, d.name);
      continue;
    }
    const kind = role.kind;
    const kindName = KIND_TABLE[kind];
    if (!d.name) {
      // NetBox allows unnamed devices; ours are found by name, so the type and the NetBox id stand in for one
      const model = d.device_type === null ? undefined : ctx.typeOf.get(d.device_type)?.t.model;
      d.name = unnamed(model, d.id);
      plan.warn('devices: unnamed in NetBox: named <device type>-<NetBox id>');
    }
    const label = d.name;
    if (d.rack === null) {
      plan.skip(
        kindName,
        'devices',
        d.id,
        label,
        d.parent_device !== null ? 'installed in a parent device (child devices are not kept)' : 'not in a rack',
      );
      continue;
    }
    const rack = ctx.rackOf.get(d.rack);
    if (!rack) {
      plan.skip(kindName, 'devices', d.id, label, 'its rack was not imported');
      continue;
    }
    const type = d.device_type === null ? undefined : ctx.typeOf.get(d.device_type)?.t;
    const height = type?.u_height ?? 1;
    const size = Math.max(1, Math.ceil(height));
    let u: number | null = null;
    if (d.position !== null) {
      u = d.position - rack.starting_unit + 1;
      if (!Number.isInteger(u)) {
        plan.skip(kindName, 'devices', d.id, label, `at half-U position ${d.position}`);
        continue;
      }
    } else if (kind !== 'pdu' || height > 0) {
      plan.skip(kindName, 'devices', d.id, label, 'without a rack position');
      continue;
    }
    let nameKeyLc = `${kind}\u0000${d.name.toLowerCase()}`;
    if (names.has(nameKeyLc)) {
      // NetBox names are unique per site, ours across the estate: the second "PP:MDF" keeps its NetBox id
      const renamed = `${d.name} (NetBox ${d.id})`;
      nameKeyLc = `${kind}\u0000${renamed.toLowerCase()}`;
      if (names.has(nameKeyLc)) {
        plan.skip(kindName, 'devices', d.id, label, 'another imported device has this name');
        continue;
      }
      plan.warn('devices: a name another site also uses gets its NetBox id: "<name> (NetBox <id>)"');
      d.name = renamed;
    }
    const existing = matchRow(ctx, 'dcim.device', d.id, KIND_LINK[kind], indexes[kind], d.name.toLowerCase());
    const zone = existing ? rackZone.get(existing.rack_id as number) : undefined;
    if (zone !== undefined && !snap.canSeeZone(zone)) {
      plan.skip(kindName, 'devices', d.id, label, 'the matching device is in a zone above your clearance');
      continue;
    }
    names.add(nameKeyLc);
    // a half-depth type shares its U with a device on the other face; the face matters only then, and NetBox
    // requires one for every racked device with a position (rear when it says so, front otherwise)
    const face = d.face === 'rear' ? 'rear' : 'front';
    candidates.push({ d, role, kind, existing, rack, u, size, face, is_full_depth: type?.is_full_depth ?? true });
  }

  // slots stay taken by what the import does not move; then the import's devices claim theirs in NetBox order
  const moved = new Set(candidates.filter((c) => c.existing).map((c) => `${c.kind}:${String(c.existing!.id)}`));
  const taken = new Map<number, Mounted[]>();
  const occupy = (rack: number, m: Mounted) => {
    const l = taken.get(rack) ?? [];
    l.push(m);
    taken.set(rack, l);
  };
  for (const m of snap.mounts) {
    if (m.u_position === null || moved.has(`${m.kind}:${m.id}`)) continue;
    occupy(m.rack_id, { ...m, name: 'another device', power_supply_w: 0, is_full_depth: Boolean(m.is_full_depth) });
  }
  const serials = new Set(snap.servers.map((s) => String(s.serial_number).toLowerCase()));
  for (const c of candidates)
    if (c.kind === 'server' && c.existing) serials.delete(String(c.existing.serial_number).toLowerCase());

  for (const c of candidates) {
    const { d, kind, rack, u, size, face, is_full_depth } = c;
    const kindName = KIND_TABLE[kind];
    const here: Mounted = { name: d.name!, u_position: u, u_size: size, power_supply_w: 0, face, is_full_depth };
    if (u !== null) {
      if (u < 1 || u + size - 1 > rack.u_capacity) {
        plan.skip(
          kindName,
          'devices',
          d.id,
          d.name,
          `U${u}-${u + size - 1} is outside the rack (1-${rack.u_capacity})`,
        );
        continue;
      }
      const clash = (taken.get(rack.id) ?? []).find((m) => overlaps(m, here));
      if (clash) {
        plan.skip(kindName, 'devices', d.id, d.name, `${span(here)} overlaps ${span(clash)} taken by ${clash.name}`);
        continue;
      }
    }
    const type = d.device_type === null ? undefined : ctx.typeOf.get(d.device_type);
    const common = {
      name: d.name!,
      rack_id: rack.id,
      u_position: u,
      u_size: size,
      face,
      is_full_depth,
      manufacturer: clip(type?.t.manufacturer ?? null, 64),
      model: clip(type?.t.model ?? null, 64),
    };
    const mgmt = ip(d.oob_ip) ?? ip(d.primary_ip4) ?? ip(d.primary_ip6);
    if (d.asset_tag) plan.warn('devices: asset tags are not kept (no such field here)');
    let row: Row;
    let schema: v.GenericSchema;
    if (kind === 'server') {
      let serial = d.serial && SERIAL.test(d.serial) && d.serial.length <= 64 ? d.serial : null;
      if (d.serial && !serial)
        plan.warn('servers: NetBox serial not usable as ours (characters or length): placeholder NETBOX-<id> used');
      if (serial && serials.has(serial.toLowerCase())) {
        plan.warn('servers: serial already used by another server: placeholder NETBOX-<id> used');
        serial = null;
      }
      if (!serial) {
        if (!d.serial) plan.warn('servers: without a serial in NetBox: placeholder NETBOX-<id> used');
        serial = placeholderSerial(d.id);
      }
      serials.add(serial.toLowerCase());
      const st = serverStatus(d.status);
      row = {
        ...common,
        server_type: c.role.serverType ?? 'Compute',
        serial_number: serial,
        os: clip(d.platform, 100),
        ip_address: ip(d.primary_ip4) ?? ip(d.primary_ip6),
        management_ip: ip(d.oob_ip),
        device_type_id: type?.id ?? null,
        status: st.status,
        ...(st.health ? { health: st.health } : {}),
      };
      schema = ServerCreate;
    } else if (kind === 'network') {
      row = {
        ...common,
        device_type: c.role.networkType,
        serial_number: clip(d.serial, 64),
        management_ip: mgmt,
        device_type_id: type?.id ?? null,
        status: deviceStatus(d.status),
      };
      schema = NetworkDeviceCreate;
      if (d.platform) plan.warn('network devices: platform not kept (no OS field on network devices)');
    } else if (kind === 'pdu') {
      const feed = pduFeed.get(d.id);
      let kw = numField(d.custom_fields, 'capacity_kw');
      if (kw === null && feed) kw = feed.kw;
      if (kw === null) {
        plan.warn(`pdus: capacity unknown in NetBox: ${DEFAULT_PDU_KW} kW (16 A at 230 V) recorded`);
        kw = DEFAULT_PDU_KW;
      }
      const outlets = d.power_outlets ?? type?.t.power_outlets ?? null;
      row = {
        ...common,
        feed_id: feed?.id ?? null,
        capacity_kw: Math.min(500, Math.max(0.1, kw)),
        ...(outlets !== null && outlets >= 1 && outlets <= 96 ? { outlets } : {}),
        management_ip: mgmt,
        status: deviceStatus(d.status),
      };
      schema = PduCreate;
    } else {
      const cf = d.custom_fields;
      row = {
        ...common,
        datacenter_id: ctx.dcOf.get(d.site ?? -1) ?? null,
        serial_number: clip(d.serial, 64),
        disk_count: numField(cf, 'disk_count'),
        raw_capacity_tb: numField(cf, 'raw_capacity_tb', 'capacity_tb'),
        management_ip: mgmt,
        device_type_id: type?.id ?? null,
        status: deviceStatus(d.status),
      };
      schema = StorageSystemCreate;
    }
    if (!plan.valid(schema, row, kindName, 'devices', d.id, d.name)) continue;
    if (u !== null) occupy(rack.id, here);
    const id = plan.put(kindName, kindName, c.existing, row);
    ctx.deviceOf.set(d.id, { kind, id });
    plan.link('dcim.device', d.id, KIND_LINK[kind], id);
  }
}

/** A PDU's feed: the one cabled to its power port. */
function feedsOfPdus(ctx: MapCtx) {
  const out = new Map<number, { id: number; kw: number }>();
  for (const c of ctx.data.cables) {
    for (const [x, y] of [
      [c.a, c.b],
      [c.b, c.a],
    ]) {
      const feed = x.find((t) => t.type === 'dcim.powerfeed');
      const port = y.find((t) => t.type === 'dcim.powerport' && t.device !== null);
      const mapped = feed && ctx.feedOf.get(feed.id);
      if (mapped && port) out.set(port.device!, mapped);
    }
  }
  return out;
}
