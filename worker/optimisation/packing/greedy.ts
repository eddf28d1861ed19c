// Constructive packings: the starting points the improvement search works down from, and the baseline it is
// measured against (first-fit decreasing is what most placement code does).
import { bySizeDescending, tolerance } from './fit.ts';

/** First-fit decreasing: each item, largest first, into the first bin with room. At most 11/9 OPT + 6/9 bins. */
export function firstFitDecreasing(sizes: readonly number[], capacity: number, items: readonly number[]): number[][] {
  const room = capacity + tolerance(capacity);
  const bins: number[][] = [];
  const loads: number[] = [];
  for (const i of bySizeDescending(sizes, items)) {
    const w = sizes[i] as number;
    let b = 0;
    while (b < bins.length && (loads[b] as number) + w > room) b++;
    if (b === bins.length) {
      bins.push([]);
      loads.push(0);
    }
    (bins[b] as number[]).push(i);
    loads[b] = (loads[b] as number) + w;
  }
  return bins;
}

/** Best-fit decreasing: each item into the fullest bin it still fits. Same worst case as FFD, often a bin fewer. */
export function bestFitDecreasing(sizes: readonly number[], capacity: number, items: readonly number[]): number[][] {
  const room = capacity + tolerance(capacity);
  const bins: number[][] = [];
  const loads: number[] = [];
  for (const i of bySizeDescending(sizes, items)) {
    const w = sizes[i] as number;
    let best = -1;
    for (let b = 0; b < bins.length; b++) {
      const l = loads[b] as number;
      if (l + w <= room && (best < 0 || l > (loads[best] as number))) best = b;
    }
    if (best < 0) {
      bins.push([]);
      loads.push(0);
      best = bins.length - 1;
    }
    (bins[best] as number[]).push(i);
    loads[best] = (loads[best] as number) + w;
  }
  return bins;
}

/**
 * Minimum bin slack (Gupta–Ho; Fleszar–Hindi's MBS'): one bin at a time, the largest item left plus the subset of
 * the rest that fills the bin as nearly full as possible, found depth-first over sizes in decreasing order. Where
 * FFD commits to the first fit, this looks for exact fills, which is what instances with little total slack need.
 * The search per bin stops at a perfect fill or after `nodeLimit` nodes, so a bin costs O(n + nodeLimit).
 */
export function minimumBinSlack(
  sizes: readonly number[],
  capacity: number,
  items: readonly number[],
  nodeLimit = 4000,
): number[][] {
  const eps = tolerance(capacity);
  let rest = bySizeDescending(sizes, items);
  const bins: number[][] = [];
  while (rest.length > 0) {
    const w = rest.map((i) => sizes[i] as number);
    // suffix[q]: total size of rest[q..], to stop a branch that cannot beat the best fill found
    const suffix = new Float64Array(w.length + 1);
    for (let q = w.length - 1; q >= 0; q--) suffix[q] = (suffix[q + 1] as number) + (w[q] as number);
    const chosen = [0];
    let best = [0];
    let bestLoad = w[0] as number;
    let nodes = 0;
    const dive = (from: number, load: number): boolean => {
      for (let q = from; q < w.length; q++) {
        if (++nodes > nodeLimit) return true;
        if (load + (suffix[q] as number) <= bestLoad + eps) return false;
        const next = load + (w[q] as number);
        if (next > capacity + eps) continue;
        // an equal size right after one this level already tried would only repeat its sums
        if (q > from && w[q] === w[q - 1]) continue;
        chosen.push(q);
        if (next > bestLoad + eps) {
          bestLoad = next;
          best = [...chosen];
          if (bestLoad >= capacity - eps) return true;
        }
        if (dive(q + 1, next)) return true;
        chosen.pop();
      }
      return false;
    };
    dive(1, w[0] as number);
    const taken = new Set(best);
    bins.push(best.map((q) => rest[q] as number));
    rest = rest.filter((_, q) => !taken.has(q));
  }
  return bins;
}
