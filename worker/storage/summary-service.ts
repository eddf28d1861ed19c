import { and, eq } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { visibleWhere } from '../platform/access/entities';
import { storageSystems } from './tables';
import { storageSystemEntity } from './access';
import { summarize } from './summary';

/** The summary over the systems the caller may see, of one datacenter or all. */
export async function storageSummary(ctx: ServiceContext, datacenterId?: number) {
  const rows = await ctx.db
    .select({
      storage_type: storageSystems.storage_type,
      raw_capacity_tb: storageSystems.raw_capacity_tb,
      usable_capacity_tb: storageSystems.usable_capacity_tb,
      used_tb: storageSystems.used_tb,
      encryption: storageSystems.encryption,
      replication_mode: storageSystems.replication_mode,
    })
    .from(storageSystems)
    .where(
      and(
        visibleWhere(ctx, storageSystemEntity),
        datacenterId === undefined ? undefined : eq(storageSystems.datacenter_id, datacenterId),
      ),
    )
    .all();
  return summarize(rows);
}
