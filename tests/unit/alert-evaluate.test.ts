import { describe, expect, it } from 'vitest';
import {
  SlidingWindow,
  clearThresholdProblem,
  initialPhase,
  renderMessage,
  step,
  type MetricCondition,
  type Transition,
} from '../../worker/alerting/evaluate';

const S = 1000;
const cond = (over: Partial<MetricCondition> = {}): MetricCondition => ({
  aggregate: 'last',
  window_s: 0,
  comparison: '>',
  threshold: 27,
  clear_threshold: null,
  for_s: 0,
  keep_firing_for_s: 0,
  ...over,
});

/** Feed (seconds, value) pairs through a window and the state machine; the transitions, at their seconds. */
function run(c: MetricCondition, points: [number, number][]): string[] {
  const w = new SlidingWindow(c.window_s * S);
  const state = initialPhase();
  const out: string[] = [];
  for (const [t, v] of points) {
    w.add(t * S, v);
    const tr: Transition | null = step(c, state, t * S, w.value(c.aggregate));
    if (tr) out.push(`${tr.to}@${tr.ts / S}=${tr.value}`);
  }
  return out;
}

describe('SlidingWindow', () => {
  it('averages, and tracks min and max, over the last window only', () => {
    const w = new SlidingWindow(30 * S);
    // 10 s samples: 20, 26, 23, 29, 21
    const vals = [20, 26, 23, 29, 21];
    vals.forEach((v, i) => w.add(i * 10 * S, v));
    // at t=40 the window (10, 40] holds the samples at 20, 30 and 40 s: those at or before now - window leave
    expect(w.size).toBe(3);
    expect(w.value('avg')).toBeCloseTo((23 + 29 + 21) / 3, 10);
    expect(w.value('min')).toBe(21);
    expect(w.value('max')).toBe(29);
    expect(w.value('last')).toBe(21);
  });

  it('keeps min and max right when the extreme leaves the window', () => {
    const w = new SlidingWindow(20 * S);
    w.add(0, 50); // max
    w.add(10 * S, 10); // min
    w.add(20 * S, 30);
    expect(w.value('max')).toBe(30); // 50 at t=0 left (0 <= 20-20)
    w.add(30 * S, 40);
    expect(w.value('min')).toBe(30); // 10 at t=10 left
    expect(w.value('max')).toBe(40);
  });

  it('ignores a sample older than the newest and stays bounded over a long run', () => {
    const w = new SlidingWindow(60 * S);
    for (let t = 0; t < 10_000; t++) w.add(t * S, t % 7);
    expect(w.add(5 * S, 100)).toBe(false);
    expect(w.size).toBe(60);
    // t = 9940..9999; their t % 7 values average to (sum over those 60)/60
    let sum = 0;
    for (let t = 9940; t < 10_000; t++) sum += t % 7;
    expect(w.value('avg')).toBeCloseTo(sum / 60, 10);
    expect(w.value('max')).toBe(6);
    expect(w.value('min')).toBe(0);
  });

  it('an empty window has no value', () => {
    expect(new SlidingWindow(S).value('avg')).toBeNaN();
  });
});

