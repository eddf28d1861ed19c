// Lower bounds on the number of bins. They decide when the search may stop (a packing that meets the bound is
// optimal) and how far a result is from optimal when it does not.
import { binsFor } from './fit.ts';

/** L1: the total size over the capacity, rounded up. Tight when items are small, weak when many exceed C/2. */
export function lowerBoundL1(sizes: readonly number[], capacity: number): number {
  return binsFor(
    sizes.reduce((s, w) => s + w, 0),
    capacity,
  );
}

/**
 * Martello–Toth L2. For a threshold K ≤ C/2, items above C − K (J1) share a bin with nothing that is at least K,
 * items in (C/2, C − K] (J2) each need a bin of their own, and items in [K, C/2] (J3) can only go into the room
 * the J2 bins leave or into new bins. L2 = max over K of |J1| + |J2| + ⌈(Σ J3 − room in J2 bins)⁺ / C⌉. Only K
 * equal to an item size (or 0) can change the value, so those are the ones tried; sorted sizes and prefix sums
 * make each O(log n).
 */
export function lowerBoundL2(sizes: readonly number[], capacity: number): number {
  const w = [...sizes].sort((a, b) => a - b);
  const n = w.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (w[i] as number);
  // first index whose size is > x (or ≥ x when strict is false)
  const after = (x: number, strict: boolean): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const v = w[mid] as number;
      if (strict ? v <= x : v < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const sum = (from: number, to: number) => (prefix[to] as number) - (prefix[from] as number);
  const half = capacity / 2;
  const aboveHalf = after(half, true);
  let best = 0;
  const thresholds = [0, ...new Set(w.filter((x) => x <= half))];
  for (const k of thresholds) {
    const j2Start = aboveHalf;
    const j1Start = Math.max(j2Start, after(capacity - k, true));
    const j3Start = after(k, false);
    const j1 = n - j1Start;
    const j2 = j1Start - j2Start;
    const room = j2 * capacity - sum(j2Start, j1Start);
    const bound = j1 + j2 + binsFor(Math.max(0, sum(j3Start, aboveHalf) - room), capacity);
    if (bound > best) best = bound;
  }
  return best;
}

/** The best of the bounds above (L2 dominates L1 in theory; taking both guards against rounding at the edges). */
export function lowerBound(sizes: readonly number[], capacity: number): number {
  return Math.max(lowerBoundL1(sizes, capacity), lowerBoundL2(sizes, capacity));
}
