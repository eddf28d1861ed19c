import type { RawRing } from './raw-ring';
import type { RollingAggregates } from './rolling';
import type { RollupFlusher } from './rollup-flusher';
import type { SeriesRegistry } from './series-registry';

/**
 * Forget series silent for a whole retention (their ring rows are stale anyway), so storage stays bounded.
 * Each series goes in one transaction with its ring rows and anything it still had to flush.
 */
export function forgetSilentSeries(
  storage: DurableObjectStorage,
  parts: { series: SeriesRegistry; ring: RawRing; rolling: RollingAggregates; flusher: RollupFlusher },
  now: number,
  retentionMs: number,
): void {
  const cutoff = now - retentionMs;
  for (const s of [...parts.series.all()]) {
    const w = parts.rolling.of(s.id);
    const last = w && w.lastTs !== -Infinity ? w.lastTs : parts.ring.newest(s.id);
    if (last !== null && last >= cutoff) continue;
    storage.transactionSync(() => {
      parts.ring.drop(s.id);
      parts.flusher.drop(s.id);
      parts.series.drop(s.id);
    });
    parts.rolling.forget(s.id);
  }
}
