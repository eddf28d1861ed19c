// Inlets against ASHRAE A1 (18–27 °C), the room's spread, the setpoint and PUE's drivers, figured by hand.
import { describe, expect, it } from 'vitest';
import { rackInlet, raiseShare, roomSpread, setpointRaise, SETPOINT_RULE } from '../../worker/efficiency/cooling';
import { dailyPue, driversOf, excessOverKw, periodOf } from '../../worker/efficiency/pue-trend';

const H = 3_600_000;
const hours = (...means: number[]) => means.map((mean, i) => ({ ts: i * H, mean, max: mean + 0.5, count: 360 }));

describe('rack inlets', () => {
  it('a rack with one hour above 27 °C is a hot spot', () => {
    // means 26, 27.5, 28: mean (26 + 27.5 + 28) / 3 = 27.17; two hours above; latest 28; peak sample 28.5
    expect(rackInlet(hours(26, 27.5, 28))).toEqual({
      status: 'hot',
      hours: 3,
      samples: 1080,
      mean_c: 27.17,
      min_c: 26,
      max_c: 28,
      latest_c: 28,
      peak_c: 28.5,
      hours_above: 2,
      hours_below: 0,
    });
  });

  it('27 °C itself is inside the envelope; a rack that never reached 18 °C is overcooled', () => {
    expect(rackInlet(hours(25, 27)).status).toBe('ok');
    expect(rackInlet(hours(16.5, 17.9))).toMatchObject({ status: 'overcooled', hours_below: 2 });
    expect(rackInlet(hours(17, 18.2))).toMatchObject({ status: 'ok', hours_below: 1 });
    expect(rackInlet([])).toMatchObject({ status: 'no_data', mean_c: null, samples: 0 });
  });

  it('weights the mean by samples', () => {
    // 20 °C × 100 samples + 26 °C × 300 samples = 9800 / 400 = 24.5
    const r = rackInlet([
      { ts: 0, mean: 20, max: 20, count: 100 },
      { ts: H, mean: 26, max: 26, count: 300 },
    ]);
    expect(r.mean_c).toBe(24.5);
  });
});

describe('the room', () => {
  it('names the coldest and hottest rack and flags a spread over 5 °C', () => {
    const racks = [
      { rack_id: 1, rack: 'A01', mean_c: 19.5 },
      { rack_id: 2, rack: 'A02', mean_c: 22 },
      { rack_id: 3, rack: 'A03', mean_c: 25.1 },
      { rack_id: 4, rack: 'A04', mean_c: null },
    ];
    // 25.1 − 19.5 = 5.6 °C > 5
    expect(roomSpread(racks)).toEqual({
      coldest: { rack_id: 1, rack: 'A01', mean_c: 19.5 },
      hottest: { rack_id: 3, rack: 'A03', mean_c: 25.1 },
      spread_c: 5.6,
      imbalanced: true,
    });
    expect(roomSpread(racks.slice(1)).imbalanced).toBe(false);
    expect(roomSpread(racks.slice(3)).spread_c).toBeNull();
  });
});

describe('the setpoint', () => {
  it('rises in half degrees while the hottest hour stays 1 °C under 27 °C', () => {
    // hottest 24.3: headroom 2.7, less the 1 °C margin = 1.7 → 1.5 °C
    expect(setpointRaise(24.3)).toEqual({ headroom_c: 2.7, raise_c: 1.5 });
    // 25.5: headroom 1.5 − 1 = 0.5 → 0.5 °C
    expect(setpointRaise(25.5)).toEqual({ headroom_c: 1.5, raise_c: 0.5 });
    // 26.2: 0.8 of headroom is inside the margin; 28: a hot spot, no raise
    expect(setpointRaise(26.2).raise_c).toBe(0);
    expect(setpointRaise(28)).toEqual({ headroom_c: -1, raise_c: 0 });
  });

  it('saves 4 % of cooling energy per °C, 2–5 % as the range, and cites where that comes from', () => {
    // 1.5 °C: 3 %, 6 %, 7.5 %
    const s = raiseShare(1.5);
    expect(s.low).toBeCloseTo(0.03, 10);
    expect(s.central).toBeCloseTo(0.06, 10);
    expect(s.high).toBeCloseTo(0.075, 10);
    expect(SETPOINT_RULE.text).toContain('4 %');
    expect(SETPOINT_RULE.sources.some((x) => x.url?.startsWith('https://www.energystar.gov/'))).toBe(true);
  });
});

