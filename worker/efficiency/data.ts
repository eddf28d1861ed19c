// The D1 side of efficiency: a site as the caller may see it, and the hourly rollups its telemetry left behind.
import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { notFound } from '../platform/http/problem';
import { runBatch } from '../platform/db/client';
import { isWholeDevice } from '../telemetry/rack-summary';
import { costTariffs } from '../cost/tables';
import { tariffFor, type TariffIn } from '../cost/model';
import { andRackVisible, andServerVisible, andVmVisible } from './access';
import type { CpuWindow } from './idle';
import type { PowerWindow } from './capping';
import type { InletHour } from './cooling';

export const HOUR = 3_600_000;

export interface Window {
  from: number;
  to: number;
}

/** The last `hours` complete hours before `now`: hourly rollups exist only for hours that are over. */
export const lastHours = (hours: number, now: number): Window => {
  const to = Math.floor(now / HOUR) * HOUR;
  return { from: to - hours * HOUR, to };
};

export interface SiteRack {
  id: number;
  name: string;
  row: string | null;
  cooling_type: string;
  power_capacity_kw: number;
}
export interface SiteServer {
  id: number;
  name: string;
  rack_id: number;
  status: string;
  power_supply_w: number;
}
export interface Site {
  dc: { id: number; name: string; pue_target: number | null };
  racks: SiteRack[];
  servers: SiteServer[];
  tariff: TariffIn | null;
}

/** A datacenter (404 when there is none), its racks and servers the caller may see, and the tariff pricing it. */
export async function loadSite(ctx: ServiceContext, dcId: number): Promise<Site> {
  const [dcs, racks, servers, tariffs] = await runBatch(ctx.db, [
    ctx.db.all<Site['dc']>(sql`SELECT id, name, pue_target FROM datacenters WHERE id = ${dcId}`),
    ctx.db.all<SiteRack>(
      sql`SELECT r.id, r.name, r.row, r.cooling_type, r.power_capacity_kw FROM racks r
          WHERE r.datacenter_id = ${dcId} AND r.status != 'decommissioned'${andRackVisible(ctx, 'r')} ORDER BY r.name`,
    ),
    ctx.db.all<SiteServer>(
      sql`SELECT s.id, s.name, s.rack_id, s.status, s.power_supply_w FROM servers s JOIN racks r ON r.id = s.rack_id
          WHERE r.datacenter_id = ${dcId}${andServerVisible(ctx, 's')} ORDER BY s.name`,
    ),
    ctx.db.select().from(costTariffs),
  ]);
  if (!dcs[0]) throw notFound('datacenter', dcId);
  return { dc: dcs[0], racks, servers, tariff: tariffFor(tariffs as TariffIn[], dcId) };
}

/** The site's visible servers, as a subquery: the metric index is then walked server by server. */
const siteServers = (ctx: ServiceContext, dcId: number) =>
  sql`(SELECT s.id FROM servers s JOIN racks r ON r.id = s.rack_id WHERE r.datacenter_id = ${dcId}${andServerVisible(ctx, 's')})`;

