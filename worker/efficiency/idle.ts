// Idle servers, pure: a server whose CPU stayed under 5 % in every hour of the last 7 days does nothing worth its
// power. Hourly means, not single samples: a nightly cron spike does not make a server busy, an hour of work does.

export const IDLE_CPU_PCT = 5;
export const IDLE_DAYS = 7;
/**
 * Share of the window's hours that must be measured: a restart's missing hour does not hide an idle server, but a
 * server that reported only part of the week is "not enough data", never a guess.
 */
export const MIN_COVERAGE = 0.95;

/** One server's CPU over the window, from its hourly rollups. */
export interface CpuWindow {
  /** hours with a rollup */
  hours: number;
  /** raw samples behind them */
  samples: number;
  /** sum of every sample (mean = sum / samples) */
  sum: number;
  /** the busiest hour's mean */
  max_hourly: number;
  /** the highest single sample */
  peak: number;
}

export type IdleVerdict =
  | { verdict: 'idle'; mean_pct: number; max_hourly_pct: number; peak_pct: number }
  | { verdict: 'busy' }
  | { verdict: 'insufficient'; reason: string };

const r1 = (n: number) => Math.round(n * 10) / 10;

export function idleVerdict(w: CpuWindow | undefined, expectedHours: number): IdleVerdict {
  if (!w || w.hours === 0 || w.samples === 0)
    return { verdict: 'insufficient', reason: `no CPU data in the last ${IDLE_DAYS} days` };
  // a busy hour is proof enough, however few hours were measured
  if (w.max_hourly >= IDLE_CPU_PCT) return { verdict: 'busy' };
  if (w.hours < expectedHours * MIN_COVERAGE)
    return {
      verdict: 'insufficient',
      reason: `CPU measured in ${w.hours} of ${expectedHours} hours (needs ${Math.ceil(expectedHours * MIN_COVERAGE)}): under ${IDLE_CPU_PCT} % so far, but not yet for ${IDLE_DAYS} days`,
    };
  return { verdict: 'idle', mean_pct: r1(w.sum / w.samples), max_hourly_pct: r1(w.max_hourly), peak_pct: r1(w.peak) };
}

/**
 * A server's mean draw by UTC hour of day from its hourly power rollups (`wh[h]` summed means, `hours[h]` how many
 * there were): hours of the day never measured take the mean of those that were. Null: no power measured at all.
 */
export function dailyProfile(wh: readonly number[], hours: readonly number[]): number[] | null {
  const total = hours.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const mean = wh.reduce((a, b) => a + b, 0) / total;
  return wh.map((w, h) => (hours[h] ? w / hours[h] : mean));
}
