// Simulated history for the demo: 1-hour and 1-minute rollup rows computed by the simulator's model
// (scripts/simulate.mjs --history) written straight into D1 `metric_rollups`, so 7- and 30-day charts have
// data without sending hundreds of thousands of raw samples per series. Demo-only: the route refuses production,
// and the rows only ever add buckets that do not exist (a bucket already in D1, e.g. flushed by a rack object
// from real samples, is left as it is), so sending the same history twice changes nothing.
import type { FieldError } from '../platform/http/problem';
import { unprocessable } from '../platform/http/problem';

export const HISTORY_MAX_ROWS = 10_000;
/** one JSON parameter per statement (D1 allows 100 bound parameters), as the rack objects' flushes do */
const CHUNK = 2_000;

/** [rack_id, server_id (0: the rack's own sensor), metric, step_s, bucket_start, count, sum, min, max, last, p95] */
export type HistoryRow = [number, number, string, 60 | 3600, number, number, number, number, number, number, number];

/** Where stored rollups begin, per step: the simulator writes history only before them. */
export async function historyCoverage(db: D1Database) {
  const { results } = await db
    .prepare('SELECT step_s, MIN(bucket_start) AS first FROM metric_rollups WHERE step_s IN (60, 3600) GROUP BY step_s')
    .all<{ step_s: number; first: number }>();
  const first = (step: number) => results.find((r) => r.step_s === step)?.first ?? null;
  return { simulated: true as const, first_hour: first(3600), first_minute: first(60) };
}

/** [datacenter_id, bucket_start (on the hour), count, facility_sum, it_sum, pue_min, pue_max]: a site's PUE hour */
export type PueHistoryRow = [number, number, number, number, number, number, number];

/** Checks what the schema cannot: buckets in the past, consistent aggregates, devices that exist together. */
async function check(db: D1Database, rows: HistoryRow[], now: number, pue: PueHistoryRow[]) {
  const errors: FieldError[] = [];
  const bad = (i: number, message: string) => errors.length < 20 && errors.push({ field: `rows[${i}]`, message });
  const badPue = (i: number, message: string) => errors.length < 20 && errors.push({ field: `pue[${i}]`, message });
  pue.forEach(([, start, count, facility, it, min, max], i) => {
    if (start % 3_600_000 !== 0) badPue(i, 'bucket_start must be on the hour');
    else if (start + 3_600_000 > now) badPue(i, 'the hour must be over (history only)');
    else if (!(count >= 1 && facility > 0 && it > 0 && min > 0 && min <= facility / it && facility / it <= max))
      badPue(i, 'needs count >= 1, positive sums and pue_min <= facility_sum / it_sum <= pue_max');
  });
  if (pue.length) {
    const ids = [...new Set(pue.map(([dc]) => dc))];
    const { results } = await db
      .prepare('SELECT id FROM datacenters WHERE id IN (SELECT value FROM json_each(?))')
      .bind(JSON.stringify(ids))
      .all<{ id: number }>();
    const known = new Set(results.map((r) => r.id));
    pue.forEach(([dc], i) => known.has(dc) || badPue(i, `no datacenter ${dc}`));
  }
  rows.forEach(([, , , step, start, count, sum, min, max, last, p95], i) => {
    if (start % (step * 1000) !== 0) bad(i, `bucket_start must be a multiple of ${step} s`);
    else if (start + step * 1000 > now) bad(i, 'the bucket must be over (history only)');
    else if (!(min <= max && min <= last && last <= max && min <= p95 && p95 <= max))
      bad(i, 'needs min <= last, p95 <= max');
    else if (!(sum >= min * count - 1e-6 * Math.abs(sum) && sum <= max * count + 1e-6 * Math.abs(sum)))
      bad(i, 'sum must lie between count*min and count*max');
  });
  const pairs = [...new Set(rows.map(([rack, server]) => `${rack}:${server}`))].map((k) => k.split(':').map(Number));
  const { results } = await db
    .prepare(
      `SELECT j.value ->> 0 AS rack_id, j.value ->> 1 AS server_id FROM json_each(?) AS j
        WHERE EXISTS (SELECT 1 FROM racks r WHERE r.id = j.value ->> 0)
          AND (j.value ->> 1 = 0 OR EXISTS (SELECT 1 FROM servers s WHERE s.id = j.value ->> 1 AND s.rack_id = j.value ->> 0))`,
    )
    .bind(JSON.stringify(pairs))
    .all<{ rack_id: number; server_id: number }>();
  const known = new Set(results.map((r) => `${r.rack_id}:${r.server_id}`));
  rows.forEach(([rack, server], i) => {
    if (!known.has(`${rack}:${server}`)) bad(i, `no server ${server} in rack ${rack}`);
  });
  if (errors.length) throw unprocessable(errors, 'Some history rows are not acceptable; nothing was written.');
}

/** Writes the rows that are new, all in one batch; answers how many were new. */
export async function writeHistory(db: D1Database, rows: HistoryRow[], now = Date.now(), pue: PueHistoryRow[] = []) {
  await check(db, rows, now, pue);
  const statements: D1PreparedStatement[] = [];
  if (pue.length) {
    statements.push(
      db
        .prepare(
          `INSERT INTO pue_rollups (datacenter_id, bucket_start, count, facility_sum, it_sum, pue_min, pue_max)
           SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6
             FROM json_each(?) AS j WHERE true
           ON CONFLICT (datacenter_id, bucket_start) DO NOTHING`,
        )
        .bind(JSON.stringify(pue)),
    );
  }
  for (let i = 0; i < rows.length; i += CHUNK) {
    statements.push(
      db
        .prepare(
          `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
           SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, '', j.value ->> 3, j.value ->> 4, j.value ->> 5,
                  j.value ->> 6, j.value ->> 7, j.value ->> 8, j.value ->> 9, (j.value ->> 4) + (j.value ->> 3) * 1000 - 1,
                  j.value ->> 10
             FROM json_each(?) AS j WHERE true
           ON CONFLICT (rack_id, server_id, metric, step_s, bucket_start, labels) DO NOTHING`,
        )
        .bind(JSON.stringify(rows.slice(i, i + CHUNK))),
    );
  }
  const results = await db.batch(statements);
  const pueWritten = pue.length ? (results[0]!.meta.changes ?? 0) : 0;
  const written = results.reduce((n, r) => n + (r.meta.changes ?? 0), 0) - pueWritten;
  return {
    simulated: true as const,
    received: rows.length,
    written,
    skipped: rows.length - written,
    pue_written: pueWritten,
  };
}
