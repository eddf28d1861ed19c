import * as v from 'valibot';
import { id, int, name, num, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';

// Only valibot here: the UI validates its device-type form with this schema.

export const DEVICE_KINDS = ['server', 'network', 'storage', 'pdu', 'other'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** NetBox's airflow choices (dcim.choices.DeviceAirflowChoices). */
export const AIRFLOWS = [
  'front-to-rear',
  'rear-to-front',
  'left-to-right',
  'right-to-left',
  'side-to-rear',
  'rear-to-side',
  'bottom-to-top',
  'top-to-bottom',
  'passive',
  'mixed',
] as const;

/** A slug as NetBox accepts it: lower-case letters, digits, hyphens and underscores. */
export const slug = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.minLength(1, 'is required'),
  v.maxLength(100, 'must be at most 100 characters'),
  v.regex(/^[a-z0-9_-]+$/, 'may hold lower-case letters, digits, - and _ only'),
);

/** Rack units: 0 (zero-U, side-mounted) to 52, in half units as NetBox allows. */
export const uHeight = v.pipe(
  num(0, 52),
  v.check((n) => Number.isInteger(n * 2), 'must be a multiple of 0.5'),
);

const watts = v.optional(v.nullable(int(0, 50_000)));

export const DeviceInterface = v.object({
  name: name(64),
  type: v.optional(v.pipe(v.string('must be text'), v.maxLength(64, 'must be at most 64 characters'))),
  mgmt_only: v.optional(v.boolean('must be true or false')),
  /** line rate inferred from the type (1G, 10G, …); null for virtual or unknown types */
  speed: v.optional(v.nullable(v.pipe(v.string('must be text'), v.maxLength(16, 'must be at most 16 characters')))),
});
export const DevicePowerPort = v.object({
  name: name(64),
  type: v.optional(v.pipe(v.string('must be text'), v.maxLength(64, 'must be at most 64 characters'))),
  maximum_draw: watts,
  allocated_draw: watts,
});

export const DeviceTypeCreate = v.object({
  manufacturer: name(64),
  model: name(64),
  /** derived from manufacturer and model (NetBox-style) when left out */
  slug: v.optional(slug),
  part_number: optionalText(64),
  kind: v.optional(oneOf(DEVICE_KINDS)),
  u_height: v.optional(uHeight),
  is_full_depth: v.optional(v.boolean('must be true or false')),
  airflow: v.optional(v.nullable(oneOf(AIRFLOWS))),
  weight_kg: v.optional(v.nullable(num(0, 5_000))),
  max_draw_w: watts,
  allocated_draw_w: watts,
  interfaces: v.optional(v.pipe(v.array(DeviceInterface), v.maxLength(1024, 'at most 1024 interfaces'))),
  power_ports: v.optional(v.pipe(v.array(DevicePowerPort), v.maxLength(64, 'at most 64 power ports'))),
  power_outlets: v.optional(int(0, 512)),
  comments: optionalText(4000),
});
export const DeviceTypeUpdate = v.partial(DeviceTypeCreate);

export const DeviceType = v.object({
  ...DeviceTypeCreate.entries,
  ...timestampsOut,
  slug,
  kind: oneOf(DEVICE_KINDS),
  u_height: v.number(),
  is_full_depth: v.boolean(),
  interfaces: v.array(DeviceInterface),
  power_ports: v.array(DevicePowerPort),
  power_outlets: v.number(),
  /** the library's other component templates (console ports, module bays, …) as it lists them */
  components: v.record(v.string(), v.array(v.unknown())),
  /** servers and network devices created from this type */
  device_count: v.number(),
});

export const DEFAULTS_FOR = ['server', 'network', 'storage', 'pdu'] as const;
export const DefaultsQuery = v.object({ for: v.optional(oneOf(DEFAULTS_FOR)) });

/** What a device form fills from a type: spread `fields` into the form; `ports` are a switch's to create. */
export const DeviceTypeDefaults = v.object({
  device_type_id: id,
  for: oneOf(DEFAULTS_FOR),
  zero_u: v.boolean(),
  fields: v.object({
    manufacturer: v.string(),
    model: v.string(),
    u_size: v.number(),
    is_full_depth: v.boolean(),
    device_type_id: v.optional(v.number()),
    power_supply_w: v.optional(v.number()),
    power_w: v.optional(v.number()),
    outlets: v.optional(v.number()),
  }),
  ports: v.array(v.object({ name: v.string(), speed: v.nullable(v.string()), mgmt_only: v.boolean() })),
});

export const ImportQuery = v.object({ dry_run: v.optional(oneOf(['true', 'false'] as const)) });
/** JSON form of an import: the YAML text (one or several `---`-separated documents) */
export const ImportBody = v.object({
  yaml: v.pipe(v.string('must be text'), v.minLength(1, 'is required')),
});
export const ImportResult = v.object({
  dry_run: v.boolean(),
  created: v.number(),
  updated: v.number(),
  unchanged: v.number(),
  documents: v.array(
    v.object({
      index: v.number(),
      action: oneOf(['create', 'update', 'unchanged'] as const),
      id: v.nullable(v.number()),
      manufacturer: v.string(),
      model: v.string(),
      slug: v.string(),
      kind: oneOf(DEVICE_KINDS),
      u_height: v.number(),
      max_draw_w: v.nullable(v.number()),
      interfaces: v.number(),
    }),
  ),
});
