import { sql, type SQL } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { visibleWhere, type Entity } from '../platform/access/entities';
import { serverEntity } from '../dcim/access';
import { vmEntity } from '../virtualization/access';
import { networkDeviceEntity } from '../network/access';
import { storageSystemEntity } from '../storage/access';
import type { AssetKind } from './links';

// A finding is as secret as its asset: the asset's own entity (a server through its rack, a VM through its host,
// a device through its rack) decides, through the one access resolver. The catalogue and the feeds are public
// knowledge and carry no zone. A finding points at one of four tables, which the resolver's single-parent
// ZoneSource cannot express, so findings are scoped here by kind rather than declared as an entity.
export const ASSET_ENTITIES: Record<AssetKind, Entity> = {
  server: serverEntity,
  vm: vmEntity,
  network_device: networkDeviceEntity,
  storage_system: storageSystemEntity,
};

/**
 * Findings (`alias` rows, columns asset_kind and asset_id) whose asset exists and the caller may see. Always a
 * condition: a finding about a deleted asset is not shown to anyone.
 */
export function findingScope(ctx: Pick<ServiceContext, 'actor'>, alias = 'vulnerability_findings'): SQL {
  const parts = (Object.entries(ASSET_ENTITIES) as [AssetKind, Entity][]).map(([kind, entity]) => {
    const visible = visibleWhere(ctx, entity, 'fa');
    const table = sql.raw(entity.table);
    const col = (c: string) => sql.raw(`${alias}.${c}`);
    return sql`(${col('asset_kind')} = ${kind} AND ${col('asset_id')} IN (SELECT fa.id FROM ${table} fa${visible ? sql` WHERE ${visible}` : sql``}))`;
  });
  return sql`(${sql.join(parts, sql` OR `)})`;
}

/** Whether the caller may see one asset (the PATCH of a finding, a scan of one asset). */
export function assetScope(ctx: Pick<ServiceContext, 'actor'>, kind: AssetKind): SQL | undefined {
  return visibleWhere(ctx, ASSET_ENTITIES[kind], 'fa');
}
