import * as v from 'valibot';
import {
  id,
  int,
  ipAddress,
  isoDate,
  name,
  num,
  oneOf,
  optionalText,
  timestampsOut,
} from '../../platform/schemas/common';
import { mountDepthFields } from '../../dcim/schemas/mount';

// Only valibot here: the UI validates its device form with these.

export const DEVICE_TYPES = [
  'core_switch',
  'distribution_switch',
  'access_switch',
  'router',
  'firewall',
  'load_balancer',
  // passive: takes its U and its place in the elevation, carries cables, draws no power and reports nothing
  'patch_panel',
] as const;
export const DEVICE_STATUSES = ['planned', 'active', 'maintenance', 'offline', 'decommissioned'] as const;

export const NetworkDeviceCreate = v.object({
  name: name(64),
  device_type: oneOf(DEVICE_TYPES),
  rack_id: id,
  // a switch always takes a slot: zero-U mounting is for PDUs, and a device without a U cannot be found on site
  u_position: int(1, 52),
  u_size: v.optional(int(1, 10)),
  ...mountDepthFields,
  manufacturer: optionalText(64),
  model: optionalText(64),
  serial_number: optionalText(64),
  management_ip: ipAddress,
  os_version: optionalText(64),
  firmware_version: optionalText(64),
  device_type_id: v.optional(v.nullable(id)),
  power_w: v.optional(int(0, 50_000)),
  status: v.optional(oneOf(DEVICE_STATUSES)),
  warranty_expires: isoDate,
  purchase_date: isoDate,
  purchase_cost: v.optional(v.nullable(num(0, 100_000_000))),
});
export const NetworkDeviceUpdate = v.partial(NetworkDeviceCreate);
export const NetworkDevice = v.object({
  ...NetworkDeviceCreate.entries,
  ...timestampsOut,
  rack_name: v.string(),
  datacenter_id: v.number(),
  datacenter_name: v.string(),
  port_count: v.number(),
  /** ports with a cable */
  connected_ports: v.number(),
});
export type NetworkDeviceInput = v.InferInput<typeof NetworkDeviceCreate>;
