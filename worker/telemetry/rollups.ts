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
 * Write rollup rows recomputed from a rack object's raw ring, in one atomic batch. A row REPLACES the bucket
 * already in D1 (the ring holds every sample of the bucket, so nothing is merged and a repeated write changes
 * nothing), unless it holds fewer samples: a bucket reaching past the ring's retention has lost its oldest
 * samples to the ring's next lap, and D1's fuller row is kept. Each statement carries its rows as one JSON
 * parameter unpacked by json_each: D1 allows 100 bound parameters per statement, which would be 8 rows.
 */
export async function writeRollups(db: D1Database, rows: RollupRow[]): Promise<void> {
  if (!rows.length) return;
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
             count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max,
             last = excluded.last, last_ts = excluded.last_ts, p95 = excluded.p95
           WHERE excluded.count >= metric_rollups.count`,
        )
        .bind(JSON.stringify(chunk)),
    );
  }
  await db.batch(statements);
}

/** Compaction (cron): 1-minute rollups older than their retention go (the 1-hour ones stay), then old hours. */
export async function compactRollups(db: D1Database, now: number, keep1mMs: number, keep1hMs: number) {
  await db.batch([
    db.prepare('DELETE FROM metric_rollups WHERE step_s = 60 AND bucket_start < ?').bind(now - keep1mMs),
    db.prepare('DELETE FROM metric_rollups WHERE step_s = 3600 AND bucket_start < ?').bind(now - keep1hMs),
    // PUE hours live as long as the other hourly rollups
    db.prepare('DELETE FROM pue_rollups WHERE bucket_start < ?').bind(now - keep1hMs),
  ]);
}
