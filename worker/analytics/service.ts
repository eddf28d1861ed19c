import { sql } from 'drizzle-orm';
import { runBatch } from '../platform/db/client';
import type { ServiceContext } from '../platform/context';
import { andVisible } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';
import { RACK_MOUNT_SQL } from '../dcim/mounted';
import { alertEntity } from '../alerting/access';
import { capacityReport, weightedPue, type DatacenterTotals } from './capacity';
import { datacenterLive } from '../../durable-objects/datacenter-client';

export async function datacenterTotals(ctx: ServiceContext): Promise<DatacenterTotals[]> {
  const [dcs, rackAgg, serverAgg, mountAgg] = await runBatch(ctx.db, [
    ctx.db.all<{
      id: number;
      name: string;
      location: string | null;
      status: string;
      pue_target: number | null;
      power_capacity_mw: number | null;
      cooling_capacity_mw: number | null;
    }>(
      sql`SELECT id, name, location, status, pue_target, power_capacity_mw, cooling_capacity_mw FROM datacenters ORDER BY name`,
    ),
    ctx.db.all<{ datacenter_id: number; racks: number; total_u: number; rack_power_kw: number }>(
      sql`SELECT r.datacenter_id AS datacenter_id, count(*) AS racks, coalesce(sum(r.u_capacity), 0) AS total_u, coalesce(sum(r.power_capacity_kw), 0) AS rack_power_kw FROM racks r WHERE 1 = 1${andVisible(ctx, rackEntity, 'r')} GROUP BY r.datacenter_id`,
    ),
    ctx.db.all<{ datacenter_id: number; servers: number }>(
      sql`SELECT r.datacenter_id AS datacenter_id, count(*) AS servers
          FROM servers s JOIN racks r ON r.id = s.rack_id WHERE 1 = 1${andVisible(ctx, rackEntity, 'r')} GROUP BY r.datacenter_id`,
    ),
    // space and power of every rack-mounted kind (storage, switches, PDUs too), counted as the rack list counts them
    ctx.db.all<{ datacenter_id: number; used_u: number; allocated_w: number }>(
      sql`SELECT racks.datacenter_id AS datacenter_id, coalesce(sum(${sql.raw(RACK_MOUNT_SQL.used_u)}), 0) AS used_u,
            coalesce(sum(${sql.raw(RACK_MOUNT_SQL.allocated_w)}), 0) AS allocated_w
          FROM racks WHERE 1 = 1${andVisible(ctx, rackEntity, 'racks')} GROUP BY racks.datacenter_id`,
    ),
  ]);
  const racksBy = new Map(rackAgg.map((r) => [r.datacenter_id, r]));
  const serversBy = new Map(serverAgg.map((s) => [s.datacenter_id, s]));
  const mountsBy = new Map(mountAgg.map((m) => [m.datacenter_id, m]));
  return dcs.map((d) => ({
    ...d,
    racks: racksBy.get(d.id)?.racks ?? 0,
    total_u: racksBy.get(d.id)?.total_u ?? 0,
    rack_power_kw: racksBy.get(d.id)?.rack_power_kw ?? 0,
    servers: serversBy.get(d.id)?.servers ?? 0,
    used_u: mountsBy.get(d.id)?.used_u ?? 0,
    allocated_w: mountsBy.get(d.id)?.allocated_w ?? 0,
  }));
}

export async function capacity(ctx: ServiceContext) {
  return capacityReport(await datacenterTotals(ctx));
}

const countsBy = (rows: { k: string; n: number }[]) => Object.fromEntries(rows.map((r) => [r.k, r.n]));

