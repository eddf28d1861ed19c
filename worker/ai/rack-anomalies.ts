import type { SampleObserver } from '../../durable-objects/telemetry/observers';
import type { SeriesRef } from '../../durable-objects/telemetry/types';
import { DEFAULT_OPTIONS, explain, newState, update, type DetectorState, type Explanation } from './anomaly-detector';

/**
 * Detector states reach storage this often (with the ingest that crosses it): the ring replays the rest. A state
 * is a few KB of JSON, so a full rack (5,000 series) writes megabytes per checkpoint: not every minute.
 */
export const CHECKPOINT_MS = 10 * 60_000;
/** rows per statement (a statement's bound text has a size limit) */
const STATES_PER_STATEMENT = 100;
const MINUTES_PER_STATEMENT = 5_000;
/** How long a series' per-minute maximum scores are kept (the band under the server page's charts). */
export const SCORE_MINUTES_KEPT = 24 * 60;
const MINUTE = 60_000;

interface Tracked {
  state: DetectorState;
  /** the last sample's time and score */
  ts: number;
  score: number;
  dirty: boolean;
  /** the minute being accumulated and its highest score so far */
  minute: number;
  minuteMax: number;
}

/** One series' scores per minute: [minute start (ms), highest score in it]. */
export type ScoreMinutes = [number, number][];

/**
 * The rack object's streaming anomaly detection: a sample observer that feeds every accepted sample of every
 * series (standard metrics and custom ones alike) to its own detector (worker/ai/anomaly-detector.ts), and the
 * scorer the rack's anomaly alert rules read. Registered before the alerts, so a sample's score exists when its
 * rules look.
 *
 * Durable without a write per sample: each series' detector state is checkpointed every CHECKPOINT_MS, in
 * the ingest's own transaction; an object that starts again loads the checkpoints and replays the samples after
 * them from the raw ring in one pass (they are there: the ring keeps hours), so each detector is exactly where it
 * would have been. Per-minute maximum scores are kept a day, for the charts.
 */
export class RackAnomalies implements SampleObserver {
  readonly name = 'anomalies';
  private sql!: SqlStorage;
  private readonly tracked = new Map<number, Tracked>();
  /** completed minutes not yet in storage: [series id, minute, highest score] (written with the checkpoint) */
  private pending: [number, number, number][] = [];
  private checkpointAt = 0;

