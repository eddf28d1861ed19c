// Inventory growth forecasting (worker/ai/growth.ts) and the capacity projection built on it
// (worker/analytics/capacity-forecast.ts), on series whose answers can be worked out by hand.
import { describe, expect, it } from 'vitest';
import { growthForecast } from '../../worker/ai/growth';
import {
  crossing,
  exhaustion,
  monthKeys,
  projectCapacity,
  racksFor,
  type Capacity,
  type MonthlyHistory,
} from '../../worker/analytics/capacity-forecast';

const line = (n: number, start: number, step: number) => Array.from({ length: n }, (_, i) => start + step * i);

describe('growthForecast', () => {
  it('carries a steady growth on exactly, with no interval to speak of', () => {
    // 10, 12, …, 56: every drift and trend method forecasts 58, 60, 62 without error; drift over 6 months is
    // the first of them in the list, and assuming no growth is off by 2, 4, … at each lead
    const f = growthForecast(line(24, 10, 2), 3);
    expect(f.method).toBe('drift');
    expect(f.points.map((p) => p.forecast)).toEqual([58, 60, 62]);
    expect(f.points.map((p) => [p.lower, p.upper])).toEqual([
      [58, 58],
      [60, 60],
      [62, 62],
    ]);
    expect(f.backtest.flat).toBe(1);
    expect(f.backtest.drift).toBe(0);
    expect(f.history_months).toBe(24);
  });

  it('keeps a flat inventory flat', () => {
    const f = growthForecast(Array(20).fill(40), 4);
    expect(f.method).toBe('flat');
    expect(f.points.every((p) => p.forecast === 40 && p.lower === 40 && p.upper === 40)).toBe(true);
  });

  it('with too short a history to backtest, carries its mean change on with a normal interval', () => {
    // changes 2 and 4: mean 3, sd √2; 90 % half-width 1.645 × √2 × √lead
    const f = growthForecast([10, 12, 16], 2);
    expect(f.method).toBe('drift');
    expect(f.points[0]!.forecast).toBe(19);
    expect(f.points[1]!.forecast).toBe(22);
    expect(f.points[0]!.upper - f.points[0]!.forecast).toBeCloseTo(1.645 * Math.SQRT2, 9);
    expect(f.points[1]!.upper - f.points[1]!.forecast).toBeCloseTo(1.645 * Math.SQRT2 * Math.SQRT2, 9);
    expect(f.backtest).toEqual({});
  });

  it('gives an interval that widens with the lead on a noisy history, and never goes below zero', () => {
    const y = line(30, 5, 1).map((v, i) => v + (i % 3 === 0 ? 3 : i % 3 === 1 ? -2 : 0));
    const f = growthForecast(y, 12);
    const widths = f.points.map((p) => p.upper - p.lower);
    expect(widths[0]).toBeGreaterThan(0);
    for (let i = 1; i < widths.length; i++) expect(widths[i]).toBeGreaterThanOrEqual(widths[i - 1]!);
    f.points.forEach((p) => expect(p.lower <= p.forecast && p.forecast <= p.upper && p.lower >= 0).toBe(true));
    expect(growthForecast([3, 2, 1, 0, 0, 0, 0, 0], 3).points.every((p) => p.lower >= 0)).toBe(true);
  });
});

const cap: Capacity = { racks: 10, total_u: 420, rack_power_kw: 100, cooling_kw: 120, vcpu_capacity: 0 };

describe('racksFor', () => {
  it('takes whichever of space and power needs more racks, with the headroom kept free', () => {
    // 300 U in racks of 42 U at 85 %: 300 / 35.7 = 8.4 → 9; 80 kW in racks of 10 kW at 85 %: 80 / 8.5 = 9.4 → 10
    expect(racksFor(300, 80, cap, 0.15)).toBe(10);
    expect(racksFor(300, 10, cap, 0.15)).toBe(9);
    // exactly full needs no extra rack: 357 U = 10 racks × 35.7
    expect(racksFor(357, 0, cap, 0.15)).toBe(10);
    // no racks yet: the spec's standard rack, 42 U and 10 kW
    expect(racksFor(42, 0, { ...cap, racks: 0 }, 0)).toBe(1);
  });
});

describe('monthKeys and crossing', () => {
  it('names months across a year end', () => {
    expect(monthKeys(new Date('2026-12-07T00:00:00Z'), 3)).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(monthKeys(new Date('2026-12-07T00:00:00Z'), 2, 2)).toEqual(['2027-01', '2027-02']);
  });
  it('finds when a path first reaches a limit, within the month', () => {
    expect(crossing(10, [12, 14, 16], 15)).toBe(2.5);
    expect(crossing(10, [12, 14, 16], 17)).toBeNull();
    expect(crossing(10, [10, 20], 10)).toBe(1);
  });
});

const history = (u: number[], kw: number[]): MonthlyHistory => ({
  months: monthKeys(new Date('2026-12-07T00:00:00Z'), u.length),
  servers: u.map((x) => x / 2),
  u_used: u,
  power_kw: kw,
  vcpus: u.map(() => 0),
});

describe('projectCapacity', () => {
  it('projects each month with the racks it takes, and the racks beyond those installed', () => {
    // U grows 2 a month to 146, power 0.5 kW a month to 71.5: in 6 months 158 U and 74.5 kW
    const p = projectCapacity(history(line(24, 100, 2), line(24, 60, 0.5)), cap, 6, 0.15);
    expect(p.months.map((m) => m.month)).toEqual(['2027-01', '2027-02', '2027-03', '2027-04', '2027-05', '2027-06']);
    const last = p.months[5]!;
    expect(last).toMatchObject({ servers: 79, u_used: 158, power_kw: 74.5, cooling_kw: 74.5 });
    // 158 / 35.7 = 4.4 → 5 racks by space; 74.5 / 8.5 = 8.8 → 9 by power
    expect(last.racks_needed).toBe(9);
    expect(last.racks_to_add).toBe(0);
    expect(last.lower.racks_needed).toBe(9);
  });
});

describe('exhaustion', () => {
  it('dates when space runs out, and says when a resource is not recorded or not within the horizon', () => {
    const now = new Date('2026-12-07T00:00:00Z');
    // usable space 200 × 0.85 = 170 U; used 146, growing 2 a month: reached after exactly 12 months
    const rows = exhaustion(
      history(line(24, 100, 2), Array(24).fill(10)),
      { ...cap, total_u: 200 },
      {
        now,
        horizon: 24,
        headroom: 0.15,
      },
    );
    const space = rows.find((r) => r.resource === 'space')!;
    const date = new Date(now.getTime() + 12 * 30.4375 * 86_400_000).toISOString().slice(0, 10);
    expect(space).toMatchObject({ status: 'runs_out', usable: 170, used: 146, date, earliest: date, latest: date });
    expect(rows.find((r) => r.resource === 'power')).toMatchObject({ status: 'not_within_horizon', date: null });
    expect(rows.find((r) => r.resource === 'compute')).toMatchObject({ status: 'no_capacity', capacity: null });
  });
  it('says a resource already past its usable capacity is exhausted', () => {
    const rows = exhaustion(
      history(Array(6).fill(190), Array(6).fill(10)),
      { ...cap, total_u: 200 },
      {
        now: new Date('2026-12-07T00:00:00Z'),
        horizon: 24,
        headroom: 0.15,
      },
    );
    expect(rows[0]).toMatchObject({ resource: 'space', status: 'exhausted', date: '2026-12-07' });
  });
});
