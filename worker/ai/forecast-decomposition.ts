// A decomposition forecast (level + daily profile + day-of-week offsets), one of the candidates forecast.ts
// backtests: pure, tested alone (tests/unit/forecast-decomposition.test.ts).
//
// Utilisation of a whole cluster wanders from day to day around a steady daily shape: copying the last day (or
// week) copies its noise too. Here the shape is the mean of the last `periods` seasons (noise averaged away), the
// week adds one offset per day when there are two weeks to learn it from (a whole day's, not each slot's: the
// slots of a single weekday are too few to average), and the level is the exponentially smoothed deseasonalised
// series. With `revert`, a level away from the window's mean drifts back to it over about a season, as cluster
// load does: days ahead, the mean is a better guess than today's excursion.

export interface DecompositionOptions {
  /** seasons averaged into the profile (fewer when the series is shorter) */
  periods: number;
  /** the week's length in samples, for day-of-week offsets (null: none) */
  weekly: number | null;
  /** the level drifts back to the window's mean (time constant: one season) */
  revert: boolean;
}

const mean = (a: readonly number[], from: number, to: number) => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return to > from ? s / (to - from) : 0;
};

export function decomposition(y: readonly number[], h: number, m: number, o: DecompositionOptions): number[] {
  const n = y.length;
  const periods = Math.min(o.periods, Math.floor(n / m));
  if (periods < 1) return new Array<number>(h).fill(y[n - 1]!);
  // profile[s]: slot s of the season that ends with the series (slot 0 is m samples before the end)
  const profile = new Array<number>(m);
  for (let s = 0; s < m; s++) {
    let sum = 0;
    for (let p = 1; p <= periods; p++) sum += y[n - p * m + s]!;
    profile[s] = sum / periods;
  }
  const base = mean(profile, 0, m);
  for (let s = 0; s < m; s++) profile[s]! -= base;
  // day-of-week offsets: each day's mean over the last weeks (up to three), against the week's
  const week = o.weekly && n >= 2 * o.weekly ? o.weekly : 0;
  const days = week ? week / m : 0;
  const offset = new Array<number>(days).fill(0);
  if (week) {
    const weeks = Math.min(3, Math.floor(n / week));
    for (let d = 0; d < days; d++) {
      for (let w = 1; w <= weeks; w++) offset[d]! += mean(y, n - w * week + d * m, n - w * week + (d + 1) * m) / weeks;
    }
    const all = mean(offset, 0, days);
    for (let d = 0; d < days; d++) offset[d]! -= all;
  }
  // the seasonal part, walked forward from time `t0`: slot and day counted back from the end of the series
  const walk = (t0: number, count: number, visit: (t: number, seasonal: number) => void) => {
    let slot = (((t0 - n) % m) + m) % m;
    let inWeek = week ? (((t0 - n) % week) + week) % week : 0;
    for (let t = t0; t < t0 + count; t++) {
      visit(t, week ? profile[slot]! + offset[Math.floor(inWeek / m)]! : profile[slot]!);
      if (++slot === m) slot = 0;
      if (week && ++inWeek === week) inWeek = 0;
    }
  };
  // the level's smoothing spans about a sixth of a season (4 hours of a day)
  const alpha = Math.min(1, 6 / m);
  const from = n - periods * m;
  let level = NaN;
  walk(from, n - from, (t, s) => {
    level = t === from ? y[t]! - s : alpha * (y[t]! - s) + (1 - alpha) * level;
  });
  const out = new Array<number>(h);
  walk(n, h, (t, s) => {
    const i = t - n;
    out[i] = (o.revert ? base + (level - base) * Math.exp(-(i + 1) / m) : level) + s;
  });
  return out;
}
