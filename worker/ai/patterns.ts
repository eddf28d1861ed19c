import type { ServiceContext } from '../platform/context';
import { findSeasonality, type Seasonality } from './seasonality';

/** Four weeks of hourly averages: enough for a weekly pattern to show twice over. */
export const PATTERN_DAYS = 28;

export interface SeriesPattern extends Seasonality {
  metric: string;
  /** the canonical label set ('' when none) */
  labels: string;
}

/**
 * Daily and weekly patterns of a device's series (a server, or the rack's own sensors with server 0) from the
 * hourly rollups in D1. The caller has checked that the device is visible.
 */
export async function devicePatterns(
  ctx: ServiceContext,
  device: { rack_id: number; server_id: number },
  now = Date.now(),
): Promise<SeriesPattern[]> {
  const from = now - PATTERN_DAYS * 86_400_000;
  const { results } = await ctx.env.DB.prepare(
    `SELECT metric, labels, bucket_start AS ts, sum / count AS value FROM metric_rollups
     WHERE rack_id = ? AND server_id = ? AND step_s = 3600 AND bucket_start >= ? AND count > 0
     ORDER BY metric, labels, bucket_start`,
  )
    .bind(device.rack_id, device.server_id, from)
    .all<{ metric: string; labels: string; ts: number; value: number }>();
  const bySeries = new Map<string, { metric: string; labels: string; points: { ts: number; value: number }[] }>();
  for (const r of results) {
    const key = `${r.metric}|${r.labels}`;
    let s = bySeries.get(key);
    if (!s) bySeries.set(key, (s = { metric: r.metric, labels: r.labels, points: [] }));
    s.points.push({ ts: r.ts, value: r.value });
  }
  return [...bySeries.values()].map((s) => ({ metric: s.metric, labels: s.labels, ...findSeasonality(s.points) }));
}
