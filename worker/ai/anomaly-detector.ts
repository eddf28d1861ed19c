// Streaming anomaly detection for one series: each sample is seen once, in O(1) time and memory, and scored in
// [0, 1]. Pure and self-contained (no imports) so that the rack objects, the Worker and the command line
// (`npm run -s ai:nab`) run this very file; its state is plain JSON, persisted by whoever holds it.
//
// How it decides, after the streaming detectors that do best on the Numenta Anomaly Benchmark:
//  - New ground: a value beyond every value seen so far scores 0.5 and up, the further beyond the higher (a tenth
//    of the range beyond scores 1), as Numenta's HTM detector does with its "spatial anomaly".
//  - Surprise: an ensemble of cheap predictors of the next value (the last value, a slow average, and the band
//    the same hour of the day and of the week usually spans) is surprised only when every member is (the least
//    of their errors, each in units of that predictor's own typical error), so a nightly job's spike at its usual
//    hour is expected; a transition model of value bins (what usually follows what) must be surprised too.
//  - A shift: the median of the last five values against the slow average, in units of its usual gap (a new
//    level moves the median; a big spike moves the average). Not when this hour's seasonal band expected the
//    value: a nightly job is neither.
//  - A drift: Page's CUSUM of the value's distance from the slow average, in that predictor's typical errors
//    (each sample's part clipped, so one spike is not a shift), catches a shift too small for any one sample to
//    surprise that lasts: a dozen samples each two typical errors up. Not gated by the season: a band that spans
//    a busy hour's spikes says nothing about where its level sits.
//  - Surprise, shift and drift go through an anomaly likelihood, as HTM's does: each (the surprise as a short
//    average) is compared with its long-run distribution, so a noisy series does not alarm all the time and a
//    quiet one does at its first jump. The score is the larger of new ground and the likelihood on HTM's log scale.
//  - After an alarm the detector stays below the alarm level for a while: one event, one alarm.
// The parameters are global, chosen on NAB's data-centre series (bench/ai/nab-score.mjs): none is per series.

export interface DetectorOptions {
  /** samples before any score (the statistics are not worth anything yet) */
  warmup: number;
  /** tolerance of new ground, as a fraction of the range seen so far, and the excess at which it scores 1 */
  novelty: number;
  noveltySpan: number;
  /** smoothing of the slow average (a predictor, and the reference of the level) */
  slowAlpha: number;
  /** smoothing of the predictors' typical errors and of the level's usual gap */
  errorAlpha: number;
  /** the least typical error of a predictor, as a fraction of the range (no predictor is ever that sure) */
  errFloor: number;
  /** how far past a seasonal band's edge is ordinary, as a fraction of the band's width */
  bandTolerance: number;
  /** a seasonal band narrows by this much per day when the hour stays inside it, and widens by this much */
  seasonNarrow: number;
  seasonWiden: number;
  /** the transition model: prior count of every transition, and forgetting per sample */
  markovPrior: number;
  markovDecay: number;
  /** smoothing of the level's median */
  levelAlpha: number;
  /** the drift's allowance per sample and the most one sample adds, in typical errors of the slow average */
  driftSlack: number;
  driftClip: number;
  /** the drift is divided by this before its likelihood, so that the floors below hold in its units too */
  driftScale: number;
  /** raw surprise z → 1 - exp(-z / rawScale) */
  rawScale: number;
  /** samples the short average of the raw score spans, and the long-run distribution at most */
  shortWindow: number;
  longWindow: number;
  /** floors of the long-run distribution (HTM's), so a perfectly flat series is not infinitely sensitive */
  minMean: number;
  minSd: number;
  /** after a score at or above `alarmAt`, scores are capped below it for `quietFor` samples */
  alarmAt: number;
  quietFor: number;
  /** new ground this far beyond the range (a fraction of it) alarms even during the quiet */
  noveltyBreaks: number;
  /** while the history is young (see `young`), new ground is how far the value lies from the slow average beyond
   *  half the range seen and this many typical steps (the last value's typical error, as a fraction of the range):
   *  a fan that stops clears two within seconds, an ordinary one's noise and wander seldom do */
  youngMargin: number;
}

