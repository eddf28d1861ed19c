// The improvement search: given a packing in more than m bins, look for one in m. It keeps m − 1 bins feasible,
// holds every other item in a pool, and swaps items between one bin and the pool until the pool fits in one bin
// — the m-th. This is the consistent-neighbourhood idea of Buljubašić and Vasquez (2016): the search never
// leaves the space of feasible bins, it only moves weight out of the pool. On instances whose optimum fills
// every bin exactly (triplets) that is a hunt for exact fills, which swaps guided by tabu memory do far better
// than re-running greedy fills. (Their pool is worth two bins; one bin worked better here, because a pool that
// weighs under two capacities can still fail to split into two bins, and the search then sits on that false
// minimum.)
import type { Budget } from './budget.ts';
import { loadOf, tolerance } from './fit.ts';
import { randomInt, type Rng } from './random.ts';

export interface PoolSearchTuning {
  /** iterations an item that left a bin may not go back into it: this + a random part up to the pool's size */
  leaveTenure: number;
  /** iterations an item that entered a bin may not leave it: this + a random part up to 2 */
  stayTenure: number;
  /** iterations without a lighter pool before a bin is emptied into the pool to break the deadlock */
  kickAfter: number;
}

// Settled on generated triplet instances of 249 and 501 items (not the shared benchmark files): the neighbours of
// these values do about as well; much shorter tenures cycle, and waiting much longer before a kick wastes time.
export const DEFAULT_TUNING: PoolSearchTuning = { leaveTenure: 10, stayTenure: 3, kickAfter: 2 };

/**
 * A packing of the items of `start` into `target` bins, or null when the iterations or the budget run out first.
 * `start` must have more than `target` bins; the `target − 1` fullest are kept (with `shake`, a random choice
 * leaning to the fullest) and the rest poured into the pool.
 */
