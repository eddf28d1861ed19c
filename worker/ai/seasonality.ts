// Daily and weekly patterns of a series, found in its hourly averages by autocorrelation: pure, tested alone
// (tests/unit/seasonality.test.ts). What the server and rack pages say ("daily pattern, peak 14:00 UTC (+18 %);
// weekly: weekends −30 %") and what an operator reads before trusting an anomaly score.

const HOUR = 3_600_000;
/** autocorrelation above which a lag is a pattern rather than noise */
export const MIN_STRENGTH = 0.3;
/** a weekend this different from the working days (in % of the working days' level) is a weekly pattern */
export const MIN_WEEKEND_PCT = 10;

export interface Daily {
  /** autocorrelation at 24 h */
  strength: number;
  /** UTC hours of the highest and the lowest hour-of-day means */
  peak_hour: number;
  low_hour: number;
  /** peak and low against the series' mean, in % */
  peak_pct: number;
  low_pct: number;
}
export interface Weekly {
  /** autocorrelation at 168 h */
  strength: number;
  /** the weekend's level against the working days', in % (negative: quieter weekends) */
  weekend_pct: number;
}
export interface Seasonality {
  hours: number;
  daily: Daily | null;
  weekly: Weekly | null;
  /** for people: "daily pattern, peak 14:00 UTC (+18 %); weekly: weekends −30 %", or "no daily or weekly pattern" */
  summary: string;
}

/** Autocorrelation at `lag` of an hourly series with gaps (NaN): over the pairs where both hours exist. */
export function autocorrelation(x: Float64Array, lag: number, mean: number): number {
  let num = 0;
  let den = 0;
  let pairs = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    if (Number.isNaN(a)) continue;
    den += (a - mean) * (a - mean);
    if (i + lag < x.length && !Number.isNaN(x[i + lag]!)) {
      num += (a - mean) * (x[i + lag]! - mean);
      pairs++;
    }
  }
  return pairs < 24 || den === 0 ? 0 : num / den;
}

const pct = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(Math.round(v))} %`;
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

/**
 * Patterns of a series from its hourly averages (`ts` on the hour, UTC; any order, gaps allowed). A daily pattern
 * needs 3 days, a weekly one 14.
 */
export function findSeasonality(points: readonly { ts: number; value: number }[]): Seasonality {
  const none = (hours: number): Seasonality => ({
    hours,
    daily: null,
    weekly: null,
    summary: 'no daily or weekly pattern',
  });
  if (points.length < 48) return none(points.length);
  let first = Infinity;
  let last = -Infinity;
  for (const p of points) {
    if (p.ts < first) first = p.ts;
    if (p.ts > last) last = p.ts;
  }
  const start = Math.floor(first / HOUR);
  const x = new Float64Array(Math.floor(last / HOUR) - start + 1).fill(NaN);
  let sum = 0;
  let n = 0;
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    x[Math.floor(p.ts / HOUR) - start] = p.value;
    sum += p.value;
    n++;
  }
  if (n < 48) return none(n);
  const mean = sum / n;

  let daily: Daily | null = null;
  const r24 = autocorrelation(x, 24, mean);
  const r12 = autocorrelation(x, 12, mean);
  if (n >= 72 && r24 >= MIN_STRENGTH && r24 > r12) {
    const byHour = new Float64Array(24);
    const count = new Float64Array(24);
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(x[i]!)) continue;
      const h = (start + i) % 24;
      byHour[h] += x[i]!;
      count[h]++;
    }
    let peak = -1;
    let low = -1;
    for (let h = 0; h < 24; h++) {
      if (!count[h]) continue;
      byHour[h] /= count[h]!;
      if (peak < 0 || byHour[h]! > byHour[peak]!) peak = h;
      if (low < 0 || byHour[h]! < byHour[low]!) low = h;
    }
    const rel = (v: number) => (mean === 0 ? 0 : ((v - mean) / Math.abs(mean)) * 100);
    daily = { strength: r24, peak_hour: peak, low_hour: low, peak_pct: rel(byHour[peak]!), low_pct: rel(byHour[low]!) };
  }

  let weekly: Weekly | null = null;
  if (n >= 24 * 14) {
    const r168 = autocorrelation(x, 168, mean);
    let we = 0;
    let weN = 0;
    let wd = 0;
    let wdN = 0;
    for (let i = 0; i < x.length; i++) {
      if (Number.isNaN(x[i]!)) continue;
      // the epoch was a Thursday: day 2 and 3 after it are Saturday and Sunday
      const dow = Math.floor((start + i) / 24) % 7;
      if (dow === 2 || dow === 3) {
        we += x[i]!;
        weN++;
      } else {
        wd += x[i]!;
        wdN++;
      }
    }
    const weekendPct = weN && wdN && wd !== 0 ? ((we / weN - wd / wdN) / Math.abs(wd / wdN)) * 100 : 0;
    if (r168 >= MIN_STRENGTH && Math.abs(weekendPct) >= MIN_WEEKEND_PCT)
      weekly = { strength: r168, weekend_pct: weekendPct };
  }

  const parts: string[] = [];
  if (daily)
    parts.push(`daily pattern, peak ${hh(daily.peak_hour)} UTC (${pct(daily.peak_pct)}), low ${hh(daily.low_hour)}`);
  if (weekly) parts.push(`weekly: weekends ${pct(weekly.weekend_pct)}`);
  return { hours: n, daily, weekly, summary: parts.length ? parts.join('; ') : 'no daily or weekly pattern' };
}
