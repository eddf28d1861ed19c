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
import { mountDepthFields } from './mount';

export const SERVER_TYPES = ['Compute', 'Storage', 'GPU', 'Database'] as const;
export const SERVER_STATUSES = ['active', 'maintenance', 'offline', 'decommissioned'] as const;
export const SERVER_HEALTH = ['healthy', 'warning', 'critical', 'unknown'] as const;

export const ServerCreate = v.object({
  name: name(64),
  rack_id: id,
  server_type: v.optional(oneOf(SERVER_TYPES)),
  manufacturer: optionalText(64),
  model: optionalText(64),
  serial_number: v.pipe(
    v.string('must be text'),
    v.trim(),
    v.minLength(1, 'is required'),
    v.maxLength(64, 'must be at most 64 characters'),
    v.regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'may hold letters, digits and . _ - / only'),
  ),
  u_position: int(1, 52),
  u_size: v.optional(int(1, 10)),
  ...mountDepthFields,
  cpu_model: optionalText(100),
  cpu_cores: v.optional(v.nullable(int(1, 4096))),
  ram_gb: v.optional(v.nullable(int(0, 1_048_576))),
  storage_tb: v.optional(v.nullable(num(0, 100_000))),
  power_supply_w: v.optional(int(0, 50_000)),
  os: optionalText(100),
  // the versions the vulnerability matcher compares; agents report them (node_os_info, node_dmi_info)
  os_version: optionalText(64),
  firmware_version: optionalText(64),
  bios_version: optionalText(64),
  device_type_id: v.optional(v.nullable(id)),
  ip_address: ipAddress,
  management_ip: ipAddress,
  status: v.optional(oneOf(SERVER_STATUSES)),
  health: v.optional(oneOf(SERVER_HEALTH)),
  warranty_expires: isoDate,
  purchase_date: isoDate,
  purchase_cost: v.optional(v.nullable(num(0, 100_000_000))),
});
export const ServerUpdate = v.partial(ServerCreate);
export const Server = v.object({
  ...ServerCreate.entries,
  ...timestampsOut,
  rack_name: v.string(),
  datacenter_id: v.number(),
  datacenter_name: v.string(),
});
export type ServerInput = v.InferInput<typeof ServerCreate>;