export const DEFAULT_OPTIONS: DetectorOptions = {
  warmup: 150,
  novelty: 0,
  noveltySpan: 0.1,
  slowAlpha: 0.01,
  errorAlpha: 0.02,
  errFloor: 0.001,
  bandTolerance: 0.1,
  seasonNarrow: 0.05,
  seasonWiden: 0.8,
  markovPrior: 0.3,
  markovDecay: 0.001,
  levelAlpha: 0.05,
  driftSlack: 1,
  driftClip: 3,
  driftScale: 30,
  rawScale: 4,
  shortWindow: 5,
  longWindow: 8640,
  minMean: 0.03,
  minSd: 0.01,
  alarmAt: 0.5,
  quietFor: 150,
  noveltyBreaks: 0.25,
  youngMargin: 2,
};

/** The parts of the detector, as an explanation names them. */
export const COMPONENTS = ['new_ground', 'last', 'average', 'daily', 'weekly', 'sequence', 'level'] as const;
export type Component = (typeof COMPONENTS)[number];

/** value bins of the transition model: the range in 16 steps */
export const BINS = 16;
const RECENT = 5;
const DAY_SLOTS = 24;
const WEEK_SLOTS = 168;
const HOUR_MS = 3_600_000;
/** a seasonal slot predicts once it has seen this many of its hours */
const DAILY_MIN = 3;
const WEEKLY_MIN = 2;
/** predictors: last, average, daily, weekly */
const P = 4;

/** The state's format: a state saved by an older version is brought up to it by `update` (see `upgrade`). */
export const STATE_VERSION = 2;

export interface DetectorState {
  v: typeof STATE_VERSION;
  n: number;
  /** the range seen so far */
  lo: number;
  hi: number;
  last: number;
  avg: number;
  /** typical absolute error of each predictor (last, average, daily, weekly), as a fraction of the range */
  err: number[];
  /** per hour of the day / of the week (UTC): the usual low and high of that hour, and how many hours fed them */
  dayLo: number[];
  dayHi: number[];
  dayN: number[];
  weekLo: number[];
  weekHi: number[];
  weekN: number[];
  /** the hour (since the epoch) of the last sample, and its low and high so far */
  hour: number;
  curLo: number;
  curHi: number;
  /** this hour's daily and weekly bands (lo, hi, lo, hi; lo > hi while its slots have not seen enough). No NaN
   *  or Infinity anywhere in the state: JSON would turn them into null */
  bands: number[];
  /** transitions between value bins (row-major, from × to; each row stored × its scale, and its total) and the
   *  bin of the last value */
  trans: number[];
  transTotal: number[];
  transScale: number[];
  bin: number;
  /** the last five values (a ring), their median smoothed (the level), and its usual gap from the slow average */
  recent: number[];
  level: number;
  gap: number;
  /** long-run mean and variance, and short average, of the surprise's and the shift's raw scores */
  sMean: number;
  sVar: number;
  sShort: number;
  lMean: number;
  lVar: number;
  /** the drift: its upward and downward sums, the samples it has seen (a state from version 1 starts it late),
   *  and its long-run mean and variance (in driftScale units) */
  up: number;
  down: number;
  dn: number;
  dMean: number;
  dVar: number;
  /** samples left in the quiet after an alarm */
  quiet: number;
  /** what the last sample looked like to the detector (for explain) */
  x: { score: number; likelihood: number; lower: number; upper: number; fired: number; surprise: number };
}

export interface Explanation {
  score: number;
  /** how unusual: the likelihood that the recent surprise is as high as it is, under its long-run distribution */
  likelihood: number;
  /** the band the most confident predictor expected (null before any prediction) */
  lower: number | null;
  upper: number | null;
  /** the parts that fired: new ground, predictors off by more than three of their typical errors, the sequence
   *  model (a transition seen less than 5 % of the time), a level shift beyond three usual gaps or a drift three
   *  deviations above its usual */
  fired: Component[];
  /** the least scaled error across the predictors (how many typical errors away the value was) */
  surprise: number;
}

