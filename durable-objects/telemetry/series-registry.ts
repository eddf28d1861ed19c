import { canonicalLabels, seriesKey } from '../../worker/telemetry/config';
import type { SeriesRef } from './types';

/** The series a rack object knows (table `series`), by key and by id; ids are what the ring stores. */
export class SeriesRegistry {
  private readonly byKey = new Map<string, SeriesRef>();
  private readonly byId = new Map<number, SeriesRef>();
  private maxId = 0;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS series (
      id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, server_id INTEGER, metric TEXT NOT NULL,
      labels TEXT NOT NULL, last_ts INTEGER NOT NULL DEFAULT 0)`);
    for (const r of sql.exec<{ id: number; key: string; server_id: number | null; metric: string; labels: string }>(
      'SELECT id, key, server_id, metric, labels FROM series',
    )) {
      this.add({ id: r.id, key: r.key, server_id: r.server_id, metric: r.metric, labels: JSON.parse(r.labels) });
    }
  }

  private add(ref: SeriesRef) {
    this.byKey.set(ref.key, ref);
    this.byId.set(ref.id, ref);
    if (ref.id > this.maxId) this.maxId = ref.id;
  }

  get size(): number {
    return this.byKey.size;
  }

  all(): IterableIterator<SeriesRef> {
    return this.byKey.values();
  }

  get(id: number): SeriesRef | undefined {
    return this.byId.get(id);
  }

  /**
   * The series of a sample: a known one, a new one (`fresh`, to be stored with `persist` in the same
   * transaction as its samples), or null when the rack already holds `limit` series.
   */
  resolve(
    s: { server_id: number | null; metric: string; labels: Record<string, string> },
    limit: number,
  ): { ref: SeriesRef; fresh: boolean } | null {
    const key = seriesKey(s.server_id, s.metric, canonicalLabels(s.labels));
    const known = this.byKey.get(key);
    if (known) return { ref: known, fresh: false };
    if (this.byKey.size >= limit) return null;
    const ref: SeriesRef = { id: this.maxId + 1, key, server_id: s.server_id, metric: s.metric, labels: s.labels };
    this.add(ref);
    return { ref, fresh: true };
  }

  persist(fresh: SeriesRef[]): void {
    for (const f of fresh) {
      this.sql.exec(
        'INSERT INTO series (id, key, server_id, metric, labels) VALUES (?, ?, ?, ?, ?)',
        f.id,
        f.key,
        f.server_id,
        f.metric,
        JSON.stringify(f.labels),
      );
    }
  }

  /** Forget new series whose storage transaction failed, so memory never runs ahead of storage. */
  unpersisted(fresh: SeriesRef[]): void {
    for (const f of fresh) {
      this.byKey.delete(f.key);
      this.byId.delete(f.id);
    }
  }

  drop(id: number): void {
    const ref = this.byId.get(id);
    if (!ref) return;
    this.sql.exec('DELETE FROM series WHERE id = ?', id);
    this.byKey.delete(ref.key);
    this.byId.delete(id);
  }
}
