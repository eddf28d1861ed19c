export interface RollupRow {
  rack_id: number;
  server_id: number;
  metric: string;
  labels: string;
  step_s: number;
  bucket_start: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  last_ts: number;
  p95: number;
}

/** Rows per statement: one JSON parameter each, kept well under D1's statement size limit. */
const CHUNK = 2000;

/**
 * Write a rack object's flushed buckets and its new watermarks in one atomic batch. A bucket already in D1 (late
 * samples after its first flush) is merged: counts and sums add, min/max/last combine, p95 keeps the larger.
 * Each statement carries its rows as one JSON parameter unpacked by json_each: D1 allows 100 bound parameters
 * per statement, which would be 8 rows.
 */
export async function writeRollups(
  db: D1Database,
  rows: RollupRow[],
  watermark: { rack_id: number; flushed_1m: number; flushed_1h: number },
): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows
      .slice(i, i + CHUNK)
      .map((r) => [
        r.rack_id,
        r.server_id,
        r.metric,
        r.labels,
        r.step_s,
        r.bucket_start,
        r.count,
        r.sum,
        r.min,
        r.max,
        r.last,
        r.last_ts,
        r.p95,
      ]);
    statements.push(
      db
        .prepare(
          `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
           SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
                  j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11, j.value ->> 12
             FROM json_each(?) AS j WHERE true
           ON CONFLICT (rack_id, server_id, metric, step_s, bucket_start, labels) DO UPDATE SET
             count = metric_rollups.count + excluded.count,
             sum = metric_rollups.sum + excluded.sum,
             min = min(metric_rollups.min, excluded.min),
             max = max(metric_rollups.max, excluded.max),
             last = CASE WHEN excluded.last_ts >= metric_rollups.last_ts THEN excluded.last ELSE metric_rollups.last END,
             last_ts = max(metric_rollups.last_ts, excluded.last_ts),
             p95 = max(metric_rollups.p95, excluded.p95)`,
        )
        .bind(JSON.stringify(chunk)),
    );
  }
  statements.push(
    db
      .prepare(
        `INSERT INTO rollup_watermarks (rack_id, flushed_1m, flushed_1h) VALUES (?, ?, ?)
         ON CONFLICT (rack_id) DO UPDATE SET flushed_1m = excluded.flushed_1m, flushed_1h = excluded.flushed_1h`,
      )
      .bind(watermark.rack_id, watermark.flushed_1m, watermark.flushed_1h),
  );
  await db.batch(statements);
}

export async function readWatermark(
  db: D1Database,
  rackId: number,
): Promise<{ flushed_1m: number; flushed_1h: number }> {
  const row = await db
    .prepare('SELECT flushed_1m, flushed_1h FROM rollup_watermarks WHERE rack_id = ?')
    .bind(rackId)
    .first<{ flushed_1m: number; flushed_1h: number }>();
  return row ?? { flushed_1m: 0, flushed_1h: 0 };
}

/** Compaction (cron): 1-minute rollups older than their retention go (the 1-hour ones stay), then old hours. */
export async function compactRollups(db: D1Database, now: number, keep1mMs: number, keep1hMs: number) {
  await db.batch([
    db.prepare('DELETE FROM metric_rollups WHERE step_s = 60 AND bucket_start < ?').bind(now - keep1mMs),
    db.prepare('DELETE FROM metric_rollups WHERE step_s = 3600 AND bucket_start < ?').bind(now - keep1hMs),
  ]);
}
