// Monthly inventory growth (servers racked, U used, power allocated, vCPU promised) forecast months ahead: pure,
// run by the capacity-forecast API and tested alone (tests/unit/growth.test.ts).
//
// Inventory grows in steps (a delivery of servers, a migration wave) around a trend, with no seasonality worth
// modelling from a few dozen months. Candidates compete by rolling-origin backtest on the series' own past:
//  - flat: nothing more arrives (the naive every method must beat);
//  - drift: the mean monthly change over the last 6 or 12 months, or the whole history, carried on;
//  - linear trend: least squares over the last 12 months, extended;
//  - damped trend: Holt's linear exponential smoothing with the trend fading (φ = 0.95 a month).
// The interval assumes errors grow as the square root of the lead (a random walk's): the winner's backtest
// errors, each divided by √lead, give the 5th and 95th percentiles, scaled back up for every month ahead.
import { backtest, bestPerMethod, quantile, type Candidate } from './backtest.ts';
import { holtWinters } from './forecast.ts';

export type GrowthMethod = 'flat' | 'drift' | 'linear_trend' | 'damped_trend';

export interface GrowthForecast {
  method: GrowthMethod;
  /** months of history the forecast learnt from */
  history_months: number;
  /** each method's backtest error against the flat forecast's (1 = no better than assuming no growth) */
  backtest: Partial<Record<GrowthMethod, number>>;
  points: { forecast: number; lower: number; upper: number }[];
}

const drift =
  (k: number | null): Candidate<GrowthMethod>['run'] =>
  (y, h) => {
    const n = y.length;
    const span = Math.min(k ?? n - 1, n - 1);
    const step = span > 0 ? (y[n - 1]! - y[n - 1 - span]!) / span : 0;
    return Array.from({ length: h }, (_, i) => y[n - 1]! + step * (i + 1));
  };

function linearTrend(y: readonly number[], h: number): number[] {
  const from = Math.max(0, y.length - 12);
  const xs = y.slice(from);
  const n = xs.length;
  const tm = (n - 1) / 2;
  const ym = xs.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  xs.forEach((v, t) => {
    num += (t - tm) * (v - ym);
    den += (t - tm) ** 2;
  });
  const slope = den ? num / den : 0;
  return Array.from({ length: h }, (_, i) => ym + slope * (n - 1 - tm + i + 1));
}

const CANDIDATES: Candidate<GrowthMethod>[] = [
  { method: 'flat', run: (y, h) => Array.from({ length: h }, () => y[y.length - 1]!) },
  { method: 'drift', run: drift(6) },
  { method: 'drift', run: drift(12) },
  { method: 'drift', run: drift(null) },
  { method: 'linear_trend', run: linearTrend },
  { method: 'damped_trend', run: (y, h) => holtWinters(y, h, 1, { alpha: 0.5, beta: 0.2, gamma: 0, phi: 0.95 }) },
];

/** The 90 % normal quantile: the interval when the history is too short to backtest. */
const Z90 = 1.645;

/**
 * Forecast `h` months after the end of `y` (one value per month, the current month last; `floor` bounds the
 * forecast and its interval below: inventory is never negative).
 */
export function growthForecast(y: readonly number[], h: number, floor = 0): GrowthForecast {
  const n = y.length;
  const clamp = (v: number) => Math.max(floor, v);
  if (n === 0) return { method: 'flat', history_months: 0, backtest: {}, points: [] };
  let diffs = 0;
  for (let t = 1; t < n; t++) diffs += Math.abs(y[t]! - y[t - 1]!);
  // MASE's scale for a random walk: the mean month-to-month change
  const scale = n > 1 ? diffs / (n - 1) || 1 : 1;
  const lead = Math.min(h, 6);
  const bt = backtest(y, CANDIDATES, { lead, origins: 6, minTrain: 6, scale });
  let best = bt.best;
  let normalised: number[];
  if (bt.used) {
    normalised = bt.errors[best]!.flatMap((run) => run.map((e, i) => e / Math.sqrt(i + 1))).sort((a, b) => a - b);
  } else {
    // too short to test: carry the whole history's drift on, its month-to-month spread as a normal interval
    best = 3;
    const changes = y.slice(1).map((v, t) => v - y[t]!);
    const m = changes.reduce((a, b) => a + b, 0) / Math.max(1, changes.length);
    const sd = Math.sqrt(changes.reduce((a, c) => a + (c - m) ** 2, 0) / Math.max(1, changes.length - 1));
    normalised = [-Z90 * sd, Z90 * sd];
  }
  const lo = quantile(normalised, 0.05);
  const hi = quantile(normalised, 0.95);
  const f = CANDIDATES[best]!.run(y, h);
  const points = f.map((v, i) => {
    const grow = Math.sqrt(i + 1);
    return { forecast: clamp(v), lower: clamp(v + Math.min(0, lo) * grow), upper: clamp(v + Math.max(0, hi) * grow) };
  });
  const flatMae = bt.mae[0]!;
  const relative = bestPerMethod(
    CANDIDATES,
    bt.mae.map((m) => (Number.isFinite(flatMae) && flatMae > 0 ? m / flatMae : m)),
  );
  return { method: CANDIDATES[best]!.method, history_months: n, backtest: relative, points };
}
