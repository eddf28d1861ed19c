import * as v from 'valibot';
import { id, int, optionalText } from '../../platform/schemas/common';

// Only valibot here: the UI validates its snapshot and clone forms with these.

export const SNAPSHOT_STATUSES = ['creating', 'ready', 'reverting', 'deleting', 'failed'] as const;

/** Hypervisors take these names on their command lines and in file names: keep them plain. */
const siteName = (max: number) =>
  v.pipe(
    v.string('must be text'),
    v.trim(),
    v.minLength(1, 'is required'),
    v.maxLength(max, `must be at most ${max} characters`),
    v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'may hold only letters, digits, dot, dash and underscore'),
  );

export const SnapshotCreate = v.object({
  name: siteName(64),
  description: optionalText(200),
  /** deleted automatically this many days after it was taken (absent: kept until deleted) */
  retention_days: v.optional(v.nullable(int(1, 3650))),
});

export const VmSnapshot = v.object({
  id: v.number(),
  vm_id: v.number(),
  vm_name: v.string(),
  name: v.string(),
  description: v.nullable(v.string()),
  /** the snapshot the VM was at when this one was taken */
  parent_id: v.nullable(v.number()),
  /** as the hypervisor reported it (null: it did not) */
  size_gb: v.nullable(v.number()),
  status: v.picklist(SNAPSHOT_STATUSES),
  /** the VM is at this snapshot now */
  current: v.boolean(),
  expires_at: v.nullable(v.string()),
  requested_by: v.nullable(v.string()),
  /** VMs cloned from it */
  clone_count: v.number(),
  created_at: v.string(),
  updated_at: v.string(),
});

export const CloneBody = v.object({
  /** the new VM's name */
  name: siteName(64),
  /** clone the VM as it was at this snapshot of it (absent: as it is now) */
  snapshot_id: v.optional(v.nullable(id)),
});
