import type { WindowStats } from '../protocol';
import { QuantileSketch } from './sketch';

/** Aggregates of one series over one aligned time bucket [start, start + width). */
export interface Bucket {
  start: number;
  width: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  last_ts: number;
  sketch: QuantileSketch;
}

export const newBucket = (start: number, width: number): Bucket => ({
  start,
  width,
  count: 0,
  sum: 0,
  min: Infinity,
  max: -Infinity,
  last: NaN,
  last_ts: -Infinity,
  sketch: new QuantileSketch(),
});

export const alignTo = (ts: number, width: number) => Math.floor(ts / width) * width;

export function addToBucket(b: Bucket, ts: number, value: number): void {
  b.count++;
  b.sum += value;
  if (value < b.min) b.min = value;
  if (value > b.max) b.max = value;
  // samples may arrive out of order: "last" is the newest by timestamp, not by arrival
  if (ts >= b.last_ts) {
    b.last = value;
    b.last_ts = ts;
  }
  b.sketch.add(value);
}

/** One bucket covering all of `parts` (which must be non-empty). */
export function mergeBuckets(parts: Bucket[], start: number, width: number): Bucket {
  const out = newBucket(start, width);
  for (const p of parts) {
    if (p.count === 0) continue;
    out.count += p.count;
    out.sum += p.sum;
    out.min = Math.min(out.min, p.min);
    out.max = Math.max(out.max, p.max);
    if (p.last_ts >= out.last_ts) {
      out.last = p.last;
      out.last_ts = p.last_ts;
    }
    out.sketch.merge(p.sketch);
  }
  return out;
}

export function statsOf(b: Bucket): WindowStats | null {
  if (b.count === 0) return null;
  return { count: b.count, last: b.last, min: b.min, max: b.max, avg: b.sum / b.count, p95: b.sketch.quantile(0.95) };
}
