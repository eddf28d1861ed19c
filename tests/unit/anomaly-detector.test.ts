// The streaming detector alone (worker/ai/anomaly-detector.ts): its math against hand-checked values, and its
// behaviour on scripted series where the right answer is plain: new ground, a nightly job it learns to expect, a
// level shift that stays, gaps, and a state that survives a JSON round trip (the rack object's storage) unchanged.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OPTIONS,
  explain,
  logScore,
  newState,
  normalTail,
  STATE_VERSION,
  update,
  type DetectorState,
} from '../../worker/ai/anomaly-detector';

const STEP = 5 * 60_000; // 5-minute samples, as NAB's data-centre series
const T0 = Date.UTC(2026, 0, 5); // a Monday, 00:00 UTC

/** a deterministic wobble in [-1, 1] (no Math.random: the expected scores must not move between runs) */
const wobble = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 78.233) * 0.5;

function feed(s: DetectorState, values: number[], from = 0) {
  return values.map((v, i) => update(s, T0 + (from + i) * STEP, v));
}

describe('math', () => {
  it('normalTail is the standard normal upper tail', () => {
    expect(normalTail(0)).toBeCloseTo(0.5, 7);
    expect(normalTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalTail(-1.959964)).toBeCloseTo(0.975, 6);
    expect(normalTail(3)).toBeCloseTo(0.0013499, 6);
    expect(normalTail(4.264891)).toBeCloseTo(1e-5, 6);
  });

  it("logScore is HTM's log scale: 0.99999 → 0.5, 0.9 → 0.1, certainty → 1", () => {
    // log(1.0000000001 - 0.99999) / -23.02585 = log(1.00001e-5) / -23.02585 = 0.4999996
    expect(logScore(0.99999)).toBeCloseTo(0.5, 5);
    // log(0.1000000001) / -23.02585 = 0.1
    expect(logScore(0.9)).toBeCloseTo(0.1, 6);
    expect(logScore(1)).toBe(1);
    expect(logScore(0)).toBe(0);
  });
});

