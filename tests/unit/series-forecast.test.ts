// The nightly job's per-series part (worker/ai/series-forecast.ts): hourly rollups made an even series with its
// gaps filled, and a week forecast from it.
import { describe, expect, it } from 'vitest';
import { forecastSeries, hourlySeries, HORIZON_HOURS } from '../../worker/ai/series-forecast';

const H = 3_600_000;
const T0 = 1_800_000_000_000 - (1_800_000_000_000 % H);

describe('hourlySeries', () => {
  it('ends with the last complete hour and fills a gap from the same hour a day earlier', () => {
    // hours 0..59 with value = hour, hour 30 missing: it takes hour 6's value
    const rows: [number, number][] = [];
    for (let h = 0; h < 60; h++) if (h !== 30) rows.push([T0 + h * H, h]);
    const s = hourlySeries(rows, T0 + 60 * H + 5_000)!;
    expect(s.start).toBe(T0);
    expect(s.values).toHaveLength(60);
    expect(s.values[30]).toBe(6);
    expect(s.values[59]).toBe(59);
  });
  it('fills an early gap from the hour before, and refuses under two days of known hours', () => {
    const rows: [number, number][] = [];
    for (let h = 0; h < 50; h++) if (h !== 3) rows.push([T0 + h * H, h]);
    expect(hourlySeries(rows, T0 + 50 * H)!.values[3]).toBe(2);
    expect(hourlySeries(rows.slice(0, 40), T0 + 50 * H)).toBeNull();
    expect(hourlySeries([], T0)).toBeNull();
  });
});

describe('forecastSeries', () => {
  it('forecasts a week of hours from the hour after the last, each inside its interval', () => {
    const values = Array.from({ length: 96 }, (_, h) => 50 + 10 * Math.sin((2 * Math.PI * h) / 24));
    const f = forecastSeries({ start: T0, values });
    expect(f.start).toBe(T0 + 96 * H);
    expect(f.points).toHaveLength(HORIZON_HOURS);
    expect(f.history_hours).toBe(96);
    expect(f.period).toBe(24);
    // an exact daily sine comes back exactly: hour 96 is the phase of hour 0, 50 + 10 sin 0 = 50
    expect(f.points[0]![0]).toBeCloseTo(50, 2);
    expect(f.points[6]![0]).toBeCloseTo(60, 2);
    for (const [v, lo, hi] of f.points) expect(lo <= v && v <= hi).toBe(true);
  });
});
