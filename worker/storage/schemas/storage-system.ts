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
  positive,
  timestampsOut,
} from '../../platform/schemas/common';
import { mountDepthFields } from '../../dcim/schemas/mount';

// Only valibot here: the UI validates its storage forms with these.

export const STORAGE_TYPES = ['SAN', 'NAS', 'Object', 'Block', 'File'] as const;
export const RAID_LEVELS = ['0', '1', '5', '6', '10'] as const;
export type RaidLevel = (typeof RAID_LEVELS)[number];
export const STORAGE_STATUSES = ['planned', 'active', 'maintenance', 'offline', 'decommissioned'] as const;
export const REPLICATION_MODES = ['none', 'sync', 'async'] as const;
export const STORAGE_PROTOCOLS = ['iSCSI', 'FC', 'NVMe-oF', 'NFS', 'SMB', 'S3'] as const;

export const StorageSystemCreate = v.object({
  name: name(64),
  storage_type: v.optional(oneOf(STORAGE_TYPES)),
  datacenter_id: id,
  /** absent or null: attached to the datacenter, outside any rack (an object store spread over a hall) */
  rack_id: v.optional(v.nullable(id)),
  /** lowest U taken; required in a rack (storage is never zero-U) */
  u_position: v.optional(v.nullable(int(1, 52))),
  u_size: v.optional(int(1, 20)),
  ...mountDepthFields,
  manufacturer: optionalText(64),
  model: optionalText(64),
  serial_number: optionalText(64),
  protocol: v.optional(v.nullable(oneOf(STORAGE_PROTOCOLS))),
  raid_level: v.optional(oneOf(RAID_LEVELS)),
  disk_count: int(1, 10_000),
  /** the sum of every disk's capacity; usable capacity is derived from it and the RAID layout */
  raw_capacity_tb: positive(1_000_000),
  used_tb: v.optional(num(0, 1_000_000)),
  replication_target: optionalText(128),
  replication_mode: v.optional(oneOf(REPLICATION_MODES)),
  encryption: v.optional(v.boolean('must be true or false')),
  /** allocated power, counted against the rack's budget */
  power_w: v.optional(int(0, 50_000)),
  management_ip: ipAddress,
  firmware_version: optionalText(64),
  device_type_id: v.optional(v.nullable(id)),
  status: v.optional(oneOf(STORAGE_STATUSES)),
  warranty_expires: isoDate,
  purchase_date: isoDate,
  purchase_cost: v.optional(v.nullable(num(0, 100_000_000))),
});
export const StorageSystemUpdate = v.partial(StorageSystemCreate);

export const StorageSystem = v.object({
  ...StorageSystemCreate.entries,
  ...timestampsOut,
  /** derived from raid_level, disk_count and raw_capacity_tb */
  usable_capacity_tb: v.number(),
  rack_name: v.nullable(v.string()),
  datacenter_name: v.string(),
  utilization_pct: v.number(),
  free_tb: v.number(),
  /** disks that may fail, whichever they are, without data loss */
  fault_tolerance_disks: v.number(),
});

const totals = {
  count: v.number(),
  raw_tb: v.number(),
  usable_tb: v.number(),
  used_tb: v.number(),
  free_tb: v.number(),
  utilization_pct: v.number(),
  encrypted: v.number(),
  replicated: v.number(),
};
export const StorageSummary = v.object({
  overall: v.object(totals),
  by_type: v.array(v.object({ storage_type: v.picklist(STORAGE_TYPES), ...totals })),
});
