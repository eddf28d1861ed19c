import * as v from 'valibot';
import { id, num, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';

// Only valibot here: the UI validates its cable form with these.

export const CABLE_TYPES = ['fiber', 'copper', 'dac', 'aoc'] as const;
export const CABLE_STATUSES = ['connected', 'planned', 'decommissioned'] as const;

export const NetworkCableCreate = v.object({
  a_port_id: id,
  b_port_id: id,
  cable_type: v.optional(oneOf(CABLE_TYPES)),
  length_m: v.optional(v.nullable(num(0, 100_000))),
  label: optionalText(64),
  status: v.optional(oneOf(CABLE_STATUSES)),
});
export const NetworkCableUpdate = v.partial(NetworkCableCreate);
export const NetworkCable = v.object({
  ...NetworkCableCreate.entries,
  ...timestampsOut,
  a_device_id: v.number(),
  a_device_name: v.string(),
  a_port_name: v.string(),
  a_speed: v.string(),
  b_device_id: v.number(),
  b_device_name: v.string(),
  b_port_name: v.string(),
  b_speed: v.string(),
});
