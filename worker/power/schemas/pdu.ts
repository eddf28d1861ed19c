import * as v from 'valibot';
import { id, int, ipAddress, name, num, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';
import { mountDepthFields } from '../../dcim/schemas/mount';

// Only valibot here: the UI validates its PDU form with this schema.

export const PDU_STATUSES = ['planned', 'active', 'maintenance', 'offline', 'decommissioned'] as const;

export const PduCreate = v.object({
  name: name(64),
  rack_id: id,
  /** absent: not yet connected (impact reports its devices as uncertain, never as safe) */
  feed_id: v.optional(v.nullable(id)),
  /** null: zero-U (mounted on the side of the rack) */
  u_position: v.optional(v.nullable(int(1, 52))),
  u_size: v.optional(int(1, 4)),
  ...mountDepthFields,
  outlets: v.optional(int(1, 96)),
  capacity_kw: num(0.1, 500),
  manufacturer: optionalText(64),
  model: optionalText(64),
  management_ip: ipAddress,
  status: v.optional(oneOf(PDU_STATUSES)),
});
export const PduUpdate = v.partial(PduCreate);
export const Pdu = v.object({
  ...PduCreate.entries,
  ...timestampsOut,
  rack_name: v.string(),
  datacenter_id: v.number(),
  feed_name: v.nullable(v.string()),
  feed_side: v.nullable(v.string()),
  /** supplies plugged in (visible ones) */
  supply_count: v.number(),
  allocated_kw: v.number(),
});
