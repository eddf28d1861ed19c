/**
 * Streaming evaluation of one metric rule on one series, one sample at a time (the rack object calls it for each
 * accepted sample). Prometheus semantics where they apply: the condition must hold at every evaluation for
 * `for_s` before the alert fires (pending until then), and a firing alert keeps firing for `keep_firing_for_s`
 * after the condition stops holding. Hysteresis on top: once firing, the alert stays active until the aggregate
 * crosses `clear_threshold` (for `>`, a value below the firing threshold), so a value wobbling around the
 * threshold does not flap. No I/O here: the caller keeps the state and persists what it must.
 */

export const COMPARISONS = ['>', '>=', '<', '<='] as const;
export type Comparison = (typeof COMPARISONS)[number];
export const AGGREGATES = ['last', 'avg', 'min', 'max'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export interface MetricCondition {
  aggregate: Aggregate;
  /** the aggregate's window, seconds (ignored for `last`) */
  window_s: number;
  comparison: Comparison;
  threshold: number;
  /** once firing, stays firing while the aggregate still compares true against this (null: the threshold) */
  clear_threshold: number | null;
  for_s: number;
  keep_firing_for_s: number;
}

export type Phase = 'inactive' | 'pending' | 'firing';

/** What must survive an eviction of the object (the window is rebuilt from the raw ring). */
export interface PhaseState {
  phase: Phase;
  /** pending: when the condition started holding; firing: when the alert fired */
  since: number;
  /** firing: the last evaluation at which it was still active */
  active_at: number;
}

export interface Transition {
  to: 'firing' | 'resolved';
  ts: number;
  /** the aggregate at the transition */
  value: number;
}

export const compare = (c: Comparison, a: number, b: number): boolean =>
  c === '>' ? a > b : c === '>=' ? a >= b : c === '<' ? a < b : a <= b;

/**
 * The aggregate of the samples in the last `window` ms, in O(1) amortized per sample: a running sum for the
 * average and monotonic deques for min and max. Samples must arrive in time order (older ones are ignored).
 */
export class SlidingWindow {
  // `last` over no window needs only the newest sample: the common case pays for nothing else
  private lastOnly: boolean;
  private lastTs = -Infinity;
  private lastV = NaN;
  private keepMin: boolean;
  private keepMax: boolean;
  private ts: number[] = [];
  private vs: number[] = [];
  private head = 0;
  private sum = 0;
  // indexes into ts/vs, values increasing (min) or decreasing (max) from the front
  private minQ: number[] = [];
  private maxQ: number[] = [];
  private minHead = 0;
  private maxHead = 0;

  /** `only`: the one aggregate that will be asked for (the others are then not kept); default all of them */
  constructor(
    private readonly windowMs: number,
    only?: Aggregate,
  ) {
    this.lastOnly = only === 'last' || (only !== undefined && windowMs <= 0);
    this.keepMin = only === undefined || only === 'min';
    this.keepMax = only === undefined || only === 'max';
  }

  get size(): number {
    if (this.lastOnly) return this.lastTs === -Infinity ? 0 : 1;
    return this.ts.length - this.head;
  }

  get newest(): number {
    if (this.lastOnly) return this.lastTs;
    return this.size ? this.ts[this.ts.length - 1]! : -Infinity;
  }

  /** false when the sample is older than the newest one held (it changes nothing) */
  add(ts: number, value: number): boolean {
    if (ts < this.newest) return false;
    if (this.lastOnly) {
      this.lastTs = ts;
      this.lastV = value;
      return true;
    }
    const i = this.ts.length;
    this.ts.push(ts);
    this.vs.push(value);
    this.sum += value;
    if (this.keepMin) {
      while (this.minQ.length > this.minHead && this.vs[this.minQ[this.minQ.length - 1]!]! >= value) this.minQ.pop();
      this.minQ.push(i);
    }
    if (this.keepMax) {
      while (this.maxQ.length > this.maxHead && this.vs[this.maxQ[this.maxQ.length - 1]!]! <= value) this.maxQ.pop();
      this.maxQ.push(i);
    }
    this.evict(ts - this.windowMs);
    return true;
  }

  /** drop samples at or before `before` */
  private evict(before: number) {
    while (this.head < this.ts.length - 1 && this.ts[this.head]! <= before) {
      this.sum -= this.vs[this.head]!;
      if (this.minQ[this.minHead] === this.head) this.minHead++;
      if (this.maxQ[this.maxHead] === this.head) this.maxHead++;
      this.head++;
    }
    // compact now and then, so memory stays bounded by the window
    if (this.head > 64 && this.head * 2 > this.ts.length) {
      const h = this.head;
      this.ts = this.ts.slice(h);
      this.vs = this.vs.slice(h);
      this.minQ = this.minQ.slice(this.minHead).map((i) => i - h);
      this.maxQ = this.maxQ.slice(this.maxHead).map((i) => i - h);
      this.head = this.minHead = this.maxHead = 0;
    }
  }

  value(agg: Aggregate): number {
    if (!this.size) return NaN;
    // over no window every aggregate is the newest sample
    if (this.lastOnly) return this.lastV;
    switch (agg) {
      case 'last':
        return this.vs[this.vs.length - 1]!;
      case 'avg':
        return this.sum / this.size;
      case 'min':
        return this.vs[this.minQ[this.minHead]!]!;
      case 'max':
        return this.vs[this.maxQ[this.maxHead]!]!;
    }
  }
}

export const initialPhase = (): PhaseState => ({ phase: 'inactive', since: 0, active_at: 0 });

/**
 * Advance `state` (mutated) by one evaluation at `ts` with the window's aggregate `value`; returns the
 * transition it caused, if any. Pending → inactive is not a transition: nothing was announced.
 */
export function step(cond: MetricCondition, state: PhaseState, ts: number, value: number): Transition | null {
  const holds = compare(cond.comparison, value, cond.threshold);
  switch (state.phase) {
    case 'inactive':
      if (!holds) return null;
      state.phase = 'pending';
      state.since = ts;
    // falls through: with for_s = 0 the first evaluation fires
    case 'pending':
      if (!holds) {
        state.phase = 'inactive';
        return null;
      }
      if (ts - state.since < cond.for_s * 1000) return null;
      state.phase = 'firing';
      state.since = ts;
      state.active_at = ts;
      return { to: 'firing', ts, value };
    case 'firing': {
      const active = compare(cond.comparison, value, cond.clear_threshold ?? cond.threshold);
      if (active) {
        state.active_at = ts;
        return null;
      }
      if (ts - state.active_at < cond.keep_firing_for_s * 1000) return null;
      state.phase = 'inactive';
      return { to: 'resolved', ts, value };
    }
  }
}

/** A clear threshold must sit on the "normal" side of the firing threshold, or hysteresis would do the opposite. */
export function clearThresholdProblem(cond: Pick<MetricCondition, 'comparison' | 'threshold' | 'clear_threshold'>) {
  const { comparison: c, threshold: t, clear_threshold: clear } = cond;
  if (clear === null) return null;
  const above = c === '>' || c === '>=';
  if (above ? clear > t : clear < t) {
    return `must be ${above ? 'at or below' : 'at or above'} the threshold (${t}) for a "${c}" rule`;
  }
  return null;
}

/** `{{device}} inlet {{value}} °C > {{threshold}}`: unknown names stay as written, so a typo shows. */
export function renderMessage(template: string, vars: Record<string, string | number | null | undefined>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined || v === null) return whole;
    return typeof v === 'number' ? String(Math.round(v * 100) / 100) : v;
  });
}
