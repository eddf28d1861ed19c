// The streaming detector on a history of minutes (worker/ai/anomaly-detector.ts): a series sampled every second
// has its 150 warm-up samples within 2.5 minutes, and the range of those minutes is no envelope of the normal. A
// fan that wanders as its load does must not alarm as "new ground" there; a fan that stops must, at once.
import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, explain, newState, update, type DetectorState } from '../../worker/ai/anomaly-detector';

const STEP = 1_000; // 1-second samples, as the simulator's `--rate 1s`
const T0 = Date.UTC(2026, 0, 5, 10, 17, 3); // the first 20 minutes stay within one hour
const ALARM = DEFAULT_OPTIONS.alarmAt;

/** deterministic noise in [-1, 1] (no Math.random: the expected scores must not move between runs) */
const wobble = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 78.233) * 0.5;

/** a fan: 5,000 rpm, ±1.5 % of noise each second, and a slow swing of ±3 % over twenty minutes (its load), its
 *  first minutes near the middle of the swing */
const fan = (i: number) =>
  Math.round(5_000 * (1 + 0.03 * Math.sin((2 * Math.PI * (i - 75)) / 1_200)) * (1 + 0.015 * wobble(i)));

function feed(s: DetectorState, value: (i: number) => number, from: number, to: number) {
  const scores: number[] = [];
  for (let i = from; i < to; i++) scores.push(update(s, T0 + i * STEP, value(i)));
  return scores;
}

describe('a history of minutes (1-second samples)', () => {
  it('an ordinary fan past its warm-up raises no alarm, though it leaves the range of its first minutes', () => {
    const s = newState();
    const scores = feed(s, fan, 0, 1_200);
    // the slow swing carries the fan past everything its first 150 samples saw: new ground by the range alone
    const first = Array.from({ length: DEFAULT_OPTIONS.warmup }, (_, i) => fan(i));
    const later = Array.from({ length: 1_050 }, (_, i) => fan(i + 150));
    expect(Math.max(...later)).toBeGreaterThan(Math.max(...first) + 0.01 * 5_000);
    expect(Math.min(...later)).toBeLessThan(Math.min(...first) - 0.01 * 5_000);
    expect(scores.filter((x) => x >= ALARM)).toEqual([]);
  });

  it('a fan that stops alarms as new ground below the range within seconds', () => {
    const s = newState();
    const normal = feed(s, fan, 0, 200);
    expect(normal.filter((x) => x >= ALARM)).toEqual([]);
    // it slows over seconds to near zero, as the simulator's failing fan does
    const stop = (i: number) => (i < 200 ? fan(i) : Math.max(60, fan(i) * (1 - (i - 199) / 12)));
    const scores = feed(s, stop, 200, 230);
    const first = scores.findIndex((x) => x >= ALARM);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThanOrEqual(3);
    // the alarm's own sample: new ground below what was expected
    const s2 = newState();
    feed(s2, stop, 0, 200 + first + 1);
    const why = explain(s2);
    expect(why.score).toBeGreaterThanOrEqual(ALARM);
    expect(why.fired).toContain('new_ground');
    expect(stop(200 + first)).toBeLessThan(why.lower!);
  });

  it('once the history spans an hour, the range alone decides again: just past it is new ground', () => {
    const s = newState();
    // two hours of the fan: its swing has been seen many times over
    feed(s, fan, 0, 7_200);
    const hi = s.hi;
    const lastScores = feed(s, fan, 7_200, 7_300);
    expect(lastScores.filter((x) => x >= ALARM)).toEqual([]);
    // a step past the range by less than the noise margin that protected the young history still alarms now
    const past = hi + 0.002 * (s.hi - s.lo);
    const at = 7_300 + DEFAULT_OPTIONS.quietFor;
    const score = update(s, T0 + at * STEP, past);
    expect(score).toBeGreaterThanOrEqual(ALARM);
    expect(explain(s).fired).toContain('new_ground');
  });
});
