// The nightly forecast of one hourly telemetry series: pure (tests/unit/series-forecast.test.ts); the job
// (forecast-job.ts) feeds it the hourly rollups the rack objects wrote.
import { forecast, type Forecast } from './forecast.ts';

const HOUR = 3_600_000;
/** a week ahead, hour by hour */
export const HORIZON_HOURS = 168;
/** four weeks of hours learnt from: a weekly season needs three */
export const HISTORY_HOURS = 28 * 24;
/** under two days there is no daily season to learn, and the series is skipped */
export const MIN_HISTORY_HOURS = 48;

/** What "the series that matter" are: utilisation (disk too: the "disk full in < 24 h" rule reads it), power and temperature. */
export const FORECAST_METRICS = {
  server: ['cpu_pct', 'mem_pct', 'disk_pct', 'power_w', 'inlet_temp_c'],
  rack: ['power_kw', 'inlet_temp_c'],
} as const;

/**
 * Hourly means (bucket start, mean) as an evenly spaced series ending with the last complete hour before `end`.
 * A missing hour takes the same hour a day earlier (a server that did not report overnight still has its daily
 * rhythm), or the previous hour when there is no day before. Null when there are fewer than MIN_HISTORY_HOURS.
 */
export function hourlySeries(
  rows: readonly [number, number][],
  end: number,
): { start: number; values: number[] } | null {
  if (!rows.length) return null;
  const last = Math.floor(end / HOUR) * HOUR - HOUR;
  const first = Math.max(
    rows.reduce((m, [t]) => Math.min(m, t), Infinity),
    last - (HISTORY_HOURS - 1) * HOUR,
  );
  const n = Math.floor((last - first) / HOUR) + 1;
  if (n < MIN_HISTORY_HOURS) return null;
  const values = new Array<number>(n).fill(NaN);
  for (const [t, v] of rows) {
    const i = (t - first) / HOUR;
    if (i >= 0 && i < n && Number.isInteger(i) && Number.isFinite(v)) values[i] = v;
  }
  let known = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isNaN(values[i]!)) {
      known++;
      continue;
    }
    values[i] = i >= 24 ? values[i - 24]! : i > 0 ? values[i - 1]! : NaN;
  }
  // leading hours before the first sample take the first value seen
  const firstKnown = values.findIndex((v) => !Number.isNaN(v));
  for (let i = 0; i < firstKnown; i++) values[i] = values[firstKnown]!;
  if (known < MIN_HISTORY_HOURS) return null;
  return { start: first, values };
}

export interface SeriesForecast {
  /** first forecast hour (ms) */
  start: number;
  method: Forecast['method'];
  period: number;
  backtest: Forecast['backtest'];
  history_hours: number;
  points: [number, number, number][];
}

const r3 = (v: number) => Math.round(v * 1000) / 1000;

/** A week ahead of an hourly series with a daily season (and a weekly one once it has three weeks). */
export function forecastSeries(series: { start: number; values: number[] }): SeriesForecast {
  const f = forecast(series.values, HORIZON_HOURS, 24);
  return {
    start: series.start + series.values.length * HOUR,
    method: f.method,
    period: f.period,
    backtest: Object.fromEntries(Object.entries(f.backtest).map(([k, v]) => [k, r3(v!)])),
    history_hours: series.values.length,
    points: f.points.map((p) => [r3(p.forecast), r3(p.lower), r3(p.upper)]),
  };
}
