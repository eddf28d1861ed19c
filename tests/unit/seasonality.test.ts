// Daily and weekly patterns from hourly averages (worker/ai/seasonality.ts), on series whose answer is known.
import { describe, expect, it } from 'vitest';
import { autocorrelation, findSeasonality } from '../../worker/ai/seasonality';

const HOUR = 3_600_000;
const MONDAY = Date.UTC(2026, 0, 5);
const hours = (n: number, f: (h: number, i: number) => number) =>
  Array.from({ length: n }, (_, i) => ({ ts: MONDAY + i * HOUR, value: f((i % 24) as number, i) }));

describe('seasonality', () => {
  it('a daily sine peaking at 14:00: peak +20 %, low 02:00 −20 %, strength 6/7 over a week', () => {
    // 50 + 10 sin(2π (h − 8) / 24): 60 at 14:00, 40 at 02:00
    const s = findSeasonality(hours(168, (h) => 50 + 10 * Math.sin((2 * Math.PI * (h - 8)) / 24)));
    expect(s.daily).not.toBeNull();
    expect(s.daily!.peak_hour).toBe(14);
    expect(s.daily!.low_hour).toBe(2);
    expect(s.daily!.peak_pct).toBeCloseTo(20, 6);
    expect(s.daily!.low_pct).toBeCloseTo(-20, 6);
    // exactly periodic: every pair matches, 144 of the 168 hours have a partner a day later
    expect(s.daily!.strength).toBeCloseTo(144 / 168, 6);
    expect(s.weekly).toBeNull(); // a week is too short to say
    expect(s.summary).toBe('daily pattern, peak 14:00 UTC (+20 %), low 02:00');
  });

  it('quieter weekends over four weeks: −30 %, strength 3/4 at 168 h, and no daily pattern', () => {
    // Monday 00:00 start: days 5 and 6 of each week are Saturday and Sunday
    const s = findSeasonality(hours(24 * 28, (_h, i) => (Math.floor(i / 24) % 7 >= 5 ? 70 : 100)));
    expect(s.weekly).not.toBeNull();
    expect(s.weekly!.weekend_pct).toBeCloseTo(-30, 6);
    expect(s.weekly!.strength).toBeCloseTo(504 / 672, 6);
    expect(s.daily).toBeNull();
    expect(s.summary).toBe('weekly: weekends −30 %');
  });

  it('both at once, with a day missing', () => {
    const pts = hours(24 * 21, (h, i) => {
      const weekend = Math.floor(i / 24) % 7 >= 5;
      return (weekend ? 0.6 : 1) * (50 + 20 * Math.sin((2 * Math.PI * (h - 9)) / 24));
    }).filter((_, i) => Math.floor(i / 24) !== 10);
    const s = findSeasonality(pts);
    expect(s.daily?.peak_hour).toBe(15);
    expect(s.weekly?.weekend_pct).toBeCloseTo(-40, 0);
    expect(s.summary).toMatch(/^daily pattern, peak 15:00 UTC \(\+\d+ %\), low 03:00; weekly: weekends −40 %$/);
  });

  it('noise, a trend and short series have no pattern', () => {
    const noise = hours(24 * 14, (_h, i) => 50 + 10 * Math.sin(i * 12.9898) * Math.sin(i * 78.233));
    expect(findSeasonality(noise)).toMatchObject({ daily: null, weekly: null, summary: 'no daily or weekly pattern' });
    expect(findSeasonality(hours(40, (h) => h)).daily).toBeNull();
  });

  it('autocorrelation of a two-hour alternation: −1 at lag 1 over the pairs, +1 at lag 2', () => {
    const x = Float64Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1));
    // Σ pairs / Σ all = 99/100 and 98/100
    expect(autocorrelation(x, 1, 0)).toBeCloseTo(-0.99, 10);
    expect(autocorrelation(x, 2, 0)).toBeCloseTo(0.98, 10);
  });
});
