import { zoneRises } from '../../worker/platform/access/zones';
import type { RackMeta } from './types';

/** How long metadata sent by an inventory write outranks metadata sent with ingests (cached up to 30 s). */
const INVENTORY_PIN_MS = 120_000;

/** The rack's metadata and counters (table `kv`). */
export class RackState {
  meta: RackMeta | null;
  samplesTotal: number;
  /** samples accepted per ingest format (for /metrics) */
  formatTotals: Record<string, number>;
  private pinnedUntil: number;

  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)`);
    const kv = new Map(
      sql
        .exec<{ k: string; v: string }>('SELECT k, v FROM kv')
        .toArray()
        .map((r) => [r.k, r.v]),
    );
    this.meta = kv.has('meta') ? (JSON.parse(kv.get('meta')!) as RackMeta) : null;
    this.samplesTotal = Number(kv.get('samples_total') ?? 0);
    this.formatTotals = JSON.parse(kv.get('format_totals') ?? '{}');
    this.pinnedUntil = Number(kv.get('meta_pinned_until') ?? 0);
  }

  private set(k: string, v: string | number) {
    this.sql.exec('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', k, String(v));
  }

  /**
   * New metadata; returns the previous one when it changed (null otherwise). Metadata from an inventory write
   * (`fromInventory`) is authoritative for a while: an ingest routed by another isolate's device cache may
   * still carry the old zone, and must not lower it back (it may raise it).
   */
  update(meta: RackMeta, now: number, fromInventory = false): RackMeta | null {
    const before = this.meta;
    // a raised zone is always safe to take; anything else waits for the pin to lapse
    if (!fromInventory && now < this.pinnedUntil && !(before && zoneRises(before.zone, meta.zone))) return null;
    if (fromInventory) {
      this.pinnedUntil = now + INVENTORY_PIN_MS;
      this.set('meta_pinned_until', this.pinnedUntil);
    }
    if (before && JSON.stringify(before) === JSON.stringify(meta)) return null;
    this.meta = meta;
    this.set('meta', JSON.stringify(meta));
    return before ?? meta;
  }

  count(accepted: number, format: string): void {
    this.samplesTotal += accepted;
    this.set('samples_total', this.samplesTotal);
    this.formatTotals[format] = (this.formatTotals[format] ?? 0) + accepted;
    this.set('format_totals', JSON.stringify(this.formatTotals));
  }
}
