import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import type { Change, ResourceDef } from '../platform/http/resource';
import { conflict, type FieldError } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { storageSnapshots, storageSystems } from './tables';
import { storageSnapshotEntity } from './access';
import { StorageSnapshot, StorageSnapshotCreate } from './schemas/snapshot';
import { snapshotOverflow } from './snapshot-rules';
import { anyOf } from '../platform/http/sql-match';

/**
 * Snapshot records of a storage system. Served nested under their system (/storage/{id}/snapshots, routes.ts),
 * so this definition is not mounted on its own path: the routes call the resource functions with it.
 */
export const storageSnapshotsResource: ResourceDef = {
  path: '/storage/{id}/snapshots',
  entity: 'storage_snapshot',
  label: 'Snapshot',
  tag: 'Storage',
  table: storageSnapshots,
  schemas: { create: StorageSnapshotCreate, output: StorageSnapshot },
  filters: { storage_id: { type: 'int' } },
  sortable: ['id', 'name', 'volume', 'size_gb', 'retention_days', 'expires_at', 'created_at'],
  defaultSort: '-created_at',
  searchable: ['name', 'volume'],
  unique: [{ fields: ['storage_id', 'name'], ignoreCase: true }],
  scope: (ctx) => visibleWhere(ctx, storageSnapshotEntity),
  access: { read: 'inventory:read', write: 'inventory:write' },
  // expires_at from the same clock and statement as created_at, so it is exactly retention_days later
  async prepare(_ctx, input) {
    const days = Number(input.retention_days ?? 7);
    return {
      ...input,
      retention_days: days,
      expires_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ${`+${days} days`}))`,
    };
  },
  check: checkSnapshotsFit,
};

/** A snapshot must fit in the free capacity of its system (409 naming size_gb). */
async function checkSnapshotsFit(ctx: ServiceContext, changes: Change[]) {
  const ids = [...new Set(changes.map((c) => Number(c.after.storage_id)))];
  const systems = await ctx.db
    .select({
      id: storageSystems.id,
      name: storageSystems.name,
      usable_capacity_tb: storageSystems.usable_capacity_tb,
      used_tb: storageSystems.used_tb,
    })
    .from(storageSystems)
    .where(anyOf(storageSystems.id, ids))
    .all();
  const byId = new Map(systems.map((s) => [s.id, s]));
  const errors: FieldError[] = [];
  for (const c of changes) {
    const system = byId.get(Number(c.after.storage_id));
    const message = system && snapshotOverflow(Number(c.after.size_gb), system);
    if (message) errors.push({ field: `${c.prefix}size_gb`, message });
  }
  if (errors.length) throw conflict(`The snapshot does not fit: ${errors.map((e) => e.message).join('; ')}.`, errors);
}
