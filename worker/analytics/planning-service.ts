import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch } from '../platform/db/client';
import { andVisible } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';
import { exhaustionOf, growthOf, loadGrowth } from './forecast-service';
import {
  feedRisks,
  headroomRisks,
  placeServers,
  procurement,
  singlePointRisks,
  strandedCapacity,
  type RackState,
} from './planning';
import type { Exhaustion } from './capacity-forecast';

/** Visible racks of one datacenter or all, with what is mounted in them. */
export async function loadRacks(ctx: ServiceContext, datacenterId?: number): Promise<RackState[]> {
  const inDc = datacenterId === undefined ? sql`` : sql` AND r.datacenter_id = ${datacenterId}`;
  const visible = andVisible(ctx, rackEntity, 'r');
  const [racks, mounted] = await runBatch(ctx.db, [
    ctx.db.all<Omit<RackState, 'mounted'>>(
      sql`SELECT r.id AS id, r.name AS name, r.datacenter_id AS datacenter_id, d.name AS datacenter,
            r.security_zone AS zone, r.u_capacity AS u_capacity, r.power_capacity_kw AS power_capacity_kw
          FROM racks r JOIN datacenters d ON d.id = r.datacenter_id WHERE 1 = 1${visible}${inDc} ORDER BY r.name`,
    ),
    ctx.db.all<{ rack_id: number; u_position: number; u_size: number; power_w: number }>(
      sql`SELECT s.rack_id AS rack_id, s.u_position AS u_position, s.u_size AS u_size,
            CASE WHEN s.status = 'decommissioned' THEN 0 ELSE s.power_supply_w END AS power_w
          FROM servers s JOIN racks r ON r.id = s.rack_id WHERE 1 = 1${visible}${inDc}`,
    ),
  ]);
  const by = new Map(racks.map((r) => [r.id, { ...r, mounted: [] as RackState['mounted'] }]));
  for (const m of mounted) by.get(m.rack_id)?.mounted.push(m);
  return [...by.values()];
}

export async function stranded(ctx: ServiceContext, q: { datacenter_id?: number; headroom_pct: number }) {
  return strandedCapacity(await loadRacks(ctx, q.datacenter_id), q.headroom_pct / 100);
}

export async function placement(
  ctx: ServiceContext,
  q: { count: number; u_size: number; power_w: number; datacenter_id?: number; headroom_pct: number },
) {
  const racks = await loadRacks(ctx, q.datacenter_id);
  const { placements, unplaced } = placeServers(racks, q, q.headroom_pct / 100);
  return {
    requested: q.count,
    placed: placements.length,
    unplaced,
    reason:
      unplaced > 0
        ? `${unplaced} of ${q.count} do not fit: no rack has a free run of ${q.u_size} U with ${q.power_w} W left ` +
          `within its budget less ${q.headroom_pct} % headroom`
        : null,
    placements,
  };
}

export async function procurementPlan(
  ctx: ServiceContext,
  q: { datacenter_id?: number; months: number; lead_time_days: number; headroom_pct: number },
  now = new Date(),
) {
  const g = await loadGrowth(ctx, q.datacenter_id, now);
  const rows = exhaustionOf(g, { ...q, horizon_months: q.months });
  const lines = g.totals.map(({ id, name }) =>
    procurement(
      { id, name },
      growthOf(g, q, id).forecast,
      rows.filter((r) => r.datacenter_id === id),
      { now, leadDays: q.lead_time_days },
    ),
  );
  return lines.flat().sort((a, b) => a.order_by.localeCompare(b.order_by) || a.datacenter.localeCompare(b.datacenter));
}

/** The last day's peak rack power (kW) from the rack objects' minute rollups. */
async function rackPeaks(ctx: ServiceContext, rackIds: number[], now: number) {
  if (!rackIds.length) return new Map<number, number>();
  const rows = await ctx.db.all<{ rack_id: number; peak: number }>(
    sql`SELECT rack_id, max(max) AS peak FROM metric_rollups
        WHERE rack_id IN (SELECT value FROM json_each(${JSON.stringify(rackIds)})) AND server_id = 0
          AND metric = 'power_kw' AND step_s = 60 AND bucket_start >= ${now - 86_400_000}
        GROUP BY rack_id`,
  );
  return new Map(rows.map((r) => [r.rack_id, r.peak]));
}

