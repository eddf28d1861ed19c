// From a final placement to a plan: take back every move the result does not need, run the moves in an order
// where each fits when it happens, and report loads before and after and why any VM was left where it was.
import { DIMS, RESOURCES, resourcesOf, type Placement } from './placement-state.ts';
import type { HostReport, Move, PlacementGoal, PlacementInput } from './placement-types.ts';

const EPS = 1e-9;

/** Highest utilisation over hosts that run VMs or carry base load. */
export function peakUtilisation(p: Placement): number {
  let peak = 0;
  for (let h = 0; h < p.hostCount; h++) peak = Math.max(peak, p.utilisation(h));
  return peak;
}

/**
 * Sends a moved VM back to its own host wherever that costs the goal nothing: for pack, the host still runs VMs
 * (no host is started again); for spread, the peak does not rise.
 */
export function revertNeedless(p: Placement, goal: PlacementGoal): void {
  let changed = true;
  while (changed) {
    changed = false;
    const peak = peakUtilisation(p);
    for (let v = 0; v < p.vmCount; v++) {
      const o = p.origin[v] as number;
      const w = p.where[v] as number;
      if (o < 0 || w === o || w < 0 || !p.canTake(v, o)) continue;
      if (goal === 'pack' && (p.count[o] as number) === 0) continue;
      if (goal === 'spread' && p.utilisation(o, v, 1) > peak + EPS) continue;
      p.place(v, o);
      changed = true;
    }
  }
}

/**
 * Trades whole host contents where that keeps more VMs at home: a result that puts host A's VMs on B and B's on
 * A is the same packing with two hosts' labels swapped, and needs none of those moves. A host pair is swapped
 * when both sets fit the other host, are cleared for it, and the swap keeps more VMs where they are.
 */
export function relabel(p: Placement, goal: PlacementGoal): void {
  const H = p.hostCount;
  let changed = true;
  let rounds = 0;
  while (changed && rounds++ < 2 * H + 2) {
    changed = false;
    for (let a = 0; a < H; a++) {
      if ((p.count[a] as number) === 0 || !p.movable(a)) continue;
      // candidate partners: the hosts a's VMs came from
      const partners = new Set<number>();
      for (const v of p.members[a] as Set<number>) {
        const o = p.origin[v] as number;
        if (o >= 0 && o !== a) partners.add(o);
      }
      for (const b of partners) {
        if (p.hosts[b]?.maintenance || !p.movable(b)) continue;
        if (swapGain(p, a, b) > 0 && swapFits(p, a, b, goal)) {
          swapContents(p, a, b);
          changed = true;
          break;
        }
      }
    }
  }
}

function stays(p: Placement, vms: Iterable<number>, host: number): number {
  let n = 0;
  for (const v of vms) if (p.origin[v] === host) n++;
  return n;
}

function swapGain(p: Placement, a: number, b: number): number {
  const A = p.members[a] as Set<number>;
  const B = p.members[b] as Set<number>;
  return stays(p, A, b) + stays(p, B, a) - stays(p, A, a) - stays(p, B, b);
}

function swapFits(p: Placement, a: number, b: number, goal: PlacementGoal): boolean {
  const A = [...(p.members[a] as Set<number>)];
  const B = [...(p.members[b] as Set<number>)];
  if (A.some((v) => !p.isEligible(v, b)) || B.some((v) => !p.isEligible(v, a))) return false;
  const peak = peakUtilisation(p);
  for (const [to, set] of [
    [b, A],
    [a, B],
  ] as const) {
    let worst = 0;
    for (let d = 0; d < DIMS; d++) {
      let load = p.base[to * DIMS + d] as number;
      for (const v of set) load += p.demand[v * DIMS + d] as number;
      const cap = p.cap[to * DIMS + d] as number;
      if (load > cap + Math.max(EPS, cap * EPS)) return false;
      worst = Math.max(worst, cap > 0 ? load / cap : load > EPS ? Infinity : 0);
    }
    if (goal === 'spread' && worst > peak + EPS) return false;
  }
  return true;
}

function swapContents(p: Placement, a: number, b: number): void {
  const A = [...(p.members[a] as Set<number>)];
  const B = [...(p.members[b] as Set<number>)];
  for (const v of [...A, ...B]) p.remove(v);
  for (const v of A) p.place(v, b);
  for (const v of B) p.place(v, a);
}

/**
 * The moves from the input placement to p, in an order where each fits its target when it runs, if one exists.
 * Moves that wait on each other in a cycle (A's VM needs the room B's VM leaves, and the other way round) are
 * broken by parking one VM of the cycle on a host outside it: a temporary move, then its own move once its
 * target has room. Without such a host the rest are listed unordered.
 */
