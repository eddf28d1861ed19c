import type { WindowName, WindowStats } from '../protocol';
import { addToBucket, alignTo, mergeBuckets, newBucket, statsOf, type Bucket } from './bucket';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const WINDOW_MS: Record<WindowName, number> = { '1m': MINUTE, '5m': 5 * MINUTE, '1h': HOUR };

/**
 * The aggregates of one series, maintained as samples arrive: aligned 1-minute buckets (the unit flushed to
 * D1 and merged into the rolling 1 m / 5 m / 1 h windows) and aligned 1-hour buckets (flushed to D1 as the
 * compacted resolution, with their own sketch so the hourly p95 is not a p95 of p95s).
 */
export class SeriesWindows {
  readonly minutes = new Map<number, Bucket>();
  readonly hours = new Map<number, Bucket>();
  last = NaN;
  lastTs = -Infinity;

  add(ts: number, value: number): void {
    this.addTo(this.minutes, MINUTE, ts, value);
    this.addTo(this.hours, HOUR, ts, value);
    this.noteLast(ts, value);
  }

  /** Add to the 1-minute (or 1-hour) buckets only: used when one bucket is rebuilt from stored samples. */
  addTo(buckets: Map<number, Bucket>, width: number, ts: number, value: number): void {
    const start = alignTo(ts, width);
    let b = buckets.get(start);
    if (!b) buckets.set(start, (b = newBucket(start, width)));
    addToBucket(b, ts, value);
  }

  noteLast(ts: number, value: number): void {
    if (ts >= this.lastTs) {
      this.last = value;
      this.lastTs = ts;
    }
  }

  /**
   * The rolling window ending at `now`: the 1-minute buckets that start inside it, merged (so a "1 h" window
   * is 60 small merges, never a scan of 360 raw samples).
   */
  window(name: WindowName, now: number): WindowStats | null {
    const from = alignTo(now, MINUTE) - WINDOW_MS[name] + MINUTE;
    const parts: Bucket[] = [];
    for (const [start, b] of this.minutes) if (start >= from && start <= now) parts.push(b);
    if (parts.length === 0) return null;
    return statsOf(mergeBuckets(parts, from, WINDOW_MS[name]));
  }

  /** Forget buckets that are flushed and out of every rolling window. */
  prune(keepMinutesFrom: number, keepHoursFrom: number): void {
    for (const k of this.minutes.keys()) if (k < keepMinutesFrom) this.minutes.delete(k);
    for (const k of this.hours.keys()) if (k < keepHoursFrom) this.hours.delete(k);
  }

  get empty(): boolean {
    return this.minutes.size === 0 && this.hours.size === 0;
  }
}
