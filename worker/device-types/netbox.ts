import * as v from 'valibot';
import { int, name, num, oneOf, optionalText } from '../platform/schemas/common';
import { issuesToFieldErrors } from '../platform/http/validation';
import type { FieldError } from '../platform/http/problem';
import { AIRFLOWS, DEVICE_KINDS, slug, uHeight, type DeviceKind } from './schemas/device-type';
import { WEIGHT_UNITS, interfaceSpeed, slugify, weightKg } from './units';

// One document of the NetBox device-type library (github.com/netbox-community/devicetype-library,
// device-types/<Manufacturer>/<Model>.yaml), as its schema/devicetype.json describes it. Keys this inventory
// does not use (images, description, …) are dropped; component templates it does not model are kept as listed.

/** YAML reads `name: 1` as a number: a port called 1 is still called "1". */
const label = v.pipe(
  v.union([v.string(), v.number()], 'must be text'),
  v.transform((x) => String(x)),
  name(64),
);
const text64 = v.optional(v.pipe(v.string('must be text'), v.maxLength(64, 'must be at most 64 characters')));
const draw = v.optional(v.nullable(int(0, 50_000)));

const Interface = v.object({
  name: label,
  type: v.pipe(v.string('must be text'), v.minLength(1, 'is required'), v.maxLength(64)),
  mgmt_only: v.optional(v.boolean('must be true or false')),
});
const PowerPort = v.pipe(
  v.object({ name: label, type: text64, maximum_draw: draw, allocated_draw: draw }),
  v.check(
    (p) => p.maximum_draw == null || p.allocated_draw == null || p.allocated_draw <= p.maximum_draw,
    'allocated_draw may not exceed maximum_draw',
  ),
);
const PowerOutlet = v.object({
  name: label,
  type: text64,
  power_port: v.optional(v.union([v.string(), v.number()])),
  feed_leg: v.optional(oneOf(['A', 'B', 'C'] as const)),
});
/** console ports, module bays, …: only their names are checked; the rest is kept as the library lists it */
const Component = v.looseObject({ name: label });

const list = <T extends v.GenericSchema>(item: T, max = 1024) =>
  v.optional(v.pipe(v.array(item, 'must be a list'), v.maxLength(max, `must list at most ${max}`)));

export const OTHER_COMPONENTS = [
  'console-ports',
  'console-server-ports',
  'front-ports',
  'rear-ports',
  'module-bays',
  'device-bays',
  'inventory-items',
] as const;

export const LibraryDeviceType = v.pipe(
  v.object(
    {
      manufacturer: name(64),
      model: name(64),
      slug: v.optional(slug),
      part_number: optionalText(64),
      u_height: v.optional(uHeight),
      is_full_depth: v.optional(v.boolean('must be true or false')),
      airflow: v.optional(oneOf(AIRFLOWS)),
      weight: v.optional(num(0, 100_000)),
      weight_unit: v.optional(oneOf(WEIGHT_UNITS)),
      subdevice_role: v.optional(oneOf(['parent', 'child'] as const)),
      comments: optionalText(4000),
      /** not NetBox: which inventory a device of this type becomes, when the inference guesses wrong */
      kind: v.optional(oneOf(DEVICE_KINDS)),
      interfaces: list(Interface),
      'power-ports': list(PowerPort, 64),
      'power-outlets': list(PowerOutlet, 512),
      ...Object.fromEntries(OTHER_COMPONENTS.map((k) => [k, list(Component)])),
    },
    'must be a mapping of device-type keys',
  ),
  v.forward(
    v.check((d) => d.weight === undefined || d.weight_unit !== undefined, 'is required with a weight'),
    ['weight_unit'],
  ),
);
export type LibraryDocument = v.InferOutput<typeof LibraryDeviceType>;

/** The row a library document becomes (the device_types table's columns). */
export interface NormalisedType {
  manufacturer: string;
  model: string;
  slug: string;
  part_number: string | null;
  kind: DeviceKind;
  u_height: number;
  is_full_depth: boolean;
  airflow: string | null;
  weight_kg: number | null;
  max_draw_w: number | null;
  allocated_draw_w: number | null;
  interfaces: { name: string; type: string; mgmt_only: boolean; speed: string | null }[];
  power_ports: { name: string; type?: string; maximum_draw: number | null; allocated_draw: number | null }[];
  power_outlets: number;
  components: Record<string, unknown[]>;
  comments: string | null;
}

const NETWORK_VENDORS =
  /^(arista|cisco|juniper|mellanox|nvidia|extreme|aruba|hpe aruba|ubiquiti|mikrotik|brocade|fortinet|palo alto|netgear|dell emc networking|edgecore|cumulus|ruckus|allied telesis|huawei|nokia)/i;
const SWITCH_MODEL =
  /switch|router|firewall|nexus|catalyst|\bc9[0-9]{3}|\bn[3579]k|\bdcs-|\bccs-|\bqfx|\bex[0-9]{4}|\bmx[0-9]|\bsn[0-9]{4}|\bs[0-9]{4}-on|\bpa-[0-9]/i;
const STORAGE =
  /netapp|pure storage|shelf|flasharray|flashblade|powervault|powerstore|powerscale|isilon|\bjbod|disk array|storage|\bds[0-9]{3,4}\b|\bns[0-9]{3}\b/i;
/** "many interfaces": more than a server's handful of NICs and BMC port */
const SWITCH_PORTS = 8;