const labelKeys = (labels: string) => Object.fromEntries([...labels.matchAll(/(\w+)="/g)].map((m) => [m[1], '']));

/** Of several series per server (two exporters), the one with the most hours, as the cost model counts power. */
function bestPerServer<T extends { server_id: number; labels: string; hours: number }>(rows: T[]): Map<number, T> {
  const best = new Map<number, T>();
  for (const r of rows) if ((best.get(r.server_id)?.hours ?? -1) < r.hours) best.set(r.server_id, r);
  return best;
}

/** Each server's CPU over the window, from its hourly `cpu_pct` rollups. */
export async function cpuWindows(ctx: ServiceContext, dcId: number, w: Window): Promise<Map<number, CpuWindow>> {
  const rows = await ctx.db.all<CpuWindow & { server_id: number; labels: string }>(
    sql`SELECT server_id, labels, count(*) AS hours, sum(count) AS samples, sum(sum) AS sum,
          max(sum / count) AS max_hourly, max(max) AS peak
        FROM metric_rollups
        WHERE metric = 'cpu_pct' AND step_s = 3600 AND server_id IN ${siteServers(ctx, dcId)}
          AND bucket_start >= ${w.from} AND bucket_start < ${w.to}
        GROUP BY server_id, labels`,
  );
  return bestPerServer(rows);
}

export interface PowerSeries extends PowerWindow {
  /** summed hourly means (Wh) by UTC hour of day, and how many hours of each */
  wh: number[];
  hours_by_h: number[];
}

/** Each server's whole-device power over the window: peak, p95 and its daily profile. */
export async function powerWindows(ctx: ServiceContext, dcId: number, w: Window): Promise<Map<number, PowerSeries>> {
  const rows = await ctx.db.all<{
    server_id: number;
    labels: string;
    h: number;
    n: number;
    wh: number;
    samples: number;
    peak: number;
    p95: number;
  }>(
    sql`SELECT server_id, labels, (bucket_start / ${HOUR}) % 24 AS h, count(*) AS n, sum(sum / count) AS wh,
          sum(count) AS samples, max(max) AS peak, max(p95) AS p95
        FROM metric_rollups
        WHERE metric = 'power_w' AND step_s = 3600 AND server_id IN ${siteServers(ctx, dcId)}
          AND bucket_start >= ${w.from} AND bucket_start < ${w.to}
        GROUP BY server_id, labels, h`,
  );
  const series = new Map<string, PowerSeries & { server_id: number; labels: string }>();
  for (const r of rows) {
    // per-PSU series are parts of the draw, not the whole
    if (!isWholeDevice(labelKeys(r.labels))) continue;
    const k = `${r.server_id}|${r.labels}`;
    let s = series.get(k);
    if (!s) {
      s = {
        server_id: r.server_id,
        labels: r.labels,
        hours: 0,
        samples: 0,
        peak_w: 0,
        p95_w: 0,
        wh: new Array<number>(24).fill(0),
        hours_by_h: new Array<number>(24).fill(0),
      };
      series.set(k, s);
    }
    s.hours += r.n;
    s.samples += r.samples;
    s.peak_w = Math.max(s.peak_w, r.peak);
    s.p95_w = Math.max(s.p95_w, r.p95);
    s.wh[r.h] += r.wh;
    s.hours_by_h[r.h] += r.n;
  }
  return bestPerServer([...series.values()]);
}

/**
 * Each visible rack's inlet hour by hour: its own sensor (`inlet_temp_c` of the rack), or, for a rack without one,
 * the warmest of its servers' inlets each hour (a hot spot shows at the warmest intake).
 */
export async function inletHours(ctx: ServiceContext, dcId: number, w: Window) {
  const [own, servers] = await runBatch(ctx.db, [
    ctx.db.all<InletHour & { rack_id: number }>(
      sql`SELECT rack_id, bucket_start AS ts, sum / count AS mean, max, count FROM metric_rollups
          WHERE metric = 'inlet_temp_c' AND step_s = 3600 AND server_id = 0 AND labels = ''
            AND rack_id IN (SELECT r.id FROM racks r WHERE r.datacenter_id = ${dcId}${andRackVisible(ctx, 'r')})
            AND bucket_start >= ${w.from} AND bucket_start < ${w.to}`,
    ),
    ctx.db.all<InletHour & { rack_id: number }>(
      sql`SELECT s.rack_id, m.bucket_start AS ts, max(m.sum / m.count) AS mean, max(m.max) AS max, sum(m.count) AS count
          FROM metric_rollups m JOIN servers s ON s.id = m.server_id
          WHERE m.metric = 'inlet_temp_c' AND m.step_s = 3600 AND m.server_id IN ${siteServers(ctx, dcId)}
            AND m.bucket_start >= ${w.from} AND m.bucket_start < ${w.to}
          GROUP BY s.rack_id, m.bucket_start`,
    ),
  ]);
  const group = (rows: (InletHour & { rack_id: number })[]) => {
    const by = new Map<number, InletHour[]>();
    for (const { rack_id, ...h } of rows) {
      if (!by.has(rack_id)) by.set(rack_id, []);
      by.get(rack_id)!.push(h);
    }
    return by;
  };
  return { rack: group(own), servers: group(servers) };
}

export interface HostedVm {
  id: number;
  name: string;
  host_server_id: number;
  cpu_cores: number;
  ram_gb: number;
}

/** The running VMs the caller may see on these hosts, largest first (moving them moves the most load). */
export async function runningVms(ctx: ServiceContext, hostIds: number[]): Promise<HostedVm[]> {
  if (!hostIds.length) return [];
  return ctx.db.all<HostedVm>(
    sql`SELECT v.id, v.name, v.host_server_id, v.cpu_cores, v.ram_gb FROM vms v
        WHERE v.status = 'running' AND v.host_server_id IN (SELECT value FROM json_each(${JSON.stringify(hostIds)}))${andVmVisible(ctx, 'v')}
        ORDER BY v.cpu_cores DESC, v.ram_gb DESC, v.name`,
  );
}

/** How many VMs each of these hosts carries, running or not (a stopped VM still needs a home). */
export async function vmCounts(ctx: ServiceContext, hostIds: number[]): Promise<Map<number, number>> {
  if (!hostIds.length) return new Map();
  const rows = await ctx.db.all<{ host: number; n: number }>(
    sql`SELECT host_server_id AS host, count(*) AS n FROM vms
        WHERE host_server_id IN (SELECT value FROM json_each(${JSON.stringify(hostIds)})) GROUP BY host_server_id`,
  );
  return new Map(rows.map((r) => [r.host, r.n]));
}
