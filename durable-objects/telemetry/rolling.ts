import { HOUR, MINUTE, SeriesWindows } from '../../worker/telemetry/aggregate/series-windows';
import { alignTo } from '../../worker/telemetry/aggregate/bucket';
import type { RawRing } from './raw-ring';

/**
 * The rolling aggregates of every series, in memory only (1-minute and 1-hour buckets with quantile sketches,
 * and the latest value), for live windows and the query API's last hour. After an eviction they are rebuilt
 * from the ring's last hour; D1's rollups never depend on them (see rollup-flusher.ts).
 */
export class RollingAggregates {
  private readonly bySeries = new Map<number, SeriesWindows>();

  of(id: number): SeriesWindows | undefined {
    return this.bySeries.get(id);
  }

  /** Samples older than the rolling hour only update the latest value. */
  add(id: number, ts: number, value: number, now: number): void {
    let w = this.bySeries.get(id);
    if (!w) this.bySeries.set(id, (w = new SeriesWindows()));
    if (ts >= now - HOUR - MINUTE) w.add(ts, value);
    else w.noteLast(ts, value);
  }

  rebuild(ring: RawRing, now: number, maxFutureSkewMs: number, known: (id: number) => boolean): void {
    for (const [, ts, value, id] of ring.range(now - HOUR - MINUTE, now + maxFutureSkewMs)) {
      if (known(id)) this.add(id, ts, value, now);
    }
  }

  prune(now: number): void {
    for (const w of this.bySeries.values()) w.prune(now - HOUR - MINUTE, alignTo(now, HOUR) - HOUR);
  }

  forget(id: number): void {
    this.bySeries.delete(id);
  }

  memoryEstimate(): number {
    let bytes = 0;
    for (const w of this.bySeries.values()) {
      bytes += 200;
      for (const b of [...w.minutes.values(), ...w.hours.values()])
        bytes += 160 + JSON.stringify(b.sketch.toJSON()).length * 2;
    }
    return bytes;
  }
}