describe('scores', () => {
  it('stay 0 through the warm-up, then low on an ordinary noisy series', () => {
    const s = newState();
    const values = Array.from({ length: 2000 }, (_, i) => 50 + 5 * wobble(i));
    const scores = feed(s, values);
    expect(scores.slice(0, DEFAULT_OPTIONS.warmup).every((x) => x === 0)).toBe(true);
    const high = scores.filter((x) => x >= DEFAULT_OPTIONS.alarmAt);
    expect(high.length).toBeLessThanOrEqual(3);
    expect(scores.every((x) => x >= 0 && x <= 1)).toBe(true);
  });

  it('new ground scores by how far beyond the range: a tenth of it beyond scores 1', () => {
    const s = newState();
    feed(
      s,
      Array.from({ length: 500 }, (_, i) => 40 + 10 * wobble(i)),
    );
    const range = s.hi - s.lo;
    // 5 % of the range beyond the highest: 0.5 + 0.5 × 0.05 / 0.1 = 0.75
    const score = update(s, T0 + 500 * STEP, s.hi + 0.05 * range);
    expect(score).toBeCloseTo(0.75, 6);
    expect(explain(s).fired).toContain('new_ground');
    // then quiet for a while: one event, one alarm; unless the next step is far beyond again (a quarter of the
    // range or more), which is an event of its own
    const range2 = s.hi - s.lo;
    expect(update(s, T0 + 501 * STEP, s.hi + 0.05 * range2)).toBe(DEFAULT_OPTIONS.alarmAt * 0.99);
    const range3 = s.hi - s.lo;
    expect(update(s, T0 + 502 * STEP, s.hi + 0.5 * range3)).toBe(1);
  });

  it('learns a nightly job: its spike at 02:00 alarms the first nights only, not the later ones', () => {
    const s = newState();
    const nightly = (i: number) => (new Date(T0 + i * STEP).getUTCHours() === 2 && i % 12 === 3 ? 1.5 : 0);
    const values = Array.from({ length: 288 * 10 }, (_, i) => 0.1 + 0.01 * wobble(i) + nightly(i));
    const scores = feed(s, values);
    const spikeScores = values.flatMap((v, i) => (v > 1 ? [scores[i]!] : []));
    expect(spikeScores).toHaveLength(10);
    // from the fifth night on, the daily band of 02:00 expects it
    expect(spikeScores.slice(4).every((x) => x < DEFAULT_OPTIONS.alarmAt)).toBe(true);
    // while the same spike at noon is surprising (the noon band never reached it)
    const noon = update(s, T0 + (288 * 10 + 144) * STEP, 1.5);
    expect(noon).toBeGreaterThanOrEqual(DEFAULT_OPTIONS.alarmAt);
  });

  it('a level shift that stays within the range alarms, and names the level and the expected band', () => {
    const s = newState();
    // the range is set early by one peak at 100; the series then lives around 20 until it moves to 45
    const values = Array.from({ length: 1500 }, (_, i) => (i === 10 ? 100 : 20 + wobble(i)));
    feed(s, values);
    const shifted = Array.from({ length: 60 }, (_, i) => 45 + wobble(1500 + i));
    const scores = feed(s, shifted, 1500);
    const first = scores.findIndex((x) => x >= DEFAULT_OPTIONS.alarmAt);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(20);
    // replay to the alarm to read its explanation
    const r = newState();
    feed(r, values);
    feed(r, shifted.slice(0, first + 1), 1500);
    const why = explain(r);
    expect(why.score).toBe(scores[first]);
    expect(why.fired.some((c) => c === 'level' || c === 'last' || c === 'average')).toBe(true);
    expect(why.upper).not.toBeNull();
    expect(why.upper!).toBeLessThan(45);
  });

  it("a shift that stays under a busy hour's peaks alarms through the drift, which the seasonal bands cannot see", () => {
    // an hourly job peaks at 2.1 over a 1.8 baseline, so every hour's band spans 1.8–2.1; then the baseline moves
    // to 1.95 (still under the peaks, three noise deviations up) and stays there
    let seed = 3;
    const noise = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const at = 2000;
    const values = Array.from(
      { length: at + 30 },
      (_, i) => 1.8 + 0.1 * (noise() + noise() + noise() - 1.5) + (i % 12 === 5 ? 0.3 : 0) + (i >= at ? 0.15 : 0),
    );
    const s = newState();
    const scores = feed(s, values);
    const first = scores.findIndex((x, i) => i >= at && x >= DEFAULT_OPTIONS.alarmAt);
    expect(first - at).toBeGreaterThanOrEqual(0);
    expect(first - at).toBeLessThan(10);
    const r = newState();
    feed(r, values.slice(0, first + 1));
    expect(explain(r).fired).toContain('level');
  });

  it('a state saved by version 1 (before the drift) is upgraded in place and scores on', () => {
    const values = Array.from({ length: 1200 }, (_, i) => 30 + 8 * wobble(i));
    const s = newState();
    feed(s, values.slice(0, 1000));
    // what a version-1 checkpoint held: this state without the drift's fields
    const { up: _u, down: _d, dn: _n, dMean: _m, dVar: _v, ...rest } = JSON.parse(JSON.stringify(s));
    const old = { ...rest, v: 1 } as unknown as DetectorState;
    const scores = feed(old, values.slice(1000), 1000);
    expect(old.v).toBe(STATE_VERSION);
    expect(scores.every((x) => x >= 0 && x <= 1)).toBe(true);
    // the drift starts afresh, as for a new series; nothing else was lost
    expect(old.dn).toBe(200);
    expect(old.n).toBe(1200);
    expect(Number.isFinite(old.dMean) && Number.isFinite(old.dVar)).toBe(true);
  });

  it('skips values that are not numbers without learning from them', () => {
    const s = newState();
    feed(
      s,
      Array.from({ length: 300 }, (_, i) => 10 + wobble(i)),
    );
    const before = JSON.stringify(s);
    expect(update(s, T0 + 300 * STEP, Number.NaN)).toBe(0);
    expect(update(s, T0 + 301 * STEP, Number.POSITIVE_INFINITY)).toBe(0);
    const { x: _a, ...restBefore } = JSON.parse(before);
    const { x: _b, ...restAfter } = JSON.parse(JSON.stringify(s));
    expect(restAfter).toEqual(restBefore);
  });

  it('a state restored from JSON (the rack object after eviction) scores exactly as the one kept in memory', () => {
    const values = Array.from({ length: 3000 }, (_, i) => 30 + 8 * wobble(i) + (i > 2500 ? 25 : 0));
    for (const at of [40, 400, 1800]) {
      // early (before the seasonal bands can predict) and late
      const kept = newState();
      const a = feed(kept, values.slice(0, at));
      const restored = JSON.parse(JSON.stringify(kept)) as DetectorState;
      const b = feed(kept, values.slice(at), at);
      const c = feed(restored, values.slice(at), at);
      expect(c).toEqual(b);
      expect(a.length + b.length).toBe(3000);
    }
    const b = feed(newState(), values);
    expect(Math.max(...b)).toBeGreaterThanOrEqual(DEFAULT_OPTIONS.alarmAt);
  });
});
