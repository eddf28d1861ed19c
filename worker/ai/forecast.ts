// Forecasts of one evenly spaced series with 90 % prediction intervals: pure, run by the forecasting cron, the
// API and the command line (`npm run -s ai:forecast`); tested alone (tests/unit/forecast.test.ts).
//
// Several seasonal methods compete on the series' own past (a rolling-origin backtest: forecast from a few
// earlier points, compare with what happened); the one with the lowest scaled error wins, and the spread of its
// backtest errors at each lead time gives the interval. Candidates:
//  - seasonal naive (the last period again): the baseline every method must beat;
//  - seasonal mean: each slot of the period averaged over the last k periods, shifted to the latest level;
//  - Holt-Winters, additive, with a damped trend (exponential smoothing of level, trend and season);
//  - Theta: the series deseasonalised by its mean seasonal profile, simple exponential smoothing plus half the
//    linear drift, the profile put back.

import { backtest, bestPerMethod, quantile, type Candidate as BacktestCandidate } from './backtest.ts';

export type Method = 'seasonal_naive' | 'seasonal_mean' | 'holt_winters' | 'theta';

export interface ForecastPoint {
  forecast: number;
  lower: number;
  upper: number;
}
export interface Forecast {
  method: Method;
  /** the season length used (samples) */
  period: number;
  /** backtest: mean absolute error of each method, scaled by the seasonal naive's own (1 = as good as naive) */
  backtest: Partial<Record<Method, number>>;
  points: ForecastPoint[];
}

type Candidate = BacktestCandidate<Method>;

const mean = (a: readonly number[], from = 0, to = a.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return to > from ? s / (to - from) : 0;
};

export function seasonalNaive(y: readonly number[], h: number, m: number): number[] {
  const n = y.length;
  return Array.from({ length: h }, (_, i) => y[n - m + (i % m)] ?? y[n - 1]!);
}

/** Each slot of the period: the mean of its last `k` values, moved by the latest period's level shift. */
export function seasonalMean(y: readonly number[], h: number, m: number, k: number): number[] {
  const n = y.length;
  const periods = Math.min(k, Math.floor(n / m));
  if (periods < 1) return Array.from({ length: h }, () => y[n - 1]!);
  const profile = Array.from({ length: m }, (_, s) => {
    let sum = 0;
    for (let p = 1; p <= periods; p++) sum += y[n - p * m + s]!;
    return sum / periods;
  });
  // the latest period against the profile's mean: a level that moved is followed, half-way
  const shift = (mean(y, n - m, n) - mean(profile)) * 0.5;
  return Array.from({ length: h }, (_, i) => profile[i % m]! + shift);
}

/** Additive Holt-Winters with a damped trend, initialised from the first two periods. */
export function holtWinters(
  y: readonly number[],
  h: number,
  m: number,
  p: { alpha: number; beta: number; gamma: number; phi: number },
): number[] {
  const n = y.length;
  if (n < 2 * m) return seasonalNaive(y, h, Math.min(m, n));
  let level = mean(y, 0, m);
  let trend = (mean(y, m, 2 * m) - level) / m;
  const season = Array.from({ length: m }, (_, i) => y[i]! - level);
  for (let t = 0; t < n; t++) {
    const s = season[t % m]!;
    const prevLevel = level;
    level = p.alpha * (y[t]! - s) + (1 - p.alpha) * (level + p.phi * trend);
    trend = p.beta * (level - prevLevel) + (1 - p.beta) * p.phi * trend;
    season[t % m] = p.gamma * (y[t]! - level) + (1 - p.gamma) * s;
  }
  const out: number[] = [];
  let damp = 0;
  for (let i = 1; i <= h; i++) {
    damp += p.phi ** i;
    out.push(level + damp * trend + season[(n + i - 1) % m]!);
  }
  return out;
}

