import type { SeriesRef } from './types';

/**
 * Per-sample evaluation (alert rules, anomaly scores) plugs in here. Observers run in registration order,
 * exactly once per ACCEPTED sample: not for samples the series limit refused, and not again when an evicted
 * object rebuilds its memory from the ring. `observe` runs inside the ingest's storage transaction, so state an
 * observer writes to its own tables commits (or rolls back) with the samples; `init` creates and loads that
 * state when the object starts.
 */
export interface SampleObserver {
  readonly name: string;
  init?(sql: SqlStorage): void;
  observe(series: SeriesRef, ts: number, value: number): void;
  /** after each batch, still inside its transaction (state an observer writes less often than per sample) */
  flush?(): void;
}

export class ObserverChain {
  private readonly list: SampleObserver[] = [];

  constructor(private readonly sql: SqlStorage) {}

  register(o: SampleObserver): void {
    o.init?.(this.sql);
    this.list.push(o);
  }

  observe(samples: readonly (readonly [SeriesRef, number, number])[]): void {
    // sample by sample through every observer, not observer by observer: an alert rule reading a sample's
    // anomaly score must find that sample's score, not the batch's last one
    const list = this.list;
    for (const [ref, ts, value] of samples) for (const o of list) o.observe(ref, ts, value);
    for (const o of list) o.flush?.();
  }
}
