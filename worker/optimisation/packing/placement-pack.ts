// Goal "pack": run the VMs on as few hosts as possible so the rest can be powered down. VMs that must move go
// largest first to the host they fill most snugly (a vector best fit); then hosts are emptied one at a time, the
// ones with the fewest VMs first (the cheapest to free in moves), their VMs spread over the hosts still running,
// making room with one ejection (moving a VM aside) where a direct fit fails.
import type { Budget } from './budget.ts';
import type { Placement } from './placement-state.ts';
import type { Rng } from './random.ts';

/** The running host (not `skip`) the VM may move to now with the least left over, or −1. */
export function snuggestHost(p: Placement, v: number, skip: number): number {
  let best = -1;
  let bestScore = Infinity;
  for (let h = 0; h < p.hostCount; h++) {
    if (h === skip || (p.count[h] as number) === 0 || !p.canTake(v, h)) continue;
    const score = p.leftover(v, h);
    if (score < bestScore) {
      bestScore = score;
      best = h;
    }
  }
  return best;
}

/**
 * Places the VMs that must move (largest first). A new host is started only when no running host has room:
 * the biggest one the VM may use, since it will take most of what follows; failing that, a VM is moved aside to
 * make room. Returns the VMs with nowhere to go.
 */
export function placeForPack(p: Placement, pending: readonly number[]): number[] {
  const stuck: number[] = [];
  for (const v of [...pending].sort((a, b) => p.size(b) - p.size(a) || a - b)) {
    let h = snuggestHost(p, v, -1);
    if (h < 0) {
      let bestRoom = -Infinity;
      for (let g = 0; g < p.hostCount; g++) {
        if ((p.count[g] as number) > 0 || !p.canTake(v, g)) continue;
        // free room (base load taken off), each resource over its scale
        let room = 0;
        for (let d = 0; d < p.scale.length; d++) {
          const k = g * p.scale.length + d;
          room += ((p.cap[k] as number) - (p.load[k] as number)) / (p.scale[d] as number);
        }
        if (room > bestRoom + 1e-9 || (room > bestRoom - 1e-9 && g === p.origin[v])) {
          bestRoom = room;
          h = g;
        }
      }
    }
    if (h < 0) h = ejectFor(p, v, -1, [], null, false);
    if (h < 0) stuck.push(v);
    else p.place(v, h);
  }
  return stuck;
}

/** Frees hosts while any can be freed; the budget bounds the work. */
export function emptyHosts(p: Placement, rng: Rng, budget: Budget): void {
  let freed = true;
  while (freed && !budget.exhausted) {
    freed = false;
    const order = p
      .usedHosts()
      .filter((h) => p.movable(h))
      .map((h) => ({ h, key: (p.count[h] as number) + p.utilisation(h) * 0.5 + rng() * 1e-6 }))
      .sort((a, b) => a.key - b.key);
    for (const { h } of order) {
      if (!budget.tick()) return;
      if ((p.count[h] as number) > 0 && tryToEmpty(p, h, budget)) freed = true;
    }
  }
}

/** Moves every VM off host h onto other running hosts, or changes nothing and returns false. */
function tryToEmpty(p: Placement, h: number, budget: Budget): boolean {
  const vms = p.vmsOn(h).sort((a, b) => p.size(b) - p.size(a) || a - b);
  // every VM needs another running host it may ever use, or there is no point trying
  for (const v of vms) {
    let any = false;
    for (let g = 0; g < p.hostCount && !any; g++) any = g !== h && (p.count[g] as number) > 0 && p.isEligible(v, g);
    if (!any) return false;
  }
  const undo: [number, number][] = [];
  for (const v of vms) {
    undo.push([v, h]);
    p.remove(v);
  }
  for (const v of vms) {
    let g = snuggestHost(p, v, h);
    if (g < 0) g = ejectFor(p, v, h, undo, budget);
    if (g < 0) {
      for (let i = undo.length - 1; i >= 0; i--) {
        const [u, from] = undo[i] as [number, number];
        p.remove(u);
        p.place(u, from);
      }
      return false;
    }
    p.place(v, g);
  }
  return true;
}

/**
 * Makes room for v on some host g (not h) by moving one of g's VMs to a third host. Returns g, with the ejected
 * VM moved and recorded in `undo`, or −1. With `runningOnly`, only hosts that run VMs are used (packing must not
 * start a host to free another). Without a budget (placing VMs that must move) it tries every pair: a VM must
 * not be reported unplaceable because a search ran out of steps.
 */
export function ejectFor(
  p: Placement,
  v: number,
  h: number,
  undo: [number, number][],
  budget: Budget | null,
  runningOnly = true,
): number {
  for (let g = 0; g < p.hostCount; g++) {
    if (g === h || (runningOnly && (p.count[g] as number) === 0) || !p.isEligible(v, g)) continue;
    // the smallest VMs whose leaving makes room find a third host most easily; two tries per host are plenty
    const candidates: number[] = [];
    for (const u of p.members[g] as Set<number>) if (!p.pinned[u] && p.canTakeWithout(v, g, u)) candidates.push(u);
    candidates.sort((a, b) => p.size(a) - p.size(b) || a - b);
    for (const u of candidates.slice(0, 2)) {
      if (budget && !budget.tick()) return -1;
      let k = -1;
      let best = Infinity;
      for (let c = 0; c < p.hostCount; c++) {
        if (c === h || c === g || (runningOnly && (p.count[c] as number) === 0) || !p.canTake(u, c)) continue;
        const score = p.leftover(u, c);
        if (score < best) {
          best = score;
          k = c;
        }
      }
      if (k >= 0) {
        undo.push([u, g]);
        p.place(u, k);
        return g;
      }
    }
  }
  return -1;
}
