// placeVms: from the current placement to a plan for the goal. VMs that may not stay (host in maintenance, not
// cleared for it, over-full host, anti-affinity clash, not yet placed) are placed first; the goal's search runs;
// then every move the result does not need is taken back, and the rest are ordered and explained.
import { Budget } from './budget.ts';
import { emptyHosts, placeForPack } from './placement-pack.ts';
import { explain, hostReports, orderedMoves, peakUtilisation, relabel, revertNeedless } from './placement-plan.ts';
import { balance, placeForSpread } from './placement-spread.ts';
import { DIMS, Placement, RESOURCES } from './placement-state.ts';
import type { PlacementInput, PlacementPlan, Unplaceable } from './placement-types.ts';
import { seededRng } from './random.ts';

export function placeVms(input: PlacementInput): PlacementPlan {
  validate(input);
  const clock = input.clock ?? (() => performance.now());
  const budget = new Budget(input.maxIterations ?? 200_000, clock() + (input.timeLimitMs ?? 1500), clock);
  const rng = seededRng(input.seed ?? 1);
  const p = new Placement(input);

  // start from where the VMs are, wherever they may stay
  const pending: number[] = [];
  for (let v = 0; v < p.vmCount; v++) {
    const o = p.origin[v] as number;
    if (o >= 0 && p.isEligible(v, o)) p.place(v, o);
    else pending.push(v);
  }
  pending.push(...evictClashes(p), ...evictOverload(p));

  const stuck = input.goal === 'pack' ? placeForPack(p, pending) : placeForSpread(p, pending);
  // what cannot move stays where it is (if anywhere), pinned so that the searches plan around it
  const reasons = new Map(stuck.map((v) => [v, explain(p, v, input)]));
  for (const v of stuck) {
    const o = p.origin[v] as number;
    if (o >= 0) p.place(v, o);
    p.pinned[v] = 1;
  }

  if (input.goal === 'pack') emptyHosts(p, rng, budget);
  else balance(p, budget);
  revertNeedless(p, input.goal);
  relabel(p, input.goal);
  revertNeedless(p, input.goal);

  const { moves, ordered } = orderedMoves(input, p);
  const hosts = hostReports(input, p);
  const unplaceable: Unplaceable[] = stuck.map((v) => ({
    vm: p.vms[v]?.id as string,
    host: (p.origin[v] as number) >= 0 ? (p.hosts[p.origin[v] as number]?.id as string) : null,
    reason: reasons.get(v) as string,
  }));
  const ran = (n: number) => n > 0;
  return {
    goal: input.goal,
    moves,
    ordered,
    hostsUsedBefore: hosts.filter((h) => ran(h.vmsBefore)).length,
    hostsUsedAfter: hosts.filter((h) => ran(h.vmsAfter)).length,
    freed: hosts.filter((h) => !h.maintenance && ran(h.vmsBefore) && !ran(h.vmsAfter)).map((h) => h.host),
    evacuated: hosts.filter((h) => h.maintenance && ran(h.vmsBefore) && !ran(h.vmsAfter)).map((h) => h.host),
    maxUtilisationBefore: Math.max(0, ...hosts.map((h) => h.utilisationBefore)),
    maxUtilisationAfter: Math.round(peakUtilisation(p) * 1e4) / 1e4,
    hosts,
    unplaceable,
  };
}

/** Two VMs of one anti-affinity group on a host: VMs leave, in arrival order, until no two share a group. */
function evictClashes(p: Placement): number[] {
  const out: number[] = [];
  for (let h = 0; h < p.hostCount; h++) {
    for (const v of p.vmsOn(h)) {
      p.remove(v);
      if (p.groupClash(v, h) >= 0) out.push(v);
      else p.place(v, h);
    }
  }
  return out;
}

/**
 * A host over its usable capacity (ratios or headroom tightened since the VMs were placed) sheds VMs until it
 * fits: each time the one that covers most of the worst overload, so that as few as possible move.
 */
function evictOverload(p: Placement): number[] {
  const out: number[] = [];
  for (let h = 0; h < p.hostCount; h++) {
    while (p.overloaded(h)) {
      let worst = 0;
      let over = 0;
      for (let d = 0; d < DIMS; d++) {
        const cap = p.cap[h * DIMS + d] as number;
        const excess = ((p.load[h * DIMS + d] as number) - cap) / Math.max(cap, 1e-9);
        if (excess > over) {
          over = excess;
          worst = d;
        }
      }
      const need = (p.load[h * DIMS + worst] as number) - (p.cap[h * DIMS + worst] as number);
      let pick = -1;
      let pickKey = Infinity;
      for (const v of p.vmsOn(h)) {
        const x = p.demand[v * DIMS + worst] as number;
        if (x <= 0) continue;
        // the smallest VM that clears the overload alone, else the largest
        const key = x >= need ? x : 1e18 - x;
        if (key < pickKey) {
          pickKey = key;
          pick = v;
        }
      }
      if (pick < 0) break;
      p.remove(pick);
      out.push(pick);
    }
  }
  return out;
}

function validate(input: PlacementInput): void {
  if (input.goal !== 'pack' && input.goal !== 'spread') throw new RangeError(`goal must be 'pack' or 'spread'`);
  const hostIds = new Set<string>();
  for (const h of input.hosts) {
    if (hostIds.has(h.id)) throw new RangeError(`host ${h.id} is listed twice`);
    hostIds.add(h.id);
    for (const r of RESOURCES) {
      const c = h.capacity[r];
      if (!Number.isFinite(c) || c < 0) throw new RangeError(`host ${h.id}: capacity.${r} must be a number ≥ 0`);
      const b = h.baseLoad?.[r] ?? 0;
      if (!Number.isFinite(b) || b < 0) throw new RangeError(`host ${h.id}: baseLoad.${r} must be a number ≥ 0`);
    }
    for (const ratio of [h.overcommit?.cpu ?? 1, h.overcommit?.ram ?? 1])
      if (!Number.isFinite(ratio) || ratio <= 0) throw new RangeError(`host ${h.id}: overcommit ratios must be > 0`);
    const headroom = h.headroom ?? 0;
    if (!(headroom >= 0 && headroom < 1)) throw new RangeError(`host ${h.id}: headroom must be in [0, 1)`);
  }
  const vmIds = new Set<string>();
  for (const v of input.vms) {
    if (vmIds.has(v.id)) throw new RangeError(`VM ${v.id} is listed twice`);
    vmIds.add(v.id);
    for (const r of RESOURCES) {
      const x = v.demand[r];
      if (!Number.isFinite(x) || x < 0) throw new RangeError(`VM ${v.id}: demand.${r} must be a number ≥ 0`);
    }
  }
}
