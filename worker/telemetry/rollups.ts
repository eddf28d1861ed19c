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
  p95: number;
}

/** Rows per statement: one JSON parameter each, kept well under D1's statement size limit. */
const CHUNK = 2000;

/**
 * Upsert rollups into D1 `metric_rollups`, atomically (one batch). Each statement carries its rows as one JSON
 * parameter unpacked by SQLite's json_each: D1 allows 100 bound parameters per statement, which would be 8 rows.
 */
export async function writeRollups(db: D1Database, rows: RollupRow[]): Promise<void> {
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
        r.p95,
      ]);
    statements.push(
      db
        .prepare(
          `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, p95)
           SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5,
                  j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, j.value ->> 10, j.value ->> 11
             FROM json_each(?) AS j WHERE true
           ON CONFLICT (rack_id, server_id, metric, step_s, bucket_start, labels) DO UPDATE SET
             count = excluded.count, sum = excluded.sum, min = excluded.min, max = excluded.max,
             last = excluded.last, p95 = excluded.p95`,
        )
        .bind(JSON.stringify(chunk)),
    );
  }
  if (statements.length) await db.batch(statements);
}

/** Compaction (cron): 1-minute rollups older than their retention go (the 1-hour ones stay), then old hours. */
export async function compactRollups(db: D1Database, now: number, keep1mMs: number, keep1hMs: number) {
  await db.batch([
    db.prepare('DELETE FROM metric_rollups WHERE step_s = 60 AND bucket_start < ?').bind(now - keep1mMs),
    db.prepare('DELETE FROM metric_rollups WHERE step_s = 3600 AND bucket_start < ?').bind(now - keep1hMs),
  ]);
}
