/** A stored or in-memory aggregate of one series over [ts, ts + width). */
export interface AggPoint {
  ts: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  p95: number;
}

/** What the query API returns per step. */
export interface SeriesPoint {
  ts: number;
  avg: number;
  min: number;
  max: number;
  p95: number;
  last: number;
  count: number;
}

/** Steps the query API offers (seconds): 10 s is the raw ring, 60 s and up come from rollups. */
export const STEPS = [10, 30, 60, 300, 600, 900, 1800, 3600, 21600, 86400] as const;
export const MAX_POINTS = 11_000;

/** The finest step that keeps a range within ~720 points (a chart's width), never finer than `minStep`. */
export function autoStep(rangeMs: number, minStep = 10): number {
  for (const s of STEPS) if (s >= minStep && rangeMs / (s * 1000) <= 720) return s;
  return STEPS[STEPS.length - 1];
}

/**
 * Merge aggregates into aligned buckets of `stepMs`. count/sum/min/max/last merge exactly; p95 of a merged
 * bucket is the largest of its parts' p95 (an upper bound: quantiles do not merge from summaries alone).
 */
export function rebucket(parts: AggPoint[], stepMs: number): SeriesPoint[] {
  const out = new Map<number, AggPoint & { lastTs: number }>();
  for (const p of parts) {
    if (p.count <= 0) continue;
    const t = Math.floor(p.ts / stepMs) * stepMs;
    const cur = out.get(t);
    if (!cur) {
      out.set(t, { ...p, ts: t, lastTs: p.ts });
      continue;
    }
    cur.count += p.count;
    cur.sum += p.sum;
    cur.min = Math.min(cur.min, p.min);
    cur.max = Math.max(cur.max, p.max);
    cur.p95 = Math.max(cur.p95, p.p95);
    if (p.ts >= cur.lastTs) {
      cur.last = p.last;
      cur.lastTs = p.ts;
    }
  }
  return [...out.values()]
    .sort((a, b) => a.ts - b.ts)
    .map((b) => ({ ts: b.ts, avg: b.sum / b.count, min: b.min, max: b.max, p95: b.p95, last: b.last, count: b.count }));
}

/** Raw samples as single-sample aggregates, for rebucketing alongside rollups. */
export const rawAsAgg = (raw: [number, number][]): AggPoint[] =>
  raw.map(([ts, v]) => ({ ts, count: 1, sum: v, min: v, max: v, last: v, p95: v }));

/**
 * Combine sources for one series: D1 1-hour rows, D1 1-minute rows, and the rack object's in-memory minutes.
 * A minute the object still holds replaces D1's copy (it may have grown since the flush); an hour present as a
 * 1-hour row is not counted again from minutes.
 */
export function combineSources(hours: AggPoint[], minutesD1: AggPoint[], minutesLive: AggPoint[]): AggPoint[] {
  const HOUR = 3_600_000;
  const hoursPresent = new Set(hours.map((h) => h.ts));
  const minutes = new Map<number, AggPoint>();
  for (const m of minutesD1) minutes.set(m.ts, m);
  for (const m of minutesLive) minutes.set(m.ts, m);
  const out = [...hours];
  for (const m of minutes.values()) if (!hoursPresent.has(Math.floor(m.ts / HOUR) * HOUR)) out.push(m);
  return out;
}