export function packIntoFewer(
  sizes: readonly number[],
  capacity: number,
  start: readonly (readonly number[])[],
  target: number,
  rng: Rng,
  budget: Budget,
  shake = false,
  maxIterations = Infinity,
  tuning: PoolSearchTuning = DEFAULT_TUNING,
): number[][] | null {
  if (target < 2 || start.length <= target) return null;
  const eps = tolerance(capacity);
  const cap = capacity + eps;

  const ranked = start
    .map((bin) => ({ bin, key: loadOf(sizes, bin) + (shake ? rng() * capacity * 0.5 : rng() * eps) }))
    .sort((a, b) => b.key - a.key);
  const bins = ranked.slice(0, target - 1).map((r) => [...r.bin]);
  const load = Float64Array.from(bins, (b) => loadOf(sizes, b));
  const pool: number[] = ranked.slice(target - 1).flatMap((r) => r.bin);
  let poolSum = loadOf(sizes, pool);

  let maxItem = 0;
  for (const b of start) for (const i of b) if (i > maxItem) maxItem = i;
  // tabu memory: an item may not re-enter the bin it just left, nor leave the bin it just entered
  const leftBin = new Int32Array(maxItem + 1).fill(-1);
  const leftUntil = new Int32Array(maxItem + 1);
  const stayUntil = new Int32Array(maxItem + 1);
  // Integer sizes and a modest capacity (the usual case) let the pool's combinations be bucket-sorted by size,
  // and "how many combinations fit in x" become a table lookup instead of a binary search per candidate move.
  const tabled = capacity <= 1 << 16 && Number.isInteger(capacity) && sizes.every(Number.isInteger);
  const fitting = new Int32Array(tabled ? capacity + 2 : 0);

  // singles and pairs of pool items, sorted by total size, rebuilt after every move (the pool stays small)
  let comboCap = 0;
  let sums = new Float64Array(0);
  let first = new Int32Array(0);
  let second = new Int32Array(0);
  let rawSum = new Float64Array(0);
  let rawA = new Int32Array(0);
  let rawB = new Int32Array(0);
  let combos = 0;
  const rebuild = () => {
    const p = pool.length;
    const count = (p * (p + 1)) / 2;
    if (count > comboCap) {
      comboCap = Math.max(64, comboCap);
      while (comboCap < count) comboCap *= 2;
      sums = new Float64Array(comboCap);
      first = new Int32Array(comboCap);
      second = new Int32Array(comboCap);
      rawSum = new Float64Array(comboCap);
      rawA = new Int32Array(comboCap);
      rawB = new Int32Array(comboCap);
    }
    // only combinations that fit in an empty bin can ever be swapped in
    let k = 0;
    for (let x = 0; x < p; x++) {
      const ix = pool[x] as number;
      const wx = sizes[ix] as number;
      if (wx > cap) continue;
      rawSum[k] = wx;
      rawA[k] = ix;
      rawB[k++] = -1;
      for (let y = x + 1; y < p; y++) {
        const iy = pool[y] as number;
        const s2 = wx + (sizes[iy] as number);
        if (s2 > cap) continue;
        rawSum[k] = s2;
        rawA[k] = ix;
        rawB[k++] = iy;
      }
    }
    combos = k;
    if (tabled) {
      // counting sort; afterwards fitting[x + 1] = how many combinations weigh at most x
      fitting.fill(0);
      for (let c = 0; c < k; c++) fitting[(rawSum[c] as number) + 1]++;
      for (let x = 1; x < fitting.length; x++) fitting[x] = (fitting[x] as number) + (fitting[x - 1] as number);
      for (let c = 0; c < k; c++) {
        const at = fitting[rawSum[c] as number] as number;
        fitting[rawSum[c] as number] = at + 1;
        sums[at] = rawSum[c] as number;
        first[at] = rawA[c] as number;
        second[at] = rawB[c] as number;
      }
      // the placement pass shifted every start to the next bucket's: fitting[x] now counts sums ≤ x
    } else {
      const order = Array.from({ length: k }, (_, c) => c).sort(
        (u, v) => (rawSum[u] as number) - (rawSum[v] as number),
      );
      for (let c = 0; c < k; c++) {
        const o = order[c] as number;
        sums[c] = rawSum[o] as number;
        first[c] = rawA[o] as number;
        second[c] = rawB[o] as number;
      }
    }
  };
  /** How many combinations weigh at most `avail`. */
  const fitCount = (avail: number): number => {
    if (tabled) return fitting[Math.min(capacity, Math.floor(avail))] as number;
    let lo = 0;
    let hi = combos;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sums[mid] as number) <= avail) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  let iter = 0;
  // the best move of the iteration so far, and how many moves tied with it
  const move = { delta: -Infinity, ties: 0, bin: -1, out1: -1, out2: -1, combo: -1 };

  // the best pool combination to swap in for the items out1/out2 (−1: none) of bin b
  const consider = (b: number, room: number, removed: number, out1: number, out2: number) => {
    const stuck =
      (out1 >= 0 && (stayUntil[out1] as number) > iter) || (out2 >= 0 && (stayUntil[out2] as number) > iter);
    for (let c = fitCount(room + removed) - 1; c >= 0; c--) {
      const delta = (sums[c] as number) - removed;
      if (delta < move.delta) return;
      // a move that finishes the search is taken whatever the tabu memory says
      const finishing = poolSum - delta <= cap;
      if (stuck && !finishing) return;
      const a = first[c] as number;
      const a2 = second[c] as number;
      if (
        !finishing &&
        ((leftBin[a] === b && (leftUntil[a] as number) > iter) ||
          (a2 >= 0 && leftBin[a2] === b && (leftUntil[a2] as number) > iter))
      )
        continue;
      if (delta === 0 && isSameSizes(sizes, out1, out2, a, a2)) continue;
      // ties are broken at random: without that the search cycles among a few equal moves
      if (delta > move.delta) {
        move.delta = delta;
        move.ties = 1;
      } else if (rng() * ++move.ties >= 1) continue;
      move.bin = b;
      move.out1 = out1;
      move.out2 = out2;
      move.combo = c;
    }
  };

  const finish = (): number[][] | null => {
    if (poolSum > cap) return null;
    return [...bins, pool].filter((b) => b.length > 0);
  };

  let bestPool = poolSum;
  let lastGain = 0;
  while (iter < maxIterations && budget.tick()) {
    const done = finish();
    if (done) return done;
    if (poolSum < bestPool - eps) {
      bestPool = poolSum;
      lastGain = iter;
    } else if (iter - lastGain > tuning.kickAfter) {
      // Stuck: every swap keeps the pool as heavy. Usually a bin that cannot take any pool item (two large items
      // with room for nothing else) blocks the way; pouring a random bin, roomier ones likelier, into the pool
      // lets the swaps rebuild that corner.
      let kb = 0;
      let key = -Infinity;
      for (let b = 0; b < bins.length; b++) {
        const k = capacity - (load[b] as number) + rng() * capacity;
        if (k > key) {
          key = k;
          kb = b;
        }
      }
      for (const i of bins[kb] as number[]) {
        leftBin[i] = kb;
        leftUntil[i] = iter + tuning.leaveTenure;
        pool.push(i);
      }
      poolSum += load[kb] as number;
      bins[kb] = [];
      load[kb] = 0;
      bestPool = poolSum;
      lastGain = iter;
    }
    iter++;
    rebuild();
    move.delta = -Infinity;
    move.ties = 0;
    move.bin = -1;
    // a swap can raise a bin's load by at most its room, so full bins only matter when no bin with room offers a
    // gain (in the endgame most bins are full, and this halves the work)
    for (let pass = 0; pass < 2; pass++) {
      if (pass === 1 && move.delta > 0) break;
      for (let b = 0; b < bins.length; b++) {
        const room = cap - (load[b] as number);
        if (room > 2 * eps === (pass === 1)) continue;
        const items = bins[b] as number[];
        consider(b, room, 0, -1, -1);
        for (let x = 0; x < items.length; x++) {
          const ix = items[x] as number;
          const wx = sizes[ix] as number;
          consider(b, room, wx, ix, -1);
          for (let y = x + 1; y < items.length; y++) {
            const iy = items[y] as number;
            consider(b, room, wx + (sizes[iy] as number), ix, iy);
          }
        }
      }
    }
    if (move.bin < 0) return null;

    const bin = bins[move.bin] as number[];
    const tenure = tuning.leaveTenure + randomInt(rng, pool.length + 1);
    for (const i of [move.out1, move.out2]) {
      if (i < 0) continue;
      bin.splice(bin.indexOf(i), 1);
      leftBin[i] = move.bin;
      leftUntil[i] = iter + tenure;
      pool.push(i);
    }
    for (const i of [first[move.combo] as number, second[move.combo] as number]) {
      if (i < 0) continue;
      stayUntil[i] = iter + tuning.stayTenure + randomInt(rng, 3);
      const at = pool.indexOf(i);
      pool[at] = pool[pool.length - 1] as number;
      pool.pop();
      bin.push(i);
    }
    load[move.bin] = (load[move.bin] as number) + move.delta;
    poolSum -= move.delta;
  }
  return null;
}

/** Whether a swap only trades items for items of the same sizes (a no-op for the packing). */
function isSameSizes(sizes: readonly number[], out1: number, out2: number, in1: number, in2: number): boolean {
  if (out1 < 0 || out2 < 0 !== in2 < 0) return false;
  const o1 = sizes[out1] as number;
  const i1 = sizes[in1] as number;
  if (out2 < 0) return o1 === i1;
  const o2 = sizes[out2] as number;
  const i2 = sizes[in2] as number;
  return (o1 === i1 && o2 === i2) || (o1 === i2 && o2 === i1);
}
