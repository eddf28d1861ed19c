import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client';
import { hoursUntilFull } from '../alerting/inventory';
import { forecastRuns, seriesForecasts } from './tables';

const HOUR = 3_600_000;

/**
 * The limits a server's forecast is read against: a disk fills at 100 % (the disk_full_forecast inventory check
 * counts hours to it the same way), a CPU held at 90 % has no headroom left. Other metrics have no line that means
 * the same on every server (power and inlet limits belong to the rack).
 */
export const FORECAST_LIMITS: Readonly<Record<string, { value: number; label: string }>> = {
  disk_pct: { value: 100, label: 'disk full' },
  cpu_pct: { value: 90, label: 'CPU at 90 %' },
};

/**
 * Every stored forecast of a server's series (all metrics the nightly job forecast for it), each with the week
 * of hourly means it continues and, where its metric has a limit, the hours until the forecast reaches it.
 */
export async function serverForecasts(db: Db, device: { rack_id: number; server_id: number }, now: number) {
  const [rows, [lastRun]] = await Promise.all([
    db
      .select()
      .from(seriesForecasts)
      .where(and(eq(seriesForecasts.rack_id, device.rack_id), eq(seriesForecasts.server_id, device.server_id)))
      .orderBy(seriesForecasts.metric, seriesForecasts.labels)
      .all(),
    db
      .select({ finished_at: forecastRuns.finished_at })
      .from(forecastRuns)
      .where(eq(forecastRuns.status, 'done'))
      .orderBy(desc(forecastRuns.id))
      .limit(1)
      .all(),
  ]);
  const last_run_at = lastRun?.finished_at ?? null;
  if (!rows.length) return { server_id: device.server_id, last_run_at, forecasts: [] };
  const from = Math.min(...rows.map((r) => r.start)) - 7 * 24 * HOUR;
  const metrics = [...new Set(rows.map((r) => r.metric))];
  // one read for every metric: the server's hourly rollups ride the (server_id, metric, step_s, bucket_start) index
  const history = await db.all<{ metric: string; labels: string; bucket_start: number; mean: number }>(
    sql`SELECT metric, labels, bucket_start, sum / count AS mean FROM metric_rollups
        WHERE server_id = ${device.server_id} AND rack_id = ${device.rack_id} AND step_s = 3600
          AND metric IN (SELECT value FROM json_each(${JSON.stringify(metrics)})) AND bucket_start >= ${from}
        ORDER BY bucket_start`,
  );
  const forecasts = rows.map(({ rack_id: _r, server_id: _s, ...r }) => {
    const limit = FORECAST_LIMITS[r.metric];
    return {
      ...r,
      history: history
        .filter((h) => h.metric === r.metric && h.labels === r.labels)
        .map((h) => [h.bucket_start, h.mean] as [number, number]),
      limit: limit ? { ...limit, hours: hoursUntilFull(r.start, r.points, now, limit.value) } : null,
    };
  });
  return { server_id: device.server_id, last_run_at, forecasts };
}
