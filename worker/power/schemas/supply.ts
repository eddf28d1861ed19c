import * as v from 'valibot';
import { id, int, name, oneOf, timestampsOut } from '../../platform/schemas/common';

// Only valibot here: the UI validates its "add a power supply" form with this schema.

/** the rack-mounted kinds that draw power (dcim/mounted.ts), PDUs excepted */
export const DEVICE_KINDS = ['server', 'storage', 'network'] as const;

export const PowerSupplyCreate = v.object({
  device_kind: oneOf(DEVICE_KINDS),
  device_id: id,
  name: v.optional(name(32)),
  pdu_id: id,
  /** 1 to the PDU's outlet count; null when nobody recorded the socket */
  outlet: v.optional(v.nullable(int(1, 96))),
  /** the PSU's rating (nameplate watts) */
  max_draw_w: v.optional(v.nullable(int(1, 20_000))),
});
export const PowerSupplyUpdate = v.partial(PowerSupplyCreate);
export const PowerSupply = v.object({
  ...PowerSupplyCreate.entries,
  ...timestampsOut,
  pdu_name: v.string(),
  rack_id: v.number(),
  feed_id: v.nullable(v.number()),
  /** null when the device was deleted after the supply was recorded */
  device_name: v.nullable(v.string()),
  /** the device's allocated power shared over its supplies */
  allocated_w: v.number(),
});
