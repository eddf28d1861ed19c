import * as v from 'valibot';
import { id, int, name, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';

// Only valibot here: the UI validates its VLAN form with these.

export const VLAN_STATUSES = ['active', 'reserved', 'deprecated'] as const;

export const VlanCreate = v.object({
  /** 802.1Q: 0 and 4095 are reserved */
  vid: int(1, 4094),
  name: name(64),
  /** absent or null: a VLAN every site shares */
  datacenter_id: v.optional(v.nullable(id)),
  status: v.optional(oneOf(VLAN_STATUSES)),
  role: optionalText(64),
  description: optionalText(200),
});
export const VlanUpdate = v.partial(VlanCreate);

export const Vlan = v.object({
  ...timestampsOut,
  vid: v.number(),
  name: v.string(),
  datacenter_id: v.nullable(v.number()),
  status: v.picklist(VLAN_STATUSES),
  role: v.nullable(v.string()),
  description: v.nullable(v.string()),
  /** null for a global VLAN */
  datacenter_name: v.nullable(v.string()),
  prefix_count: v.number(),
});