describe('PUE trend and drivers', () => {
  // week 1: IT 100 kW, facility 150 kW (overhead 50, PUE 1.5); week 2: IT 80 kW, facility 130 kW (overhead 50,
  // PUE 1.625). ΔPUE = 0.125; overhead unchanged → overhead effect 0; IT effect (1/80 − 1/100) × 50 = 0.125.
  const week = (start: number, it: number, facility: number) =>
    Array.from({ length: 168 }, (_, i) => ({ ts: start + i * H, it_kw: it, facility_kw: facility }));
  const all = [...week(0, 100, 150), ...week(168 * H, 80, 130)];

  it('is energy-weighted per period and per day', () => {
    const p = periodOf(all, 0, 168 * H)!;
    expect(p).toMatchObject({ hours: 168, pue: 1.5, it_kw: 100, facility_kw: 150, overhead_kw: 50 });
    // the whole fortnight: (168 × 150 + 168 × 130) / (168 × 100 + 168 × 80) = 280 / 180 = 1.556
    expect(periodOf(all, 0, 336 * H)!.pue).toBe(1.556);
    const days = dailyPue(all);
    expect(days).toHaveLength(14);
    expect(days[0]).toMatchObject({ hours: 24, pue: 1.5 });
    expect(days[13]).toMatchObject({ hours: 24, pue: 1.625 });
  });

  it('blames a shrinking IT load when the overhead held', () => {
    const d = driversOf(periodOf(all, 0, 168 * H)!, periodOf(all, 168 * H, 336 * H)!);
    expect(d).toMatchObject({ delta_pue: 0.125, overhead_effect: 0, it_effect: 0.125, main_driver: 'it_load' });
    expect(d.text).toContain('less IT power');
  });

  it('blames the overhead when it grew on the same IT load, and the parts always add up', () => {
    // IT 100 both weeks, overhead 40 → 52: ΔPUE = 0.12, all of it overhead
    const a = periodOf(week(0, 100, 140), 0, 168 * H)!;
    const b = periodOf(week(0, 100, 152), 0, 168 * H)!;
    expect(driversOf(a, b)).toMatchObject({
      delta_pue: 0.12,
      overhead_effect: 0.12,
      it_effect: 0,
      main_driver: 'overhead',
    });
    // both change: IT 100 → 80, overhead 40 → 44: PUE 1.4 → 1.55, Δ 0.15
    //   overhead effect = 4 × (1/100 + 1/80) / 2 = 4 × 0.01125 = 0.045
    //   IT effect       = (1/80 − 1/100) × (40 + 44) / 2 = 0.0025 × 42 = 0.105;  0.045 + 0.105 = 0.15
    const c = periodOf(week(0, 80, 124), 0, 168 * H)!;
    expect(driversOf(a, c)).toMatchObject({ delta_pue: 0.15, overhead_effect: 0.045, it_effect: 0.105 });
  });

  it('prices the overhead above the design target', () => {
    // IT 100 kW at PUE 1.5 against a 1.4 target: 150 − 140 = 10 kW too much; at or under target: 0; no target: null
    const p = periodOf(week(0, 100, 150), 0, 168 * H)!;
    expect(excessOverKw(p, 1.4)).toBe(10);
    expect(excessOverKw(p, 1.6)).toBe(0);
    expect(excessOverKw(p, null)).toBeNull();
  });
});
