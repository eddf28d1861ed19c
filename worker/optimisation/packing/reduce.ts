// Martello–Toth-style reduction: bins that some optimal packing is known to contain are fixed before the search,
// which then works on fewer items and a tighter bound. Only dominance rules that hold for every instance are used.
import { bySizeDescending, tolerance } from './fit.ts';

export interface Reduction {
  /** bins fixed by dominance, as item indices */
  fixed: number[][];
  /** the items still to pack */
  free: number[];
}

/**
 * For each item j, largest first, with a the largest other free item that fits beside it: the bin {j, a}
 * dominates every other bin containing j when nothing fills the room beside j better than a alone does — then
 * any set G beside j in an optimal packing weighs at most w_a, and swapping G with a keeps both bins feasible.
 * That holds when a fills the room exactly, when no two free items fit in the room, or when at most two fit and
 * no pair beats a. j alone is a bin when nothing fits beside it. Deeper cases (three or more items beside j)
 * would need a subset-sum per item and rarely fire on the instances worth reducing.
 */
export function reduceInstance(sizes: readonly number[], capacity: number, items: readonly number[]): Reduction {
  const eps = tolerance(capacity);
  const order = bySizeDescending(sizes, items);
  const n = order.length;
  const alive = new Map<number, boolean>(order.map((i) => [i, true]));
  const size = (p: number) => sizes[order[p] as number] as number;
  const isAlive = (p: number) => alive.get(order[p] as number) === true;
  const fixed: number[][] = [];

  for (let p = 0; p < n; p++) {
    if (!isAlive(p)) continue;
    const j = order[p] as number;
    alive.set(j, false);
    const room = capacity - size(p) + eps;
    // largest alive item that fits: the first alive position at or after the first size ≤ room
    // (earlier items that could not be reduced are still free, and may fit beside a smaller j)
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (size(mid) > room) lo = mid + 1;
      else hi = mid;
    }
    let q = lo;
    while (q < n && !isAlive(q)) q++;
    if (q >= n) {
      fixed.push([j]);
      continue;
    }
    const a = order[q] as number;
    const wa = sizes[a] as number;
    // the smallest alive sizes, for "how many items can share the room at most"
    const smallest: number[] = [];
    for (let s = n - 1; s >= 0 && smallest.length < 3; s--) if (isAlive(s)) smallest.push(size(s));
    const [s1 = Infinity, s2 = Infinity, s3 = Infinity] = smallest;
    let dominant = wa >= room - 2 * eps || s1 + s2 > room;
    if (!dominant && s1 + s2 + s3 > room) dominant = bestPair(sizes, order, isAlive, room) <= wa + eps;
    if (dominant) {
      alive.set(a, false);
      fixed.push([j, a]);
    } else {
      alive.set(j, true);
    }
  }
  return { fixed, free: order.filter((i) => alive.get(i) === true) };
}

/** The largest sum of two alive items (sizes descending) that is ≤ room; two pointers. */
function bestPair(
  sizes: readonly number[],
  order: readonly number[],
  isAlive: (p: number) => boolean,
  room: number,
): number {
  const w: number[] = [];
  for (let p = 0; p < order.length; p++) if (isAlive(p)) w.push(sizes[order[p] as number] as number);
  let best = -Infinity;
  let i = 0;
  let k = w.length - 1;
  while (i < k) {
    const s = (w[i] as number) + (w[k] as number);
    if (s > room) i++;
    else {
      if (s > best) best = s;
      k--;
    }
  }
  return best;
}
