/** A raw row: [slot, ts, value, series_id]. */
export type RingRow = [number, number, number, number];

/**
 * The raw samples of one rack object: one row per series per slot, slot = floor(ts / resolution) mod slots. A
 * series can never hold more than `slots` rows and nothing is deleted on the hot path: a new lap overwrites.
 * Keyed (slot, series_id), so one tick of a rack writes neighbouring rows.
 */
export class RawRing {
  readonly slots: number;

  constructor(
    private readonly sql: SqlStorage,
    private readonly resolutionMs: number,
    retentionMs: number,
  ) {
    this.slots = Math.max(1, Math.round(retentionMs / resolutionMs));
    sql.exec(`CREATE TABLE IF NOT EXISTS ring (
      slot INTEGER NOT NULL, series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
      PRIMARY KEY (slot, series_id)) WITHOUT ROWID`);
  }

  slotOf(ts: number): number {
    return Math.floor(ts / this.resolutionMs) % this.slots;
  }

  /**
   * Store rows [slot, series_id, ts, value] in one statement: SQLite unpacks the JSON itself (a bound parameter
   * per value would cost a round trip into SQLite per sample, and statements take at most 100 parameters). The
   * newest sample of a slot wins; an older lap is always older.
   */
  write(rows: [number, number, number, number][]): void {
    if (!rows.length) return;
    this.sql.exec(
      `INSERT INTO ring (slot, series_id, ts, value)
         SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?) AS j WHERE true
       ON CONFLICT (slot, series_id) DO UPDATE SET ts = excluded.ts, value = excluded.value
         WHERE excluded.ts >= ring.ts`,
      JSON.stringify(rows),
    );
  }

  /** Rows with from <= ts <= to, of one series or all (slot order; the range may wrap around the ring). */
  range(from: number, to: number, seriesId?: number): RingRow[] {
    const span = Math.min(this.slots - 1, Math.floor(to / this.resolutionMs) - Math.floor(from / this.resolutionMs));
    const a = this.slotOf(from);
    const b = (a + span) % this.slots;
    const ranges: [number, number][] =
      a <= b
        ? [[a, b]]
        : [
            [a, this.slots - 1],
            [0, b],
          ];
    const out: RingRow[] = [];
    for (const [lo, hi] of ranges) {
      const rows =
        seriesId === undefined
          ? this.sql.exec<{ slot: number; ts: number; value: number; series_id: number }>(
              'SELECT slot, ts, value, series_id FROM ring WHERE slot BETWEEN ? AND ? AND ts BETWEEN ? AND ?',
              lo,
              hi,
              from,
              to,
            )
          : this.sql.exec<{ slot: number; ts: number; value: number; series_id: number }>(
              'SELECT slot, ts, value, series_id FROM ring WHERE slot BETWEEN ? AND ? AND series_id = ? AND ts BETWEEN ? AND ?',
              lo,
              hi,
              seriesId,
              from,
              to,
            );
      for (const r of rows) out.push([r.slot, r.ts, r.value, r.series_id]);
    }
    return out;
  }

  newest(seriesId: number): number | null {
    return this.sql.exec<{ m: number | null }>('SELECT MAX(ts) AS m FROM ring WHERE series_id = ?', seriesId).one().m;
  }

  drop(seriesId: number): void {
    this.sql.exec('DELETE FROM ring WHERE series_id = ?', seriesId);
  }

  count(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM ring').one().n;
  }
}