export async function dashboardMetrics(ctx: ServiceContext, today = new Date()) {
  const day = today.toISOString().slice(0, 10);
  const in90 = new Date(today.getTime() + 90 * 86_400_000).toISOString().slice(0, 10);
  // servers of the racks the caller may see
  const visible = sql`servers s JOIN racks r ON r.id = s.rack_id WHERE 1 = 1${andVisible(ctx, rackEntity, 'r')}`;
  const [totals, [byStatus, byType, byHealth, warranty, openAlerts]] = await Promise.all([
    datacenterTotals(ctx),
    runBatch(ctx.db, [
      ctx.db.all<{ k: string; n: number }>(sql`SELECT s.status AS k, count(*) AS n FROM ${visible} GROUP BY s.status`),
      ctx.db.all<{ k: string; n: number }>(
        sql`SELECT s.server_type AS k, count(*) AS n FROM ${visible} GROUP BY s.server_type`,
      ),
      ctx.db.all<{ k: string; n: number }>(sql`SELECT s.health AS k, count(*) AS n FROM ${visible} GROUP BY s.health`),
      ctx.db.all<{ expired: number; expiring: number }>(
        sql`SELECT coalesce(sum(s.warranty_expires < ${day}), 0) AS expired,
                   coalesce(sum(s.warranty_expires >= ${day} AND s.warranty_expires <= ${in90}), 0) AS expiring
            FROM ${visible} AND s.status <> 'decommissioned'`,
      ),
      ctx.db.all<{ k: string; n: number }>(
        sql`SELECT a.severity AS k, count(*) AS n FROM alerts a WHERE a.status <> 'resolved'${andVisible(ctx, alertEntity, 'a')} GROUP BY a.severity`,
      ),
    ]),
  ]);
  const report = capacityReport(totals);
  const statuses = countsBy(byStatus);
  const live = await liveTotals(
    ctx,
    totals.map((t) => t.id),
  );
  return {
    total_datacenters: totals.length,
    total_racks: report.racks,
    total_servers: report.servers,
    active_servers: statuses.active ?? 0,
    servers_by_status: statuses,
    servers_by_type: countsBy(byType),
    servers_by_health: countsBy(byHealth),
    // metered (facility over IT power, live) where datacenters report both; the design target otherwise
    pue: live.pue ?? weightedPue(totals),
    pue_source: live.pue !== null ? 'metered' : 'design_target',
    live,
    // open alerts (firing or acknowledged) the caller may see
    active_alerts: openAlerts.reduce((sum, r) => sum + r.n, 0),
    active_alerts_by_severity: countsBy(openAlerts),
    rack_space: report.rack_space,
    power: report.power,
    rack_utilization_pct: report.rack_space.utilization_pct,
    power_utilization_pct: report.power.utilization_pct,
    warranty: { expired: warranty[0]?.expired ?? 0, expiring_90d: warranty[0]?.expiring ?? 0 },
    datacenters: report.datacenters,
    generated_at: new Date().toISOString(),
  };
}

/** Live power across datacenters from their DatacenterLive objects: IT power the caller is cleared for, the sites' PUE. */
async function liveTotals(ctx: ServiceContext, datacenterIds: number[]) {
  const views = await Promise.all(
    datacenterIds.map((id) => datacenterLive(ctx.env, id).view(ctx.actor?.clearance ?? null, Date.now(), id)),
  );
  let it = 0;
  let meteredIt = 0;
  let facility = 0;
  let racks = 0;
  for (const { summary } of views) {
    it += summary.it_power_kw;
    racks += summary.racks_reporting;
    // PUE is the sites': facility over ALL their racks' IT power, whatever the caller may see of them
    if (summary.facility_power_kw !== null && summary.site_it_power_kw > 0) {
      facility += summary.facility_power_kw;
      meteredIt += summary.site_it_power_kw;
    }
  }
  return {
    it_power_kw: Math.round(it * 1000) / 1000,
    facility_power_kw: meteredIt > 0 ? Math.round(facility * 1000) / 1000 : null,
    pue: meteredIt > 0 ? Math.round((facility / meteredIt) * 1000) / 1000 : null,
    racks_reporting: racks,
  };
}
