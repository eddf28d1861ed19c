// Goal "spread": the lowest peak utilisation (load over usable capacity, worst resource) across the hosts. VMs that
// must move go largest first to whichever host ends up least utilised; then the most utilised host hands a VM to
// the host where it lowers the peak most, one move at a time (or trades a VM for a smaller one where no single
// move helps), until that host cannot be relieved. Each step lowers the sorted list of utilisations, so the loop
// ends, and nothing moves that does not cut the peak.
import type { Budget } from './budget.ts';
import { ejectFor } from './placement-pack.ts';
import type { Placement } from './placement-state.ts';

/** Places the VMs that must move, largest first, each where utilisation ends lowest; moves one aside if need be. */
export function placeForSpread(p: Placement, pending: readonly number[]): number[] {
  const stuck: number[] = [];
  for (const v of [...pending].sort((a, b) => p.size(b) - p.size(a) || a - b)) {
    let best = -1;
    let bestUse = Infinity;
    for (let h = 0; h < p.hostCount; h++) {
      if (!p.canTake(v, h)) continue;
      const use = p.utilisation(h, v, 1);
      if (use < bestUse - 1e-12 || (use < bestUse + 1e-12 && h === p.origin[v])) {
        bestUse = use;
        best = h;
      }
    }
    if (best < 0) best = ejectFor(p, v, -1, [], null, false);
    if (best < 0) stuck.push(v);
    else p.place(v, best);
  }
  return stuck;
}

export function balance(p: Placement, budget: Budget): void {
  while (budget.tick()) {
    let top = -1;
    let peak = -Infinity;
    for (let h = 0; h < p.hostCount; h++) {
      if ((p.count[h] as number) === 0 || p.hosts[h]?.maintenance) continue;
      const u = p.utilisation(h);
      if (u > peak) {
        peak = u;
        top = h;
      }
    }
    if (top < 0) return;
    let move: { v: number; g: number; after: number; home: boolean } | null = null;
    for (const v of p.vmsOn(top)) {
      if (p.pinned[v]) continue;
      const relieved = p.utilisation(top, v, -1);
      for (let g = 0; g < p.hostCount; g++) {
        if (g === top || !p.canTake(v, g)) continue;
        const after = Math.max(relieved, p.utilisation(g, v, 1));
        if (after >= peak - 1e-12) continue;
        // among equal peaks, a VM going back to its own host undoes an earlier move instead of adding one
        const home = g === p.origin[v];
        if (!move || after < move.after - 1e-12 || (after < move.after + 1e-12 && home && !move.home))
          move = { v, g, after, home };
      }
    }
    if (move) {
      p.place(move.v, move.g);
      continue;
    }
    if (!swapOffPeak(p, top, peak)) return;
  }
}

/**
 * No single VM can leave the peak host without raising another host to the peak: trade one of its VMs for a
 * smaller one elsewhere (two moves), the trade that leaves the lower peak. False if none lowers it.
 */
function swapOffPeak(p: Placement, top: number, peak: number): boolean {
  let best: { v: number; u: number; g: number; after: number } | null = null;
  for (const v of p.vmsOn(top)) {
    if (p.pinned[v]) continue;
    for (let g = 0; g < p.hostCount; g++) {
      if (g === top || !p.isEligible(v, g)) continue;
      for (const u of p.vmsOn(g)) {
        if (p.pinned[u] || !p.isEligible(u, top)) continue;
        p.remove(v);
        p.remove(u);
        if (p.canTake(u, top) && p.canTake(v, g)) {
          const after = Math.max(p.utilisation(top, u, 1), p.utilisation(g, v, 1));
          if (after < peak - 1e-12 && (!best || after < best.after - 1e-12)) best = { v, u, g, after };
        }
        p.place(v, top);
        p.place(u, g);
      }
    }
  }
  if (!best) return false;
  p.place(best.v, best.g);
  p.place(best.u, top);
  return true;
}