  constructor(
    /** every raw sample from `from` on, all series, oldest first (the ring): [series id, ts, value] */
    private readonly replay: (from: number) => [number, number, number][],
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The object starts: every checkpointed detector is loaded and brought up to date in one pass over the ring
   * (the samples after its checkpoint, in time order), before any new sample is observed.
   */
  init(sql: SqlStorage): void {
    this.sql = sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS anomaly_detector (
      series_id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, state TEXT NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS anomaly_minutes (
      series_id INTEGER NOT NULL, minute INTEGER NOT NULL, score REAL NOT NULL, PRIMARY KEY (series_id, minute))`);
    let oldest = Infinity;
    for (const row of sql.exec<{ series_id: number; ts: number; state: string }>('SELECT * FROM anomaly_detector')) {
      const minute = Math.floor(row.ts / MINUTE) * MINUTE;
      this.tracked.set(row.series_id, {
        state: JSON.parse(row.state) as DetectorState,
        ts: row.ts,
        score: 0,
        dirty: false,
        // the checkpoint's minute goes on where it was
        minute,
        minuteMax:
          sql
            .exec<{ score: number }>(
              'SELECT score FROM anomaly_minutes WHERE series_id = ? AND minute = ?',
              row.series_id,
              minute,
            )
            .toArray()[0]?.score ?? 0,
      });
      if (row.ts < oldest) oldest = row.ts;
    }
    if (oldest === Infinity) return;
    for (const [id, ts, value] of this.replay(oldest + 1)) {
      const t = this.tracked.get(id);
      if (t) this.feed(id, t, ts, value);
    }
  }

  observe(series: SeriesRef, ts: number, value: number): void {
    let t = this.tracked.get(series.id);
    if (!t) {
      // a series without a checkpoint starts afresh (it was new, or still warming up: those are not checkpointed)
      t = { state: newState(), ts: -Infinity, score: 0, dirty: false, minute: -1, minuteMax: 0 };
      this.tracked.set(series.id, t);
    }
    this.feed(series.id, t, ts, value);
  }

  private feed(seriesId: number, t: Tracked, ts: number, value: number) {
    // a detector reads its stream in order: a sample older than the last one it read is stored, not scored
    if (ts <= t.ts) return;
    const score = update(t.state, ts, value);
    t.ts = ts;
    t.score = score;
    t.dirty = true;
    const minute = Math.floor(ts / MINUTE) * MINUTE;
    if (minute !== t.minute) {
      this.writeMinute(seriesId, t);
      t.minute = minute;
      t.minuteMax = score;
    } else if (score > t.minuteMax) t.minuteMax = score;
  }

  /**
   * End of a batch (inside its transaction): every CHECKPOINT_MS, the detectors that moved and the minutes they
   * completed, in a few statements (a write per series per minute cost the ingest a third of its throughput).
   * What an eviction loses in between, the ring gives back on load.
   */
  flush(): void {
    const now = this.now();
    if (now - this.checkpointAt < CHECKPOINT_MS) return;
    this.checkpointAt = now;
    const states: [number, number, string][] = [];
    for (const [id, t] of this.tracked) {
      // a detector still in its warm-up is not worth the write (a full rack's first batch would be megabytes):
      // after a restart it warms up again
      if (!t.dirty || t.state.n <= DEFAULT_OPTIONS.warmup) continue;
      states.push([id, t.ts, JSON.stringify(t.state)]);
      if (t.minute >= 0) this.pending.push([id, t.minute, t.minuteMax]);
      t.dirty = false;
    }
    for (let i = 0; i < states.length; i += STATES_PER_STATEMENT) {
      this.sql.exec(
        `INSERT OR REPLACE INTO anomaly_detector (series_id, ts, state)
         SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)`,
        JSON.stringify(states.slice(i, i + STATES_PER_STATEMENT)),
      );
    }
    for (let i = 0; i < this.pending.length; i += MINUTES_PER_STATEMENT) {
      this.sql.exec(
        `INSERT OR REPLACE INTO anomaly_minutes (series_id, minute, score)
         SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)`,
        JSON.stringify(this.pending.slice(i, i + MINUTES_PER_STATEMENT)),
      );
    }
    this.pending = [];
    this.sql.exec('DELETE FROM anomaly_minutes WHERE minute < ?', now - SCORE_MINUTES_KEPT * MINUTE);
  }

  /** The score of the sample of `series` at `ts` (the anomaly rules' scorer), null when it was not scored. */
  score(series: SeriesRef, ts: number): number | null {
    const t = this.tracked.get(series.id);
    return t && t.ts === ts ? t.score : null;
  }

  /** Why the last sample of a series scored what it did (null: no sample yet since the object started). */
  explain(seriesId: number): (Explanation & { ts: number }) | null {
    const t = this.tracked.get(seriesId);
    return t && t.state.n > 0 ? { ...explain(t.state), ts: t.ts } : null;
  }

  /** Per-minute highest scores of these series in [from, to], including the minute in progress. */
  minutes(seriesIds: number[], from: number, to: number): Map<number, ScoreMinutes> {
    const out = new Map<number, ScoreMinutes>(seriesIds.map((id) => [id, []]));
    if (!seriesIds.length) return out;
    const rows = this.sql
      .exec<{ series_id: number; minute: number; score: number }>(
        `SELECT series_id, minute, score FROM anomaly_minutes
         WHERE series_id IN (SELECT value FROM json_each(?)) AND minute >= ? AND minute <= ? ORDER BY minute`,
        JSON.stringify(seriesIds),
        Math.floor(from / MINUTE) * MINUTE,
        to,
      )
      .toArray();
    // stored, then the completed minutes not yet stored, then the minute in progress: later ones win
    const merged = new Map<number, Map<number, number>>(seriesIds.map((id) => [id, new Map()]));
    for (const r of rows) merged.get(r.series_id)!.set(r.minute, r.score);
    for (const [id, minute, score] of this.pending) {
      if (minute >= from && minute <= to) merged.get(id)?.set(minute, score);
    }
    for (const id of seriesIds) {
      const t = this.tracked.get(id);
      if (t && t.minute >= Math.floor(from / MINUTE) * MINUTE && t.minute <= to) {
        merged.get(id)!.set(t.minute, t.minuteMax);
      }
      out.set(
        id,
        [...merged.get(id)!].sort((a, b) => a[0] - b[0]),
      );
    }
    return out;
  }

  private writeMinute(seriesId: number, t: Tracked) {
    if (t.minute >= 0) this.pending.push([seriesId, t.minute, t.minuteMax]);
  }
}
