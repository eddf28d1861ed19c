import * as v from 'valibot';
import { int, name, num, optionalText, timestampsOut } from '../../platform/schemas/common';

// Only valibot here: the UI validates its snapshot form with this.

export const StorageSnapshotCreate = v.object({
  name: name(64),
  volume: optionalText(128),
  size_gb: num(0, 1_000_000_000),
  /** kept this many days after it was taken */
  retention_days: v.optional(int(1, 3650)),
});

export const StorageSnapshot = v.object({
  ...StorageSnapshotCreate.entries,
  ...timestampsOut,
  storage_id: v.number(),
  retention_days: v.number(),
  /** created_at + retention_days */
  expires_at: v.string(),
});
