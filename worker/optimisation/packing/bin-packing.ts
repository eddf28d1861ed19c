// One-dimensional bin packing end to end: check the input, fix the bins dominance proves, bound, start from the
// best of three greedy packings, then take bins away one at a time with the pool search until the lower bound is
// met (the packing is then optimal) or the budget is spent (the best packing found is returned). Sized for
// benchmark-like instances of up to a few thousand items: the greedy starts and the reduction are quadratic.
import { lowerBound } from './bounds.ts';
import { Budget } from './budget.ts';
import { bestFitDecreasing, firstFitDecreasing, minimumBinSlack } from './greedy.ts';
import { packIntoFewer } from './pool-search.ts';
import { fewBins } from './few-bins.ts';
import { seededRng } from './random.ts';
import { reduceInstance } from './reduce.ts';
import { tolerance } from './fit.ts';

export interface BinPackingOptions {
  /** seed of the random choices (default 1): the same input, seed and budget give the same packing */
  seed?: number;
  /** wall-clock limit in ms (default 1500); only binding under Node, where the clock moves during computation */
  timeLimitMs?: number;
  /** search iterations allowed (default 200 000): the limit that holds inside a Worker, whose clock stands still */
  maxIterations?: number;
  /** the clock the time limit is read from (default performance.now) */
  clock?: () => number;
}

export interface BinPackingResult {
  /** item indices per bin; every item exactly once, no bin over the capacity */
  bins: number[][];
  /** the best lower bound known (L2 over the whole instance and over what reduction leaves) */
  lowerBound: number;
  /** bins.length equals the lower bound, so no packing uses fewer bins */
  optimal: boolean;
  /** bins first-fit decreasing needs on the same items, for comparison */
  firstFitDecreasing: number;
  /** bins fixed by reduction before the search */
  reducedBins: number;
  /** search iterations spent */
  iterations: number;
}

/** Attempts start at this many iterations and double, from a reshuffled start, each time one fails. */
const FIRST_ATTEMPT = 20_000;

export function solveBinPacking(
  givenSizes: readonly number[],
  givenCapacity: number,
  options: BinPackingOptions = {},
): BinPackingResult {
  if (!Number.isFinite(givenCapacity) || givenCapacity <= 0) throw new RangeError(`capacity must be a positive number`);
  givenSizes.forEach((w, i) => {
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`item ${i}: size must be a number ≥ 0 (got ${w})`);
    if (w > givenCapacity + tolerance(givenCapacity))
      throw new RangeError(`item ${i}: size ${w} exceeds the capacity ${givenCapacity}`);
  });
  const f = integerScale([givenCapacity, ...givenSizes]);
  const sizes = f === 1 ? givenSizes : givenSizes.map((w) => Math.round(w * f));
  const capacity = f === 1 ? givenCapacity : Math.round(givenCapacity * f);
  const clock = options.clock ?? (() => performance.now());
  const budget = new Budget(options.maxIterations ?? 200_000, clock() + (options.timeLimitMs ?? 1500), clock);
  const rng = seededRng(options.seed ?? 1);

  // items of size 0 fit anywhere; they would only add symmetric choices to every search below
  const all = sizes.map((_, i) => i);
  const weightless = all.filter((i) => sizes[i] === 0);
  const weighted = all.filter((i) => (sizes[i] as number) > 0);
  const ffd = firstFitDecreasing(sizes, capacity, weighted);

  const { fixed, free } = reduceInstance(sizes, capacity, weighted);
  const freeSizes = free.map((i) => sizes[i] as number);
  const bound = Math.max(
    lowerBound(
      weighted.map((i) => sizes[i] as number),
      capacity,
    ),
    fixed.length + lowerBound(freeSizes, capacity),
  );
  const target = bound - fixed.length;

  let best = [
    firstFitDecreasing(sizes, capacity, free),
    bestFitDecreasing(sizes, capacity, free),
    minimumBinSlack(sizes, capacity, free),
  ].reduce((a, b) => (b.length < a.length ? b : a));

  let attempt = 0;
  while (best.length > target && !budget.exhausted) {
    const goal = best.length - 1;
    const found =
      goal <= 2
        ? fewBins(sizes, capacity, best.flat(), goal)
        : packIntoFewer(sizes, capacity, best, goal, rng, budget, attempt > 0, FIRST_ATTEMPT * 2 ** attempt);
    if (found) {
      best = found;
      attempt = 0;
    } else if (goal <= 2) break;
    else attempt++;
  }

  const bins = [...fixed, ...best];
  if (weightless.length > 0) {
    if (bins.length === 0) bins.push([]);
    (bins[0] as number[]).push(...weightless);
  }
  return {
    bins,
    lowerBound: Math.max(bound, weightless.length > 0 ? 1 : 0),
    optimal: bins.length <= Math.max(bound, weightless.length > 0 ? 1 : 0),
    firstFitDecreasing: ffd.length + (ffd.length === 0 && weightless.length > 0 ? 1 : 0),
    reducedBins: fixed.length,
    iterations: budget.used,
  };
}

/**
 * The power of ten (up to 10^6) that makes every value a whole number, or 1. Sizes with a decimal or two (27.5 GB,
 * OR-Library's 44.6) are then packed as integers: sums are exact, and the search's lookup tables apply.
 */
function integerScale(values: readonly number[]): number {
  for (let f = 1; f <= 1e6; f *= 10) {
    if (values.every((x) => Math.abs(x * f - Math.round(x * f)) <= 1e-9 * Math.max(1, x * f))) return f;
  }
  return 1;
}
