import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { notFound } from '../platform/http/problem';
import { forecastSeries, hourlySeries } from './series-forecast';
import { datacenterLive } from '../../durable-objects/datacenter-client';

const HOUR = 3_600_000;
const r3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * A site's PUE hour by hour (facility over IT power, as its live object summed them, or the demo's simulated
 * history) over the last `days`, and a week ahead forecast from the last four weeks of it.
 */
export async function pueReport(ctx: ServiceContext, q: { datacenter_id: number; days: number }, now = Date.now()) {
  const dc = await ctx.db.get<{ id: number; name: string; pue_target: number | null }>(
    sql`SELECT id, name, pue_target FROM datacenters WHERE id = ${q.datacenter_id}`,
  );
  if (!dc) throw notFound('datacenter', q.datacenter_id);
  const rows = await ctx.db.all<{
    bucket_start: number;
    count: number;
    facility_sum: number;
    it_sum: number;
    pue_min: number;
    pue_max: number;
  }>(
    sql`SELECT bucket_start, count, facility_sum, it_sum, pue_min, pue_max FROM pue_rollups
        WHERE datacenter_id = ${dc.id} AND bucket_start >= ${now - q.days * 24 * HOUR} ORDER BY bucket_start`,
  );
  const hours = rows.map((r) => ({
    ts: r.bucket_start,
    pue: r3(r.facility_sum / r.it_sum),
    min: r3(r.pue_min),
    max: r3(r.pue_max),
    it_kw: r3(r.it_sum / r.count),
    facility_kw: r3(r.facility_sum / r.count),
  }));
  // the hour under way, as the site's object sums it (not in the forecast: it is not over)
  const open = await datacenterLive(ctx.env, dc.id).pueOpenHour();
  const current =
    open && !rows.some((r) => r.bucket_start === open.start)
      ? {
          ts: open.start,
          pue: r3(open.facility_sum / open.it_sum),
          min: r3(open.pue_min),
          max: r3(open.pue_max),
          it_kw: r3(open.it_sum / open.count),
          facility_kw: r3(open.facility_sum / open.count),
        }
      : null;
  const facility = rows.reduce((s, r) => s + r.facility_sum / r.count, 0);
  const it = rows.reduce((s, r) => s + r.it_sum / r.count, 0);
  const series = hourlySeries(
    hours.map((h) => [h.ts, h.pue] as [number, number]),
    now,
  );
  return {
    datacenter_id: dc.id,
    datacenter: dc.name,
    design_target: dc.pue_target,
    // energy-weighted: total facility energy over total IT energy, not a mean of hourly ratios
    mean: it > 0 ? r3(facility / it) : null,
    hours,
    current,
    forecast: series ? forecastSeries(series) : null,
  };
}
