// Idle servers, power caps and what a saving is worth: every figure worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { dailyProfile, idleVerdict } from '../../worker/efficiency/idle';
import { capFor } from '../../worker/efficiency/capping';
import { facilityYearOf, yearOf, type Pricing } from '../../worker/efficiency/savings';

const WEEK = 168;
const flat = (rate: number) => ({
  name: 'grid',
  currency: 'EUR',
  energy_kind: 'flat' as const,
  rate_per_kwh: rate,
  bands: [],
  utc_offset_hours: 0,
});

describe('idle servers', () => {
  it('is idle when every hour of the week stayed under 5 %', () => {
    // 168 hours × 360 samples = 60 480 samples summing to 181 440: mean 3 %; busiest hour 4.9 %, one sample at 38 %
    const v = idleVerdict({ hours: WEEK, samples: 60_480, sum: 181_440, max_hourly: 4.9, peak: 38 }, WEEK);
    expect(v).toEqual({ verdict: 'idle', mean_pct: 3, max_hourly_pct: 4.9, peak_pct: 38 });
  });

  it('one hour at 5 % or more makes it busy, however few hours were measured', () => {
    expect(idleVerdict({ hours: WEEK, samples: 60_480, sum: 1000, max_hourly: 5, peak: 9 }, WEEK).verdict).toBe('busy');
    expect(idleVerdict({ hours: 3, samples: 1080, sum: 1000, max_hourly: 12, peak: 40 }, WEEK).verdict).toBe('busy');
  });

  it('says there is not enough data instead of guessing: 159 of 168 hours is under 95 %', () => {
    // 0.95 × 168 = 159.6 → needs 160 hours
    const v = idleVerdict({ hours: 159, samples: 57_240, sum: 100_000, max_hourly: 2, peak: 3 }, WEEK);
    expect(v.verdict).toBe('insufficient');
    expect(v.verdict === 'insufficient' && v.reason).toContain('159 of 168 hours (needs 160)');
    expect(idleVerdict({ hours: 160, samples: 57_600, sum: 100_000, max_hourly: 2, peak: 3 }, WEEK).verdict).toBe(
      'idle',
    );
    expect(idleVerdict(undefined, WEEK)).toMatchObject({
      verdict: 'insufficient',
      reason: 'no CPU data in the last 7 days',
    });
  });

  it('builds a daily profile from hourly means, filling unmeasured hours of the day with the mean', () => {
    // hour 0: two days summing 400 Wh → 200 W; hour 1: one day of 100 Wh → 100 W; the rest never measured:
    // the mean of what was, (400 + 100) / 3 hours = 166.67 W
    const wh = new Array(24).fill(0);
    const hours = new Array(24).fill(0);
    wh[0] = 400;
    hours[0] = 2;
    wh[1] = 100;
    hours[1] = 1;
    const p = dailyProfile(wh, hours)!;
    expect(p[0]).toBe(200);
    expect(p[1]).toBe(100);
    expect(p[2]).toBeCloseTo(166.667, 3);
    expect(dailyProfile(new Array(24).fill(0), new Array(24).fill(0))).toBeNull();
  });
});

describe('a year of a saving', () => {
  // a server drawing 100 W all day: 2.4 kWh a day × 365 = 876 kWh IT a year; × PUE 1.5 = 1314 kWh at the meter;
  // at 0.20 a kWh: 1314 × 0.20 = 262.80 a year
  const profile = new Array(24).fill(100);

  it('prices it with the tariff and the PUE, as the cost domain does', () => {
    const p: Pricing = { pue: 1.5, pue_basis: 'measured', tariff: flat(0.2) };
    expect(yearOf(profile, p)).toMatchObject({
      it_kwh_year: 876,
      facility_kwh_year: 1314,
      cost_year: 262.8,
      currency: 'EUR',
    });
  });

  it('shows kWh only without a tariff, and IT energy only without a PUE', () => {
    const s = yearOf(profile, { pue: null, pue_basis: 'none', tariff: null });
    expect(s).toMatchObject({ it_kwh_year: 876, facility_kwh_year: 876, cost_year: null, currency: null });
    expect(s.basis).toContain('needs a tariff');
    expect(s.basis).toContain('IT energy only');
  });

  it('time-of-use prices each hour by its band', () => {
    // 100 W: 0.1 kWh an hour × 1.5 = 0.15 kWh at the meter; 8 hours (0-8) at 0.10, 16 at 0.30:
    // 8 × 0.015 + 16 × 0.045 = 0.12 + 0.72 = 0.84 a day × 365 = 306.60
    const tou = {
      ...flat(0.3),
      energy_kind: 'time_of_use' as const,
      bands: [{ from_hour: 0, to_hour: 8, rate_per_kwh: 0.1 }],
    };
    expect(yearOf(profile, { pue: 1.5, pue_basis: 'measured', tariff: tou }).cost_year).toBe(306.6);
  });

  it('facility-side power takes no PUE on top', () => {
    // 50 kW of overhead × 4 % = 2 kW × 8760 h = 17 520 kWh a year; × 0.20 = 3504
    expect(facilityYearOf(50, 0.04, { pue: 1.4, pue_basis: 'measured', tariff: flat(0.2) })).toEqual({
      kwh_year: 17_520,
      cost_year: 3504,
    });
  });
});

describe('power caps', () => {
  const w = (peak: number) => ({ hours: WEEK, samples: 60_480, peak_w: peak, p95_w: peak * 0.9 });

  it('caps at the peak + 10 %, rounded up to 10 W, and gives the rest of the nameplate back', () => {
    // 412 × 1.1 = 453.2 → 460 W; 750 − 460 = 290 W freed; 412 / 750 = 54.9 %
    expect(capFor(750, w(412))).toEqual({ cap_w: 460, freed_w: 290, peak_pct_of_nameplate: 54.9 });
  });

  it('suggests nothing when the cap would free under 20 % of the nameplate', () => {
    // 550 × 1.1 = 605 → 610 W > 0.8 × 750 = 600 W
    expect(capFor(750, w(550))).toBeNull();
    // 545 × 1.1 = 599.5 → 600 W: exactly 20 % freed, still worth it
    expect(capFor(750, w(545))).toMatchObject({ cap_w: 600, freed_w: 150 });
    expect(capFor(0, w(300))).toBeNull();
    expect(capFor(750, w(0))).toBeNull();
  });
});