interface GroupRow {
  kind: string;
  name: string;
  datacenter_id: number;
  datacenter: string;
  racks: string;
  members: number;
}

/** VM anti-affinity groups, VM auto-scaling groups and container clusters, with the racks their members are in. */
async function redundantGroups(ctx: ServiceContext, datacenterId?: number) {
  const visible = andVisible(ctx, rackEntity, 'r');
  const inDc = datacenterId === undefined ? sql`` : sql` AND r.datacenter_id = ${datacenterId}`;
  const place = sql`JOIN servers s ON s.id = v.host_server_id JOIN racks r ON r.id = s.rack_id JOIN datacenters d ON d.id = r.datacenter_id`;
  const cols = sql`r.datacenter_id AS datacenter_id, d.name AS datacenter, json_group_array(DISTINCT r.name) AS racks, count(*) AS members`;
  const [anti, scaling, clusterRows] = await runBatch(ctx.db, [
    ctx.db.all<GroupRow>(
      sql`SELECT 'anti-affinity group' AS kind, v.anti_affinity_group AS name, ${cols} FROM vms v ${place}
          WHERE v.anti_affinity_group IS NOT NULL${visible}${inDc} GROUP BY v.anti_affinity_group, r.datacenter_id`,
    ),
    ctx.db.all<GroupRow>(
      sql`SELECT 'auto-scaling group' AS kind, g.name AS name, ${cols} FROM vms v JOIN vm_scaling_groups g ON g.id = v.scaling_group_id ${place}
          WHERE 1 = 1${visible}${inDc} GROUP BY g.id, r.datacenter_id`,
    ),
    ctx.db.all<GroupRow>(
      sql`SELECT 'cluster' AS kind, c.name AS name, r.datacenter_id AS datacenter_id, d.name AS datacenter,
            json_group_array(DISTINCT r.name) AS racks, count(*) AS members
          FROM cluster_nodes n JOIN clusters c ON c.id = n.cluster_id
            LEFT JOIN vms v ON v.id = n.vm_id
            JOIN servers s ON s.id = coalesce(n.server_id, v.host_server_id)
            JOIN racks r ON r.id = s.rack_id JOIN datacenters d ON d.id = r.datacenter_id
          WHERE 1 = 1${visible}${inDc} GROUP BY c.id, r.datacenter_id`,
    ),
  ]);
  return [...anti, ...scaling, ...clusterRows].map((g) => ({ ...g, racks: JSON.parse(g.racks) as string[] }));
}

export async function risks(
  ctx: ServiceContext,
  q: { datacenter_id?: number; min_headroom_months: number; headroom_pct: number },
  now = new Date(),
) {
  const [rows, racks, groups] = await Promise.all([
    loadGrowth(ctx, q.datacenter_id, now).then((g) => exhaustionOf(g, { ...q, horizon_months: 24 })),
    loadRacks(ctx, q.datacenter_id),
    redundantGroups(ctx, q.datacenter_id),
  ]);
  const peaks = await rackPeaks(
    ctx,
    racks.map((r) => r.id),
    now.getTime(),
  );
  const byDc = new Map<number, { name: string; rows: Exhaustion[] }>();
  for (const r of rows) {
    const e = byDc.get(r.datacenter_id) ?? { name: r.datacenter, rows: [] };
    e.rows.push(r);
    byDc.set(r.datacenter_id, e);
  }
  const out = [
    ...[...byDc.entries()].flatMap(([id, e]) =>
      headroomRisks({ id, name: e.name }, e.rows, q.min_headroom_months, now),
    ),
    ...feedRisks(racks, peaks),
    ...singlePointRisks(groups),
  ];
  // the most severe first; among equals, running out of capacity before a feed at risk before a shared rack
  const rank = { critical: 0, warning: 1 };
  const kind = { headroom: 0, feed_load: 1, single_point_of_failure: 2 };
  return out.sort(
    (a, b) => rank[a.severity] - rank[b.severity] || kind[a.kind] - kind[b.kind] || a.subject.localeCompare(b.subject),
  );
}
