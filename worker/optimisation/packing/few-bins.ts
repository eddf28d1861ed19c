// Packings into one or two bins, answered exactly: the pool search needs bins to swap with, and these cases are a
// single subset-sum over a handful of items.
import { tolerance } from './fit.ts';

/** The items in `goal` (1 or 2) bins, or null when they do not fit in that many. */
export function fewBins(sizes: readonly number[], capacity: number, items: number[], goal: number): number[][] | null {
  const total = items.reduce((s, i) => s + (sizes[i] as number), 0);
  if (goal === 1) return total <= capacity + tolerance(capacity) ? [items] : null;
  if (goal !== 2) return null;
  const split = splitInTwo(sizes, capacity, items);
  return split ? split.filter((b) => b.length > 0) : null;
}

/**
 * The items as two bins, if they can be: a subset whose size lies in [total − C, C], searched depth-first over sizes
 * in decreasing order (a node limit keeps a large set from taking long; it then reports no split).
 */
function splitInTwo(sizes: readonly number[], capacity: number, items: readonly number[]): number[][] | null {
  const eps = tolerance(capacity);
  const order = [...items].sort((a, b) => (sizes[b] as number) - (sizes[a] as number));
  const w = order.map((i) => sizes[i] as number);
  const total = w.reduce((s, x) => s + x, 0);
  if (w.length === 0) return [[], []];
  if (total > 2 * capacity + eps || (w[0] as number) > capacity + eps) return null;
  const lo = total - capacity - eps;
  const hi = capacity + eps;
  const suffix = new Float64Array(w.length + 1);
  for (let q = w.length - 1; q >= 0; q--) suffix[q] = (suffix[q + 1] as number) + (w[q] as number);
  // the largest item goes in the first bin: the split is symmetric, so nothing is lost
  const chosen: number[] = [0];
  let nodes = 0;
  const dive = (from: number, sum: number): boolean => {
    if (sum >= lo) return true;
    if (++nodes > 100_000) return false;
    for (let q = from; q < w.length; q++) {
      if (sum + (suffix[q] as number) < lo) return false;
      if (sum + (w[q] as number) > hi) continue;
      chosen.push(q);
      if (dive(q + 1, sum + (w[q] as number))) return true;
      chosen.pop();
    }
    return false;
  };
  if (!dive(1, w[0] as number)) return null;
  const inFirst = new Set(chosen);
  return [order.filter((_, q) => inFirst.has(q)), order.filter((_, q) => !inFirst.has(q))];
}