export function newState(): DetectorState {
  return {
    v: STATE_VERSION,
    n: 0,
    lo: 0,
    hi: 0,
    last: 0,
    avg: 0,
    err: new Array(P).fill(0),
    dayLo: new Array(DAY_SLOTS).fill(0),
    dayHi: new Array(DAY_SLOTS).fill(0),
    dayN: new Array(DAY_SLOTS).fill(0),
    weekLo: new Array(WEEK_SLOTS).fill(0),
    weekHi: new Array(WEEK_SLOTS).fill(0),
    weekN: new Array(WEEK_SLOTS).fill(0),
    hour: -1,
    curLo: 0,
    curHi: 0,
    bands: [1, 0, 1, 0],
    trans: new Array(BINS * BINS).fill(0),
    transTotal: new Array(BINS).fill(0),
    transScale: new Array(BINS).fill(1),
    bin: -1,
    recent: new Array(RECENT).fill(0),
    level: 0,
    gap: 0,
    sMean: 0,
    sVar: 0,
    sShort: 0,
    lMean: 0,
    lVar: 0,
    up: 0,
    down: 0,
    dn: 0,
    dMean: 0,
    dVar: 0,
    quiet: 0,
    x: { score: 0, likelihood: 0.5, lower: NaN, upper: NaN, fired: 0, surprise: 0 },
  };
}

/** Standard normal upper tail, Q(z) = P(Z > z) (Abramowitz-Stegun 7.1.26 through erfc: |error| < 1.5e-7). */
export function normalTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
    Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** HTM's log scale: a likelihood of 0.99999 → 0.5, 1 - 1e-10 → 1; ordinary values sit near 0. */
export function logScore(likelihood: number): number {
  return Math.min(1, Math.max(0, Math.log(1.0000000001 - likelihood) / -23.02585084720009));
}

const daySlot = (hour: number) => ((hour % DAY_SLOTS) + DAY_SLOTS) % DAY_SLOTS;
/** slot 0 = Monday 00:00 UTC (the epoch was a Thursday) */
const weekSlot = (hour: number) => (((hour + 72) % WEEK_SLOTS) + WEEK_SLOTS) % WEEK_SLOTS;

/** An envelope: it widens fast to an hour that reaches further, and narrows slowly after hours that do not. */
function commit(lo: number[], hi: number[], n: number[], slot: number, s: DetectorState, o: DetectorOptions) {
  if (n[slot] === 0) {
    lo[slot] = s.curLo;
    hi[slot] = s.curHi;
  } else {
    lo[slot]! += (s.curLo - lo[slot]!) * (s.curLo < lo[slot]! ? o.seasonWiden : o.seasonNarrow);
    hi[slot]! += (s.curHi - hi[slot]!) * (s.curHi > hi[slot]! ? o.seasonWiden : o.seasonNarrow);
  }
  n[slot]!++;
}

// the band of an hour and its two neighbours (a job that runs a few minutes early or late), written here
let bandLo = 0;
let bandHi = 0;
function band(lo: number[], hi: number[], n: number[], slot: number, slots: number, min: number): boolean {
  bandLo = Infinity;
  bandHi = -Infinity;
  for (let k = -1; k <= 1; k++) {
    const i = (slot + k + slots) % slots;
    if (n[i]! < min) continue;
    if (lo[i]! < bandLo) bandLo = lo[i]!;
    if (hi[i]! > bandHi) bandHi = hi[i]!;
  }
  return bandHi >= bandLo;
}

const scratch = new Float64Array(RECENT);
/** the median of the first n of the ring (insertion sort into a scratch array: no allocation per sample) */
function median(r: number[], n: number): number {
  for (let i = 0; i < n; i++) {
    const v = r[i]!;
    let j = i - 1;
    while (j >= 0 && scratch[j]! > v) {
      scratch[j + 1] = scratch[j]!;
      j--;
    }
    scratch[j + 1] = v;
  }
  return scratch[(n - 1) >> 1]!;
}

