import type { TelemetryConfig } from './config';
import type { ParsedSample } from './samples';

/**
 * Why a decoded sample is refused on its own while the rest of its request is stored, as Prometheus refuses
 * out-of-bounds samples: a sender's one bad clock or one broken sensor must not cost the whole batch.
 */
export const REFUSAL_REASONS = ['too_far_in_future', 'too_old', 'invalid_timestamp', 'non_finite_value'] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];
export type Refusals = Record<RefusalReason, number>;

/** The instants a sample may carry: back to the raw ring's retention, forward by the allowed clock skew. */
export interface AcceptWindow {
  oldest: number;
  newest: number;
}

export const acceptWindow = (cfg: Pick<TelemetryConfig, 'rawRetentionMs' | 'maxFutureSkewMs'>, now: number) => ({
  oldest: now - cfg.rawRetentionMs,
  newest: now + cfg.maxFutureSkewMs,
});

/**
 * Decoders only check syntax, so a timestamp may be NaN, fractional, or beyond what a Date can hold (year
 * 287,000 at precision=s): only comparisons are used here, never a Date. A NaN or ±Inf value is refused because
 * the rolling aggregates (sum, min, max, p95) cannot hold it; markers that say "no value" (Prometheus staleness
 * markers, OTLP points flagged no-recorded-value) never reach this point: the decoders count them as skipped.
 */
export function refusalOf(s: Pick<ParsedSample, 'ts' | 'value'>, w: AcceptWindow): RefusalReason | null {
  if (Number.isNaN(s.ts) || (Number.isFinite(s.ts) && !Number.isInteger(s.ts))) return 'invalid_timestamp';
  if (s.ts > w.newest) return 'too_far_in_future';
  if (s.ts < w.oldest) return 'too_old';
  if (!Number.isFinite(s.value)) return 'non_finite_value';
  return null;
}

/** Indexes of the samples inside the window, and how many were refused for each reason. */
export function screenSamples(
  samples: readonly Pick<ParsedSample, 'ts' | 'value'>[],
  w: AcceptWindow,
): { kept: number[]; refused: Refusals; refusedTotal: number } {
  const refused = Object.fromEntries(REFUSAL_REASONS.map((r) => [r, 0])) as Refusals;
  const kept: number[] = [];
  for (let i = 0; i < samples.length; i++) {
    const reason = refusalOf(samples[i], w);
    if (reason) refused[reason]++;
    else kept.push(i);
  }
  return { kept, refused, refusedTotal: samples.length - kept.length };
}

/** "too_far_in_future=2, non_finite_value=1" for headers and messages; "" when nothing was refused. */
export const describeRefusals = (r: Refusals): string =>
  REFUSAL_REASONS.filter((k) => r[k] > 0)
    .map((k) => `${k}=${r[k]}`)
    .join(', ');
