import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { andVisible } from '../platform/access/entities';
import { notFound, unprocessable } from '../platform/http/problem';
import { storageSystemEntity } from '../storage/access';
import { latestValues, visibleRacks, type LatestRow } from '../telemetry/query';
import { storageDiskRisk, type StorageFacts } from './storage-disk-risk';

const LEVELS = ['none', 'low', 'medium', 'high'] as const;

interface SystemRow {
  id: number;
  name: string;
  storage_type: string;
  rack_id: number | null;
  rack: string | null;
  datacenter_id: number;
  datacenter: string;
  raid_level: string;
  disk_count: number;
  raw_capacity_tb: number;
}

/**
 * The disk risk of visible storage systems (one, or those in service of one datacenter or all), highest first: each from
 * the latest SMART series its rack object holds under its name. A system with no rack has nowhere for telemetry
 * to land, so it reads "no SMART data received" like one whose disks never reported.
 */
export async function storageDiskRisks(
  ctx: ServiceContext,
  q: { storage_id?: number; datacenter_id?: number; level: (typeof LEVELS)[number]; limit: number; offset: number },
) {
  // one system is answered whatever its status; a list leaves out the decommissioned
  const one = q.storage_id === undefined ? sql` AND s.status <> 'decommissioned'` : sql` AND s.id = ${q.storage_id}`;
  const inDc = q.datacenter_id === undefined ? sql`` : sql` AND s.datacenter_id = ${q.datacenter_id}`;
  const systems = await ctx.db.all<SystemRow>(
    sql`SELECT s.id AS id, s.name AS name, s.storage_type AS storage_type, s.rack_id AS rack_id, r.name AS rack,
          s.datacenter_id AS datacenter_id, d.name AS datacenter, s.raid_level AS raid_level,
          s.disk_count AS disk_count, s.raw_capacity_tb AS raw_capacity_tb
        FROM storage_systems s LEFT JOIN racks r ON r.id = s.rack_id JOIN datacenters d ON d.id = s.datacenter_id
        WHERE true${andVisible(ctx, storageSystemEntity, 's')}${one}${inDc}`,
  );
  const rackIds = [...new Set(systems.flatMap((s) => (s.rack_id === null ? [] : [s.rack_id])))];
  if (rackIds.length > 2000) {
    throw unprocessable([{ field: 'query.datacenter_id', message: 'more than 2000 racks: choose a datacenter' }]);
  }
  const racks = rackIds.length ? await visibleRacks(ctx, { rack_ids: rackIds }) : [];
  const latest = racks.length ? await latestValues(ctx, racks, {}) : [];
  const bySystem = new Map<string, StorageFacts['latest']>();
  for (const v of deviceSeries(latest)) {
    const key = `${v.rack_id}:${v.labels.device}`;
    const list = bySystem.get(key) ?? [];
    list.push(v);
    bySystem.set(key, list);
  }
  const min = LEVELS.indexOf(q.level);
  const rows = systems.flatMap((s) => {
    const r = storageDiskRisk({ ...s, latest: bySystem.get(`${s.rack_id}:${s.name}`) ?? [] });
    if (LEVELS.indexOf(r.level) < min) return [];
    return [
      {
        storage_id: s.id,
        name: s.name,
        storage_type: s.storage_type,
        rack_id: s.rack_id,
        rack: s.rack,
        datacenter_id: s.datacenter_id,
        datacenter: s.datacenter,
        ...r,
      },
    ];
  });
  // by level, then the worst disk; systems without data after those with some at the same level
  rows.sort(
    (a, b) =>
      LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) ||
      (b.worst_risk ?? -1) - (a.worst_risk ?? -1) ||
      a.name.localeCompare(b.name),
  );
  return { total: rows.length, rows: rows.slice(q.offset, q.offset + q.limit) };
}

/** One storage system's disk risk, or 404 (whether it does not exist or is above the caller's clearance). */
export async function storageDiskRiskOf(ctx: ServiceContext, id: number) {
  const { rows } = await storageDiskRisks(ctx, { storage_id: id, level: 'none', limit: 1, offset: 0 });
  if (!rows[0]) throw notFound('storage system', id);
  return rows[0];
}

/** Rack-level series of storage arrays: the ones ingest labelled with an array's inventory name. */
const deviceSeries = (latest: LatestRow[]) =>
  latest.filter(
    (v): v is LatestRow & { labels: { device: string } } =>
      v.server_id === null && v.labels.device_kind === 'storage' && typeof v.labels.device === 'string',
  );