/**
 * A state saved before the drift existed (version 1; the rack objects checkpoint states as JSON and load them
 * back as they are) gets a drift that starts now: it scores nothing until it has seen `warmup` samples of its own,
 * as a new series would, while the rest of the state goes on where it was.
 */
function upgrade(s: DetectorState): void {
  const old = s as Partial<DetectorState>;
  if (!Number.isFinite(old.dn)) {
    old.up = 0;
    old.down = 0;
    old.dn = 0;
    old.dMean = 0;
    old.dVar = 0;
  }
  s.v = STATE_VERSION;
}

/**
 * Is the history too young for "beyond everything seen" and the long-run distributions to mean anything? The
 * warm-up counts samples, but a series sampled every second has its 150 within 2.5 minutes: its range is then its
 * noise over those minutes, which its slower movements (load, temperature, the hour's rhythm) leave again and
 * again, and every small excursion would score as new ground (a fan at 1 s ticks: one alarm per series within
 * minutes). So the history must also span time: an hour, the detector's own unit (its seasonal slots are hours,
 * and before one has ended it knows nothing of the series' hourly behaviour). Hours that ended are counted in the
 * daily slots: two ended means a whole hour seen (one to two hours of history). A series sampled every 48 s or
 * slower has that by the end of its warm-up (NAB's 5-minute series span 12.5 hours), so nothing changes there.
 * Until then, new ground is judged from the slow average and against the series' own noise (see youngMargin), and
 * the likelihood may not alarm. Called only on the rare samples that could fire (no cost per sample), and with no
 * state of its own (the format stays).
 */
function young(s: DetectorState, ts: number): boolean {
  // a sample two hours or more after the last one: the history spans more than an hour, whatever was committed
  if (Math.floor(ts / HOUR_MS) - s.hour >= 2) return false;
  let hours = 0;
  for (let i = 0; i < DAY_SLOTS && hours < 2; i++) hours += s.dayN[i]!;
  return hours < 2;
}

const bit = (c: Component) => 1 << COMPONENTS.indexOf(c);
const NEW_GROUND = bit('new_ground');
const SEQUENCE = bit('sequence');
const LEVEL = bit('level');

/**
 * Feed one sample (`ts` in epoch milliseconds); returns its score in [0, 1] and updates `state` in place.
 * Non-finite values are skipped with a score of 0 (a gap is no evidence of anything). `explain(state)` tells why.
 */