/**
 * Which inventory a device of this type becomes: anything with power outlets is a PDU; a type with many data
 * interfaces from a network vendor or with a switch-like model is a network device; a storage vendor's or a
 * shelf/array model is storage; everything else a server. The document's own `kind` wins.
 */
export function inferKind(
  doc: Pick<LibraryDocument, 'manufacturer' | 'model' | 'kind' | 'interfaces'> & {
    'power-outlets'?: unknown[];
  },
): DeviceKind {
  if (doc.kind) return doc.kind;
  if (doc['power-outlets']?.length) return 'pdu';
  const data = (doc.interfaces ?? []).filter((i) => !i.mgmt_only).length;
  const who = `${doc.manufacturer} ${doc.model}`;
  if (data >= SWITCH_PORTS && (NETWORK_VENDORS.test(doc.manufacturer) || SWITCH_MODEL.test(doc.model))) {
    return 'network';
  }
  if (STORAGE.test(who)) return 'storage';
  return 'server';
}

/**
 * A library document as a device_types row.
 * - `max_draw_w` is the largest single power port's maximum_draw, not the sum: a server's PSUs are redundant
 *   (1+1), so one PSU alone must be able to carry the whole device; summing two 750 W PSUs would book 1500 W
 *   against the rack for a machine that never draws more than 750 W. This is the figure a device created from
 *   the type books against its rack's power budget.
 * - `allocated_draw_w` is the sum of the ports' allocated_draw (NetBox sums it the same way for its power
 *   utilisation: each port carries its share); null when no port states one.
 * - weight in kg; u_height defaults to NetBox's 1.0 and is_full_depth to true.
 */
export function normalise(doc: LibraryDocument): NormalisedType {
  const ports = doc['power-ports'] ?? [];
  const maxima = ports.map((p) => p.maximum_draw).filter((w): w is number => typeof w === 'number');
  const allocated = ports.map((p) => p.allocated_draw).filter((w): w is number => typeof w === 'number');
  const components: Record<string, unknown[]> = {};
  for (const key of OTHER_COMPONENTS) {
    const items = (doc as Record<string, unknown>)[key] as unknown[] | undefined;
    if (items?.length) components[key] = items;
  }
  if (doc['power-outlets']?.length) components['power-outlets'] = doc['power-outlets'];
  return {
    manufacturer: doc.manufacturer,
    model: doc.model,
    slug: doc.slug ?? slugify(doc.manufacturer, doc.model),
    part_number: doc.part_number ?? null,
    kind: inferKind(doc),
    u_height: doc.u_height ?? 1,
    is_full_depth: doc.is_full_depth ?? true,
    airflow: doc.airflow ?? null,
    weight_kg: doc.weight !== undefined && doc.weight_unit ? weightKg(doc.weight, doc.weight_unit) : null,
    max_draw_w: maxima.length ? Math.max(...maxima) : null,
    allocated_draw_w: allocated.length ? allocated.reduce((a, b) => a + b, 0) : null,
    interfaces: (doc.interfaces ?? []).map((i) => ({
      name: i.name,
      type: i.type,
      mgmt_only: i.mgmt_only ?? false,
      speed: interfaceSpeed(i.type),
    })),
    power_ports: ports.map((p) => ({
      name: p.name,
      ...(p.type ? { type: p.type } : {}),
      maximum_draw: p.maximum_draw ?? null,
      allocated_draw: p.allocated_draw ?? null,
    })),
    power_outlets: doc['power-outlets']?.length ?? 0,
    components,
    comments: doc.comments ?? null,
  };
}

export type Parsed = { ok: true; types: NormalisedType[] } | { ok: false; errors: FieldError[] };

/**
 * Validate and normalise each document; errors name `<prefix>[i].key` (`documents[1].u_height`). Two documents
 * of one manufacturer and model (case-insensitive) or one slug are an error in the second.
 */
export function parseLibraryDocuments(documents: unknown[], prefix = ''): Parsed {
  const errors: FieldError[] = [];
  const types: NormalisedType[] = [];
  const byModel = new Map<string, number>();
  const bySlug = new Map<string, number>();
  documents.forEach((doc, i) => {
    const at = `${prefix}[${i}].`;
    const r = v.safeParse(LibraryDeviceType, doc, { abortPipeEarly: true });
    if (!r.success) {
      errors.push(
        ...issuesToFieldErrors(r.issues, at).map((e) => (e.field === at ? { ...e, field: at.slice(0, -1) } : e)),
      );
      return;
    }
    const t = normalise(r.output);
    if (!t.slug) {
      errors.push({ field: `${at}slug`, message: 'cannot be derived from the manufacturer and model: give one' });
      return;
    }
    const key = `${t.manufacturer.toLowerCase()}\u0000${t.model.toLowerCase()}`;
    if (byModel.has(key)) {
      errors.push({
        field: `${at}model`,
        message: `repeats document ${byModel.get(key)} (${t.manufacturer} ${t.model})`,
      });
    } else if (bySlug.has(t.slug)) {
      errors.push({ field: `${at}slug`, message: `repeats the slug "${t.slug}" of document ${bySlug.get(t.slug)}` });
    }
    byModel.set(key, byModel.get(key) ?? i);
    bySlug.set(t.slug, bySlug.get(t.slug) ?? i);
    types.push(t);
  });
  return errors.length ? { ok: false, errors } : { ok: true, types };
}
