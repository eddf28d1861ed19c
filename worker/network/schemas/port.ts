import * as v from 'valibot';
import { id, int, name, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';

// Only valibot here: the UI validates its port forms with these.

export const PORT_SPEEDS = ['1G', '10G', '25G', '40G', '100G', '400G'] as const;
export type PortSpeed = (typeof PORT_SPEEDS)[number];

/** Line rate of each speed in bits per second: the denominator of a link's utilisation. */
export const SPEED_BPS: Record<PortSpeed, number> = {
  '1G': 1e9,
  '10G': 10e9,
  '25G': 25e9,
  '40G': 40e9,
  '100G': 100e9,
  '400G': 400e9,
};

const portFields = {
  /** what the device calls it (ifName), e.g. Ethernet1/1 */
  name: name(64),
  speed: v.optional(oneOf(PORT_SPEEDS)),
  media: optionalText(32),
  /** SNMP ifIndex */
  if_index: v.optional(v.nullable(int(1, 2_147_483_647))),
  enabled: v.optional(v.boolean('must be true or false')),
  description: optionalText(200),
};

export const NetworkPortCreate = v.object({ device_id: id, ...portFields });
// a port belongs to its device for life: moving it would silently rewire its cable
export const NetworkPortUpdate = v.partial(v.object(portFields));
export const NetworkPort = v.object({
  ...NetworkPortCreate.entries,
  ...timestampsOut,
  device_name: v.string(),
  cable_id: v.nullable(v.number()),
  /** the far end as "device:port"; null when free, or when the far end is above the caller's clearance */
  peer: v.nullable(v.string()),
  peer_device_id: v.nullable(v.number()),
  peer_port_id: v.nullable(v.number()),
});
