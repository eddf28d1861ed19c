import { HOUR, MINUTE } from '../../worker/telemetry/aggregate/series-windows';
import { addToBucket, alignTo, newBucket, statsOf, type Bucket } from '../../worker/telemetry/aggregate/bucket';
import { canonicalLabels } from '../../worker/telemetry/config';
import { writeRollups, type RollupRow } from '../../worker/telemetry/rollups';
import type { RawRing } from './raw-ring';
import type { SeriesRegistry } from './series-registry';

/** A bucket is final this long after its end (room for samples in flight). */
export const GRACE_MS = 15_000;
/** Bucket windows recomputed per flush (an hour counts as 60): a day of backfill flushes over a few alarms. */
const WINDOWS_PER_FLUSH = 240;

const WIDTHS = [MINUTE, HOUR] as const;

/**
 * Keeps D1's `metric_rollups` equal to the raw ring. Every accepted sample marks its (series, minute) and
 * (series, hour) bucket dirty in table `rollup_dirty`, in the same storage transaction as its ring row, so the
 * work survives eviction and restarts. A flush recomputes each completed dirty bucket FROM THE RING (exact
 * count/sum/min/max/last, p95 from a fresh sketch) and REPLACES the D1 row: idempotent, so a repeated flush
 * or a re-sent sample (the ring keeps one sample per slot) never counts twice. A dirty key is deleted only if
 * no sample touched it again while D1 was being written (`gen`).
 */
export class RollupFlusher {
  private gen: number;
  /** when the earliest dirty bucket is complete (Infinity: none) */
  private earliestDue = Infinity;

  constructor(
    private readonly sql: SqlStorage,
    private readonly ring: RawRing,
    private readonly series: SeriesRegistry,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS rollup_dirty (
      series_id INTEGER NOT NULL, width INTEGER NOT NULL, bucket_start INTEGER NOT NULL, gen INTEGER NOT NULL,
      PRIMARY KEY (series_id, width, bucket_start)) WITHOUT ROWID`);
    const r = sql
      .exec<{ g: number | null; due: number | null }>(
        'SELECT MAX(gen) AS g, MIN(bucket_start + width) AS due FROM rollup_dirty',
      )
      .one();
    this.gen = r.g ?? 0;
    this.earliestDue = r.due === null ? Infinity : r.due + GRACE_MS;
  }

  /** Dirty keys (for stats; not on the hot path). */
  count(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM rollup_dirty').one().n;
  }

  /** The time the next flush has work (Infinity when nothing is dirty). */
  get dueAt(): number {
    return this.earliestDue;
  }

  /** Mark the buckets of these ring rows [slot, series_id, ts, value]; call inside the ring write's transaction. */
  mark(rows: readonly (readonly [number, number, number, number])[]): void {
    if (!rows.length) return;
    const keys = new Set<string>();
    const out: [number, number, number][] = [];
    for (const [, id, ts] of rows) {
      for (const w of WIDTHS) {
        const start = alignTo(ts, w);
        const k = `${id}/${w}/${start}`;
        if (keys.has(k)) continue;
        keys.add(k);
        out.push([id, w, start]);
        this.earliestDue = Math.min(this.earliestDue, start + w + GRACE_MS);
      }
    }
    const gen = ++this.gen;
    this.sql.exec(
      `INSERT INTO rollup_dirty (series_id, width, bucket_start, gen)
         SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, ?2 FROM json_each(?1) AS j WHERE true
       ON CONFLICT (series_id, width, bucket_start) DO UPDATE SET gen = excluded.gen`,
      JSON.stringify(out),
      gen,
    );
  }

  /**
   * Recompute the dirty buckets complete at `now` (at most WINDOWS_PER_FLUSH windows) and write them to D1 in
   * one batch. Returns whether completed work remains (a backlog: flush again soon). On a D1 failure the keys
   * stay dirty and the error propagates; the caller retries on its next alarm.
   */
  async flush(db: D1Database, rackId: number, now: number): Promise<boolean> {
    const limit = now - GRACE_MS;
    const keys = this.sql
      .exec<{ series_id: number; width: number; bucket_start: number; gen: number }>(
        `SELECT series_id, width, bucket_start, gen FROM rollup_dirty WHERE bucket_start + width <= ?
          ORDER BY width, bucket_start`,
        limit,
      )
      .toArray();
    const windows = new Map<string, { width: number; start: number; ids: Set<number> }>();
    const taken: typeof keys = [];
    let budget = WINDOWS_PER_FLUSH;
    for (const k of keys) {
      const wk = `${k.width}/${k.bucket_start}`;
      let win = windows.get(wk);
      if (!win) {
        const cost = k.width / MINUTE;
        if (budget < cost && windows.size) break;
        budget -= cost;
        windows.set(wk, (win = { width: k.width, start: k.bucket_start, ids: new Set() }));
      }
      win.ids.add(k.series_id);
      taken.push(k);
    }
    const rows: RollupRow[] = [];
    for (const win of windows.values()) {
      const buckets = new Map<number, Bucket>();
      for (const [, ts, value, id] of this.ring.range(win.start, win.start + win.width - 1)) {
        if (!win.ids.has(id)) continue;
        let b = buckets.get(id);
        if (!b) buckets.set(id, (b = newBucket(win.start, win.width)));
        addToBucket(b, ts, value);
      }
      for (const [id, b] of buckets) {
        const s = this.series.get(id);
        const st = statsOf(b);
        if (!s || !st) continue;
        rows.push({
          rack_id: rackId,
          server_id: s.server_id ?? 0,
          metric: s.metric,
          labels: canonicalLabels(s.labels),
          step_s: win.width / 1000,
          bucket_start: win.start,
          count: st.count,
          sum: b.sum,
          min: st.min,
          max: st.max,
          last: st.last,
          last_ts: b.last_ts,
          p95: st.p95,
        });
      }
    }
    await writeRollups(db, rows);
    this.sql.exec(
      `DELETE FROM rollup_dirty WHERE (series_id, width, bucket_start, gen) IN
         (SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?) AS j)`,
      JSON.stringify(taken.map((k) => [k.series_id, k.width, k.bucket_start, k.gen])),
    );
    const r = this.sql.exec<{ due: number | null }>('SELECT MIN(bucket_start + width) AS due FROM rollup_dirty').one();
    this.earliestDue = r.due === null ? Infinity : r.due + GRACE_MS;
    return taken.length < keys.length;
  }

  /** A forgotten series has nothing left to flush. */
  drop(seriesId: number): void {
    this.sql.exec('DELETE FROM rollup_dirty WHERE series_id = ?', seriesId);
  }
}
