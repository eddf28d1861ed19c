import * as v from 'valibot';
import {
  LIFECYCLE,
  SECURITY_ZONES,
  id,
  int,
  name,
  oneOf,
  optionalText,
  positive,
  timestampsOut,
} from '../../platform/schemas/common';

export const COOLING_TYPES = [
  'Air Cooling',
  'Liquid Cooling',
  'In-Row',
  'Rear-Door Heat Exchanger',
  'Immersion',
] as const;
export const RACK_STATUSES = LIFECYCLE;

export const RackCreate = v.object({
  name: name(64),
  datacenter_id: id,
  location: optionalText(120),
  row: optionalText(16),
  position: v.optional(v.nullable(int(0, 100_000))),
  u_capacity: v.optional(int(1, 52)),
  power_capacity_kw: v.optional(positive(500)),
  cooling_type: v.optional(oneOf(COOLING_TYPES)),
  security_zone: v.optional(oneOf(SECURITY_ZONES)),
  status: v.optional(oneOf(RACK_STATUSES)),
});
export const RackUpdate = v.partial(RackCreate);
export const Rack = v.object({
  ...RackCreate.entries,
  ...timestampsOut,
  datacenter_name: v.string(),
  server_count: v.number(),
  device_count: v.pipe(v.number(), v.description('Devices of every kind in the rack: servers, storage, network, PDUs')),
  used_u: v.pipe(v.number(), v.description('U occupied by devices of every kind (zero-U PDUs take none)')),
  allocated_w: v.pipe(
    v.number(),
    v.description('Power allocated to the devices not decommissioned (servers: power_supply_w; others: power_w)'),
  ),
});
export type RackInput = v.InferInput<typeof RackCreate>;
