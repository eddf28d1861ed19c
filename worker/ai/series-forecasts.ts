import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../platform/db/client';
import { seriesForecasts } from './tables';

const HOUR = 3_600_000;

/** A device's stored forecasts of one metric, each with the week of hourly means before it. */
export async function storedForecasts(db: Db, device: { rack_id: number; server_id: number }, metric: string) {
  const rows = await db
    .select()
    .from(seriesForecasts)
    .where(
      and(
        eq(seriesForecasts.rack_id, device.rack_id),
        eq(seriesForecasts.server_id, device.server_id),
        eq(seriesForecasts.metric, metric),
      ),
    )
    .orderBy(seriesForecasts.labels)
    .all();
  if (!rows.length) return [];
  const from = Math.min(...rows.map((r) => r.start)) - 7 * 24 * HOUR;
  const history = await db.all<{ labels: string; bucket_start: number; mean: number }>(
    sql`SELECT labels, bucket_start, sum / count AS mean FROM metric_rollups
        WHERE rack_id = ${device.rack_id} AND server_id = ${device.server_id} AND metric = ${metric}
          AND step_s = 3600 AND bucket_start >= ${from} ORDER BY bucket_start`,
  );
  return rows.map(({ rack_id: _r, server_id: _s, ...r }) => ({
    ...r,
    history: history.filter((h) => h.labels === r.labels).map((h) => [h.bucket_start, h.mean] as [number, number]),
  }));
}