describe('step: for, keep_firing_for, hysteresis', () => {
  it('fires at once without a for duration, and resolves when the value drops', () => {
    expect(
      run(cond(), [
        [0, 25],
        [10, 28],
        [20, 29],
        [30, 26],
      ]),
    ).toEqual(['firing@10=28', 'resolved@30=26']);
  });

  it('stays pending until the condition held at every evaluation for the whole for duration', () => {
    const c = cond({ for_s: 30 });
    // holds at 10, 20, 30; breaks at 40 (back to inactive, nothing announced); holds again from 50: fires at 80
    expect(
      run(c, [
        [0, 20],
        [10, 28],
        [20, 28],
        [30, 28],
        [40, 26],
        [50, 28],
        [60, 28],
        [70, 28],
        [80, 28],
      ]),
    ).toEqual(['firing@80=28']);
  });

  it('hysteresis: a value oscillating between the clear and fire thresholds does not flap', () => {
    const c = cond({ threshold: 27, clear_threshold: 25 });
    const points: [number, number][] = [[0, 28]];
    for (let i = 1; i <= 20; i++) points.push([i * 10, i % 2 ? 26 : 27.5]);
    points.push([210, 24.9]);
    expect(run(c, points)).toEqual(['firing@0=28', 'resolved@210=24.9']);
    // the same series without hysteresis flaps on every crossing
    expect(run(cond({ threshold: 27 }), points).length).toBe(22);
  });

  it('keep_firing_for holds a firing alert through a short dip', () => {
    const c = cond({ keep_firing_for_s: 30 });
    expect(
      run(c, [
        [0, 30],
        [10, 20], // dip: 10 s since last active
        [20, 31], // active again
        [30, 20],
        [40, 20],
        [50, 20], // 30 s since last active (20): resolves
      ]),
    ).toEqual(['firing@0=30', 'resolved@50=20']);
  });

  it('evaluates the window aggregate, not the raw sample', () => {
    // avg over 30 s > 27: one 40 °C spike among 22s does not fire; a sustained rise does
    const c = cond({ aggregate: 'avg', window_s: 30 });
    expect(
      run(c, [
        [0, 22],
        [10, 22],
        [20, 40], // window (-10, 20]: avg (22+22+40)/3 = 28 -> fires
      ]),
    ).toEqual(['firing@20=28']);
    expect(
      run(c, [
        [0, 22],
        [10, 22],
        [20, 22],
        [30, 40], // window (0, 30]: 22, 22, 40 -> avg 28 -> fires
        [40, 22], // (10, 40]: 22, 40, 22 -> 28 still
        [50, 22], // (20, 50]: 40, 22, 22 -> 28 still
        [60, 22], // (30, 60]: 40 at t=30 left -> 22 -> resolved
      ]),
    ).toEqual(['firing@30=28', 'resolved@60=22']);
  });

  it('works for "below" rules (low inlet temperature)', () => {
    const c = cond({ comparison: '<', threshold: 18, clear_threshold: 19 });
    expect(
      run(c, [
        [0, 19],
        [10, 17.5],
        [20, 18.5], // below 19: still active
        [30, 19.5],
      ]),
    ).toEqual(['firing@10=17.5', 'resolved@30=19.5']);
  });
});

describe('rule checks and messages', () => {
  it('refuses a clear threshold on the wrong side', () => {
    expect(clearThresholdProblem({ comparison: '>', threshold: 27, clear_threshold: 25 })).toBeNull();
    expect(clearThresholdProblem({ comparison: '>', threshold: 27, clear_threshold: 29 })).toMatch(/at or below/);
    expect(clearThresholdProblem({ comparison: '<', threshold: 18, clear_threshold: 17 })).toMatch(/at or above/);
    expect(clearThresholdProblem({ comparison: '<', threshold: 18, clear_threshold: null })).toBeNull();
  });

  it('renders templates, rounding numbers and leaving unknown names visible', () => {
    expect(
      renderMessage('{{device}} inlet {{value}} °C > {{threshold}} ({{typo}})', {
        device: 'srv-01',
        value: 28.456,
        threshold: 27,
      }),
    ).toBe('srv-01 inlet 28.46 °C > 27 ({{typo}})');
  });
});

describe('SlidingWindow keeping one aggregate', () => {
  it('answers exactly as the full window for the aggregate it keeps', () => {
    const series = [5, 3, 8, 8, 1, 9, 4, 4, 7, 2, 6].map((v, i) => [1_000 + i * 10_000, v] as const);
    for (const agg of ['last', 'avg', 'min', 'max'] as const) {
      for (const span of [0, 30_000, 60_000]) {
        const full = new SlidingWindow(span);
        const lean = new SlidingWindow(span, agg);
        for (const [t, v] of series) {
          expect(lean.add(t, v)).toBe(full.add(t, v));
          expect(lean.value(agg)).toBe(full.value(agg));
        }
        // a late sample is refused by both
        expect(lean.add(0, 100)).toBe(false);
      }
    }
    // hand-checked: the last 30 s (4 samples at 10 s spacing, the oldest at exactly -30 s dropped) of the tail 4, 7, 2, 6
    const w = new SlidingWindow(30_000, 'avg');
    for (const [t, v] of series) w.add(t, v);
    expect(w.value('avg')).toBe((7 + 2 + 6) / 3);
  });
});