/** Theta (θ = 2 line with SES), on the series with its mean seasonal profile taken out. */
export function theta(y: readonly number[], h: number, m: number, alpha = 0.1): number[] {
  const n = y.length;
  const periods = Math.floor(n / m);
  const profile = Array.from({ length: m }, () => 0);
  if (periods >= 2) {
    for (let s = 0; s < m; s++) {
      let sum = 0;
      for (let p = 0; p < periods; p++) sum += y[n - (p + 1) * m + s]!;
      profile[s] = sum / periods;
    }
    const pm = mean(profile);
    for (let s = 0; s < m; s++) profile[s]! -= pm;
  }
  const slot = (t: number) => profile[(((t - n) % m) + m) % m]!;
  const d = y.map((v, t) => v - slot(t));
  // drift: least-squares slope of the deseasonalised series
  const tm = (n - 1) / 2;
  const dm = mean(d);
  let num = 0;
  let den = 0;
  for (let t = 0; t < n; t++) {
    num += (t - tm) * (d[t]! - dm);
    den += (t - tm) * (t - tm);
  }
  const slope = den ? num / den : 0;
  let l = d[0]!;
  for (let t = 1; t < n; t++) l = alpha * d[t]! + (1 - alpha) * l;
  // Hyndman & Billah's form of the Theta method: SES level plus half the drift, growing with the lead
  const tail = 1 / alpha - (1 - alpha) ** n / alpha;
  return Array.from({ length: h }, (_, i) => l + 0.5 * slope * (i + tail) + slot(n + i));
}

/** Mean absolute error of the seasonal naive one period back, in sample: MASE's scale. */
export function naiveScale(y: readonly number[], m: number): number {
  let s = 0;
  let c = 0;
  for (let t = m; t < y.length; t++) {
    s += Math.abs(y[t]! - y[t - m]!);
    c++;
  }
  return c ? s / c : 1;
}

function candidates(m: number, weekly: number | null): Candidate[] {
  const out: Candidate[] = [{ method: 'seasonal_naive', run: (y, h) => seasonalNaive(y, h, m) }];
  for (const k of [3, 5, 7]) out.push({ method: 'seasonal_mean', run: (y, h) => seasonalMean(y, h, m, k) });
  // the week as the season, when there are weeks enough to learn one (working days and weekends differ)
  if (weekly) {
    out.push({ method: 'seasonal_naive', run: (y, h) => seasonalNaive(y, h, weekly) });
    for (const k of [2, 3]) out.push({ method: 'seasonal_mean', run: (y, h) => seasonalMean(y, h, weekly, k) });
  }
  for (const alpha of [0.05, 0.2]) {
    for (const gamma of [0.05, 0.2]) {
      out.push({
        method: 'holt_winters',
        run: (y, h) => holtWinters(y, h, m, { alpha, beta: 0.01, gamma, phi: 0.9 }),
      });
    }
  }
  out.push({ method: 'theta', run: (y, h) => theta(y, h, m) });
  return out;
}

/**
 * Forecast `h` steps after the end of `y` (evenly spaced), with season length `m` (e.g. 288 for a day of
 * 5-minute samples). Backtest: `origins` forecasts of `min(h, m)` steps from the last points of the series.
 */
export function forecast(y: readonly number[], h: number, m: number, origins = 4, week = 7): Forecast {
  const period = y.length >= 2 * m ? m : Math.max(1, Math.floor(y.length / 2));
  // a weekly season needs three weeks: two to learn from, one to backtest on
  const weekly = period === m && y.length >= 3 * week * m ? week * m : null;
  const list = candidates(period, weekly);
  const lead = Math.max(1, Math.min(h, 2 * period));
  const scale = naiveScale(y, period) || 1;
  const { errors, mae, best } = backtest(y, list, { lead, origins, minTrain: 2 * (weekly ?? period), scale });
  const backtestMae = bestPerMethod(list, mae);
  const f = list[best]!.run(y, h);
  // the interval: the 5th and 95th percentiles of the winner's backtest errors over its horizon
  const all = errors[best]!.flat().sort((a, b) => a - b);
  const lo = all.length ? quantile(all, 0.05) : -scale * 2;
  const hi = all.length ? quantile(all, 0.95) : scale * 2;
  const points = f.map((v, i) => {
    // beyond the backtest's horizon errors keep growing: as the square root of the lead, a random walk's
    const grow = i < lead ? 1 : Math.sqrt((i + 1) / lead);
    return { forecast: v, lower: v + lo * grow, upper: v + hi * grow };
  });
  return { method: list[best]!.method, period, backtest: backtestMae, points };
}