export function orderedMoves(input: PlacementInput, p: Placement): { moves: Move[]; ordered: boolean } {
  const pending: number[] = [];
  for (let v = 0; v < p.vmCount; v++) {
    const w = p.where[v] as number;
    if (w >= 0 && w !== p.origin[v]) pending.push(v);
  }
  // replay on a copy that starts from the input placement
  const sim = p.asGiven(input);
  const moves: Move[] = [];
  const parked = new Set<number>();
  let ordered = true;
  const hostName = (h: number) => (h < 0 ? null : (p.hosts[h]?.id as string));
  const move = (v: number, to: number, temporary = false) => {
    moves.push({
      vm: p.vms[v]?.id as string,
      from: hostName(sim.where[v] as number) ?? p.vms[v]?.host ?? null,
      to: hostName(to) as string,
      ...(temporary ? { temporary: true as const } : {}),
    });
    sim.place(v, to);
  };
  while (pending.length > 0) {
    // VMs leaving maintenance or over-full hosts first, then the rest, each as soon as its target has room
    const at = pending.findIndex((v) => {
      const t = p.where[v] as number;
      return sim.hasRoom(v, t) && sim.groupClash(v, t) < 0;
    });
    if (at >= 0) {
      const v = pending[at] as number;
      pending.splice(at, 1);
      move(v, p.where[v] as number);
      continue;
    }
    const park = parking(p, sim, pending, parked);
    if (!park) {
      ordered = false;
      for (const v of pending) move(v, p.where[v] as number);
      break;
    }
    parked.add(park.vm);
    move(park.vm, park.host, true);
  }
  return { moves, ordered };
}

/**
 * A VM of a stuck set of moves, and a host to park it on, such that its leaving lets another move start. The
 * host must take it now (cleared, room, no anti-affinity clash), is not its final one, and is preferably one no
 * pending move is waiting to fill; the smallest VM is parked, each VM at most once.
 */
function parking(
  p: Placement,
  sim: Placement,
  pending: readonly number[],
  parked: ReadonlySet<number>,
): { vm: number; host: number } | null {
  const targets = new Set(pending.map((v) => p.where[v] as number));
  let best: { vm: number; host: number; key: [number, number, number] } | null = null;
  const better = (a: readonly number[], b: readonly number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
    return false;
  };
  for (const v of pending) {
    if (parked.has(v)) continue;
    const from = sim.where[v] as number;
    // its leaving must let some other pending move into `from`
    if (!pending.some((u) => u !== v && p.where[u] === from && sim.canTakeWithout(u, from, v))) continue;
    for (let h = 0; h < p.hostCount; h++) {
      if (h === from || h === p.where[v] || p.hosts[h]?.maintenance || !sim.canTake(v, h)) continue;
      // smaller VMs first, then hosts nobody is waiting for, then the host left with the most room
      const key: [number, number, number] = [p.size(v), targets.has(h) ? 1 : 0, -sim.leftover(v, h)];
      if (!best || better(key, best.key)) best = { vm: v, host: h, key };
    }
  }
  return best && { vm: best.vm, host: best.host };
}

/** Per-host loads before (the input placement) and after (p). */
export function hostReports(input: PlacementInput, p: Placement): HostReport[] {
  const before = p.asGiven(input);
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return p.hosts.map((host, h) => ({
    host: host.id,
    ...(host.zone === undefined ? {} : { zone: host.zone }),
    maintenance: host.maintenance === true,
    capacity: resourcesOf(p.cap, h * DIMS),
    before: resourcesOf(before.load, h * DIMS),
    after: resourcesOf(p.load, h * DIMS),
    utilisationBefore: round(before.utilisation(h)),
    utilisationAfter: round(p.utilisation(h)),
    vmsBefore: before.count[h] as number,
    vmsAfter: p.count[h] as number,
  }));
}

const list = (names: string[]): string =>
  names.length <= 4 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;

/** Why VM v could not be placed as the goal needs: what rules each host out, hosts with the same reason grouped. */
export function explain(p: Placement, v: number, input: PlacementInput): string {
  const vm = p.vms[v];
  const allowed = vm?.allowedHosts ? new Set(vm.allowedHosts) : null;
  const groups = new Map<string, string[]>();
  const add = (reason: string, host: string) => groups.set(reason, [...(groups.get(reason) ?? []), host]);
  let everEligible = false;
  p.hosts.forEach((host, h) => {
    if (host.maintenance) return add('in maintenance', host.id);
    if ((allowed && !allowed.has(host.id)) || (vm && input.canRun && !input.canRun(vm, host)))
      return add('not cleared for it', host.id);
    const short = shortOn(p, v, h, true);
    if (short) return add(`too small even when empty (${short})`, host.id);
    everEligible = true;
    const clash = p.groupClash(v, h);
    if (clash >= 0 && p.where[v] !== h)
      return add(`runs a VM of its anti-affinity group ${p.groupName(clash)}`, host.id);
    const full = shortOn(p, v, h, false);
    if (full) return add(`full (${full})`, host.id);
    add('not chosen', host.id);
  });
  if (p.hostCount === 0) return 'there are no hosts';
  const detail = [...groups].map(([reason, hosts]) => `${list(hosts)}: ${reason}`).join('; ');
  return everEligible ? `no host it may use has room for it — ${detail}` : `no host can ever take it — ${detail}`;
}

/** The first resource short on host h for VM v ("ram_mb 65536 asked, 49152 usable"), or ''. */
function shortOn(p: Placement, v: number, h: number, empty: boolean): string {
  const onHost = p.where[v] === h;
  for (let d = 0; d < DIMS; d++) {
    const k = h * DIMS + d;
    const asked = p.demand[v * DIMS + d] as number;
    const used = empty ? (p.base[k] as number) : (p.load[k] as number) - (onHost ? asked : 0);
    const free = (p.cap[k] as number) - used;
    if (asked > free + Math.max(EPS, (p.cap[k] as number) * EPS)) {
      const r = (x: number) => String(Math.round(x * 100) / 100);
      return `${RESOURCES[d]} ${r(asked)} asked, ${r(Math.max(0, free))} ${empty ? 'usable' : 'free'}`;
    }
  }
  return '';
}