export function update(s: DetectorState, ts: number, value: number, o: DetectorOptions = DEFAULT_OPTIONS): number {
  if (s.v !== STATE_VERSION) upgrade(s);
  const x = s.x;
  if (!Number.isFinite(value)) {
    x.score = 0;
    x.fired = 0;
    return 0;
  }
  let fired = 0;

  // new ground: beyond the range seen so far. A young history's range is no envelope of the normal (see young):
  // there the value must also lie far from where the series sits, beyond its noise
  const before = s.hi - s.lo;
  let excess = s.n > 0 && before > 0 ? Math.max(value - s.hi, s.lo - value) / before : 0;
  if (excess > 0 && young(s, ts)) {
    // measured from the slow average, which lags a departure, rather than from an edge that follows each of its
    // steps (a fan that stops over seconds goes past the range by one step at a time)
    excess = Math.abs(value - s.avg) / before - 0.5 - o.youngMargin * s.err[0]!;
  }
  const novel = s.n > o.warmup && excess > o.novelty;
  if (s.n === 0) {
    s.lo = value;
    s.hi = value;
  } else if (value < s.lo) s.lo = value;
  else if (value > s.hi) s.hi = value;
  const span = s.hi - s.lo || Math.abs(s.hi) || 1;

  // an hour that ended leaves its low and high in its slots of the day and of the week
  const hour = Math.floor(ts / HOUR_MS);
  if (hour !== s.hour) {
    if (s.hour >= 0) {
      commit(s.dayLo, s.dayHi, s.dayN, daySlot(s.hour), s, o);
      commit(s.weekLo, s.weekHi, s.weekN, weekSlot(s.hour), s, o);
    }
    s.hour = hour;
    s.curLo = value;
    s.curHi = value;
    // the seasonal bands change only when an hour ends: worked out once per hour, not per sample
    const daily = band(s.dayLo, s.dayHi, s.dayN, daySlot(hour), DAY_SLOTS, DAILY_MIN);
    s.bands[0] = daily ? bandLo : 1;
    s.bands[1] = daily ? bandHi : 0;
    const weekly = band(s.weekLo, s.weekHi, s.weekN, weekSlot(hour), WEEK_SLOTS, WEEKLY_MIN);
    s.bands[2] = weekly ? bandLo : 1;
    s.bands[3] = weekly ? bandHi : 0;
  }

  // each predictor's error, before it learns from this value; the least surprised one speaks for all
  let surprise = 0;
  // the least surprised seasonal band (Infinity: none predicts yet)
  let seasonal = Infinity;
  let lower = NaN;
  let upper = NaN;
  // the drift's step: this value's distance from the slow average, in that predictor's typical errors, clipped
  let step = 0;
  if (s.n > 0) {
    surprise = Infinity;
    for (let p = 0; p < P; p++) {
      let lo: number;
      let hi: number;
      if (p === 0) lo = hi = s.last;
      else if (p === 1) lo = hi = s.avg;
      else {
        lo = s.bands[(p - 2) * 2]!;
        hi = s.bands[(p - 2) * 2 + 1]!;
        if (lo > hi) continue;
      }
      const e = Math.max(0, value - hi, lo - value) / span;
      // a band's own width says how much its edges wander from day to day
      const typical = s.err[p]! + o.errFloor + (o.bandTolerance * (hi - lo)) / span;
      const z = e / typical;
      if (p === 1) step = Math.max(-o.driftClip, Math.min(o.driftClip, (value - lo) / span / typical));
      if (z > 3) fired |= 1 << (p + 1);
      if (p > 1 && z < seasonal) seasonal = z;
      if (z < surprise) {
        surprise = z;
        // in the range as it was before this value: the explanation says what was expected without it
        const margin = 3 * typical * (before > 0 ? before : span);
        lower = lo - margin;
        upper = hi + margin;
      }
      s.err[p]! += (e - s.err[p]!) * o.errorAlpha;
    }
  }

  // the transition model: how often has a value in this bin followed one in the last value's bin. Counts are
  // forgotten lazily: a row's counts are stored multiplied by its growing scale, so forgetting is O(1)
  const bin = Math.min(BINS - 1, Math.max(0, Math.floor(((value - s.lo) / span) * BINS)));
  let unexpected = 0;
  if (s.bin >= 0) {
    const row = s.bin;
    const g = s.transScale[row]!;
    const here = s.trans[row * BINS + bin]! / g;
    const total = s.transTotal[row]! / g;
    unexpected = 1 - (here + o.markovPrior) / (total + o.markovPrior * BINS);
    if (unexpected > 0.95) fired |= SEQUENCE;
    const grown = g / (1 - o.markovDecay);
    s.trans[row * BINS + bin]! += grown;
    s.transTotal[row]! += grown;
    if (grown > 1e200) {
      for (let b = 0; b < BINS; b++) s.trans[row * BINS + b]! /= grown;
      s.transTotal[row]! /= grown;
      s.transScale[row] = 1;
    } else s.transScale[row] = grown;
  }
  s.bin = bin;

  // learn
  s.avg = s.n === 0 ? value : s.avg + (value - s.avg) * o.slowAlpha;
  s.last = value;
  if (value < s.curLo) s.curLo = value;
  if (value > s.curHi) s.curHi = value;
  s.recent[s.n % RECENT] = value;
  s.n++;

  // likelihood of the surprise: its short average against its long-run distribution (judged before learning)
  const raw = Math.min(unexpected, 1 - Math.exp(-surprise / o.rawScale));
  s.sShort += (raw - s.sShort) * (2 / (o.shortWindow + 1));
  // the likelihood is monotone in z: the larger z of surprise and shift decides, one tail computed
  let z = (s.sShort - Math.max(s.sMean, o.minMean)) / Math.sqrt(Math.max(s.sVar, o.minSd * o.minSd));
  const la = 1 / Math.min(s.n, o.longWindow);
  const ds = s.sShort - s.sMean;
  s.sMean += ds * la;
  s.sVar = (1 - la) * (s.sVar + ds * ds * la);

  // likelihood of the shift: the smoothed median's distance from the slow average, in its usual gaps (a spike
  // moves the average, not the median, so a big one shows here too)
  const m = median(s.recent, Math.min(s.n, RECENT));
  s.level = s.n === 1 ? m : s.level + (m - s.level) * o.levelAlpha;
  const gap = Math.abs(s.level - s.avg) / span;
  const gz = gap / (s.gap + 1e-3);
  s.gap += (gap - s.gap) * o.errorAlpha;
  // what this hour of the day or week usually does (a nightly job) is no shift, however it moves the average
  const gated = seasonal < 1;
  if (gz > 3 && !gated) fired |= LEVEL;
  const lr = gated ? 0 : 1 - Math.exp(-gz / o.rawScale);
  const lz = (lr - Math.max(s.lMean, o.minMean)) / Math.sqrt(Math.max(s.lVar, o.minSd * o.minSd));
  if (lz > z) z = lz;
  const dl = lr - s.lMean;
  s.lMean += dl * la;
  s.lVar = (1 - la) * (s.lVar + dl * dl * la);

  // likelihood of the drift: Page's two-sided CUSUM, each side forgetting driftSlack per sample
  s.up = Math.max(0, s.up + step - o.driftSlack);
  s.down = Math.max(0, s.down - step - o.driftSlack);
  const dr = Math.max(s.up, s.down) / o.driftScale;
  s.dn++;
  // the drift rests at 0 most of the time: below its usual, it cannot decide, and its deviation is not worked out
  const above = dr - Math.max(s.dMean, o.minMean);
  if (s.dn > o.warmup && above > 0) {
    const dz = above / Math.sqrt(Math.max(s.dVar, o.minSd * o.minSd));
    if (dz > 3) fired |= LEVEL;
    if (dz > z) z = dz;
  }
  const da = s.dn === s.n ? la : 1 / Math.min(s.dn, o.longWindow);
  const dd = dr - s.dMean;
  s.dMean += dd * da;
  s.dVar = (1 - da) * (s.dVar + dd * dd * da);
  const likelihood = 1 - normalTail(z);

  let score = s.n <= o.warmup ? 0 : logScore(likelihood);
  // a young history's long-run distributions have not seen its slower movements: their likelihood may not alarm
  if (score >= o.alarmAt && young(s, ts)) score = o.alarmAt * 0.99;
  if (novel) {
    fired |= NEW_GROUND;
    score = Math.max(score, Math.min(1, 0.5 + (0.5 * (excess - o.novelty)) / o.noveltySpan));
  }
  if (s.quiet > 0) {
    s.quiet--;
    // new ground far beyond the range (a quarter of it) is a new event, quiet or not
    if (score >= o.alarmAt && !(novel && excess >= o.noveltyBreaks)) score = o.alarmAt * 0.99;
  } else if (score >= o.alarmAt) {
    s.quiet = o.quietFor;
  }

  x.score = score;
  x.likelihood = likelihood;
  x.lower = lower;
  x.upper = upper;
  x.fired = fired;
  x.surprise = surprise;
  return score;
}

/** Why the last sample scored what it did, for an operator. */
export function explain(s: DetectorState): Explanation {
  const x = s.x;
  return {
    score: x.score,
    likelihood: x.likelihood,
    lower: Number.isFinite(x.lower) ? x.lower : null,
    upper: Number.isFinite(x.upper) ? x.upper : null,
    fired: COMPONENTS.filter((c) => x.fired & bit(c)),
    surprise: Number.isFinite(x.surprise) ? x.surprise : 0,
  };
}
