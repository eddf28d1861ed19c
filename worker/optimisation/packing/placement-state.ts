// The mutable model the placement goals work on: usable capacity, load and VM count per host, where each VM is,
// which hosts each VM may ever use, and anti-affinity group counts — with typed arrays, because the searches
// test "does this VM fit there" far more often than anything else.
import type { HostSpec, PlacementInput, Resources, VmSpec } from './placement-types.ts';

export const RESOURCES = ['vcpu', 'ram_mb', 'disk_gb'] as const;
export const DIMS = RESOURCES.length;

export const vectorOf = (r: Partial<Resources> | undefined): number[] => RESOURCES.map((k) => r?.[k] ?? 0);

export const resourcesOf = (v: ArrayLike<number>, at = 0): Resources => ({
  vcpu: v[at] as number,
  ram_mb: v[at + 1] as number,
  disk_gb: v[at + 2] as number,
});

export class Placement {
  readonly hosts: readonly HostSpec[];
  readonly vms: readonly VmSpec[];
  /** usable capacity per host and resource: physical × overcommit × (1 − headroom) */
  readonly cap: Float64Array;
  readonly load: Float64Array;
  /** load the plan does not move */
  readonly base: Float64Array;
  readonly count: Int32Array;
  readonly where: Int32Array;
  /** where each VM was before the plan (−1: nowhere, or on a host not in the input) */
  readonly origin: Int32Array;
  readonly demand: Float64Array;
  /** 1 where the VM may ever run on the host: not in maintenance, cleared, and fits the empty host */
  readonly eligible: Uint8Array;
  /** a per-resource scale (mean usable capacity) that makes vCPU, MB and GB comparable */
  readonly scale: number[];
  /** VMs on each host, in the order they arrived (so every walk over them is reproducible) */
  readonly members: Set<number>[];
  /** VMs the searches must leave where they are (nowhere to go; they stay put) */
  readonly pinned: Uint8Array;
  private readonly groups: number[][];
  private readonly groupNames: string[];
  private readonly groupCount: Map<number, number>[];
  private readonly tol: Float64Array;

  /**
   * The model of `input` with no VM placed. With `like`, the capacities, demands and eligibility are shared with
   * that model instead of being worked out again (the caller's canRun is not asked twice).
   */
  constructor(input: PlacementInput, like?: Placement) {
    const { hosts, vms } = input;
    this.hosts = hosts;
    this.vms = vms;
    const H = hosts.length;
    const V = vms.length;
    this.count = new Int32Array(H);
    this.where = new Int32Array(V).fill(-1);
    this.members = hosts.map(() => new Set<number>());
    this.pinned = new Uint8Array(V);
    this.groupCount = hosts.map(() => new Map());
    if (like) {
      this.cap = like.cap;
      this.base = like.base;
      this.tol = like.tol;
      this.origin = like.origin;
      this.demand = like.demand;
      this.groups = like.groups;
      this.groupNames = like.groupNames;
      this.scale = like.scale;
      this.eligible = like.eligible;
      this.load = Float64Array.from(like.base);
      return;
    }
    this.cap = new Float64Array(H * DIMS);
    this.base = new Float64Array(H * DIMS);
    this.tol = new Float64Array(H * DIMS);
    hosts.forEach((h, i) => {
      const ratio = [h.overcommit?.cpu ?? 1, h.overcommit?.ram ?? 1, 1];
      const keep = 1 - (h.headroom ?? 0);
      const physical = vectorOf(h.capacity);
      const base = vectorOf(h.baseLoad);
      for (let d = 0; d < DIMS; d++) {
        const c = (physical[d] as number) * (ratio[d] as number) * keep;
        this.cap[i * DIMS + d] = c;
        this.base[i * DIMS + d] = base[d] as number;
        // room for rounding in sums of fractional GB or vCPU, never enough to admit a real unit
        this.tol[i * DIMS + d] = Math.max(1e-9, c * 1e-9);
      }
    });
    this.load = Float64Array.from(this.base);
    const hostIndex = new Map(hosts.map((h, i) => [h.id, i]));
    this.origin = Int32Array.from(vms, (v) => (v.host === null ? -1 : (hostIndex.get(v.host) ?? -1)));
    this.demand = new Float64Array(V * DIMS);
    vms.forEach((v, i) => vectorOf(v.demand).forEach((x, d) => (this.demand[i * DIMS + d] = x)));

    const groupIds = new Map<string, number>();
    this.groups = vms.map((v) =>
      [...new Set(v.antiAffinity ?? [])].map((g) => {
        if (!groupIds.has(g)) groupIds.set(g, groupIds.size);
        return groupIds.get(g) as number;
      }),
    );
    this.groupNames = [...groupIds.keys()];

    const targetable = hosts.map((h) => !h.maintenance);
    this.scale = RESOURCES.map((_, d) => {
      let sum = 0;
      let n = 0;
      hosts.forEach((_, h) => {
        if (targetable[h]) {
          sum += this.cap[h * DIMS + d] as number;
          n++;
        }
      });
      return sum > 0 ? sum / n : 1;
    });
    this.eligible = new Uint8Array(V * H);
    vms.forEach((vm, v) => {
      const allowed = vm.allowedHosts ? new Set(vm.allowedHosts) : null;
      hosts.forEach((host, h) => {
        if (!targetable[h]) return;
        if (allowed && !allowed.has(host.id)) return;
        if (input.canRun && !input.canRun(vm, host)) return;
        if (!this.fitsEmpty(v, h)) return;
        this.eligible[v * H + h] = 1;
      });
    });
  }

  /** The input placement: every VM on the host it names (if that host is listed), checks or no checks. */
  asGiven(input: PlacementInput): Placement {
    const before = new Placement(input, this);
    for (let v = 0; v < this.vms.length; v++)
      if ((this.origin[v] as number) >= 0) before.place(v, this.origin[v] as number);
    return before;
  }

  get hostCount(): number {
    return this.hosts.length;
  }

  get vmCount(): number {
    return this.vms.length;
  }

  isEligible(v: number, h: number): boolean {
    return this.eligible[v * this.hosts.length + h] === 1;
  }

  /** Whether the VM fits the host with nothing but the base load on it. */
  fitsEmpty(v: number, h: number): boolean {
    for (let d = 0; d < DIMS; d++) {
      const k = h * DIMS + d;
      if (
        (this.base[k] as number) + (this.demand[v * DIMS + d] as number) >
        (this.cap[k] as number) + (this.tol[k] as number)
      )
        return false;
    }
    return true;
  }

  /** Room for the VM's demand on the host as loaded now (the VM itself not on it). */
  hasRoom(v: number, h: number): boolean {
    for (let d = 0; d < DIMS; d++) {
      const k = h * DIMS + d;
      if (
        (this.load[k] as number) + (this.demand[v * DIMS + d] as number) >
        (this.cap[k] as number) + (this.tol[k] as number)
      )
        return false;
    }
    return true;
  }

  /** Room for v on host h once u (on h) has left: the arithmetic alone, a cheap filter before trying it. */
  hasRoomWithout(v: number, h: number, u: number): boolean {
    for (let d = 0; d < DIMS; d++) {
      const k = h * DIMS + d;
      const load = (this.load[k] as number) - (this.demand[u * DIMS + d] as number);
      if (load + (this.demand[v * DIMS + d] as number) > (this.cap[k] as number) + (this.tol[k] as number))
        return false;
    }
    return true;
  }

  /** Whether v could move to h if u (now on h) moved away first: eligible, room, no anti-affinity clash. */
  canTakeWithout(v: number, h: number, u: number): boolean {
    if (!this.isEligible(v, h) || !this.hasRoomWithout(v, h, u)) return false;
    const counts = this.groupCount[h] as Map<number, number>;
    const ofU = this.groups[u] as number[];
    for (const g of this.groups[v] as number[]) if ((counts.get(g) ?? 0) - (ofU.includes(g) ? 1 : 0) > 0) return false;
    return true;
  }

  /** The anti-affinity group the VM shares with a VM on the host, if any. */
  groupClash(v: number, h: number): number {
    const counts = this.groupCount[h] as Map<number, number>;
    for (const g of this.groups[v] as number[]) if ((counts.get(g) ?? 0) > 0) return g;
    return -1;
  }

  groupName(g: number): string {
    return this.groupNames[g] ?? String(g);
  }

  /** Eligible, with room, and no anti-affinity clash: the VM may move there now. */
  canTake(v: number, h: number): boolean {
    return this.isEligible(v, h) && this.hasRoom(v, h) && this.groupClash(v, h) < 0;
  }

  place(v: number, h: number): void {
    if (this.where[v] !== -1) this.remove(v);
    this.where[v] = h;
    (this.members[h] as Set<number>).add(v);
    this.count[h] = (this.count[h] as number) + 1;
    for (let d = 0; d < DIMS; d++)
      this.load[h * DIMS + d] = (this.load[h * DIMS + d] as number) + (this.demand[v * DIMS + d] as number);
    const counts = this.groupCount[h] as Map<number, number>;
    for (const g of this.groups[v] as number[]) counts.set(g, (counts.get(g) ?? 0) + 1);
  }

  remove(v: number): void {
    const h = this.where[v] as number;
    if (h < 0) return;
    this.where[v] = -1;
    (this.members[h] as Set<number>).delete(v);
    this.count[h] = (this.count[h] as number) - 1;
    for (let d = 0; d < DIMS; d++)
      this.load[h * DIMS + d] = (this.load[h * DIMS + d] as number) - (this.demand[v * DIMS + d] as number);
    const counts = this.groupCount[h] as Map<number, number>;
    for (const g of this.groups[v] as number[]) counts.set(g, (counts.get(g) ?? 0) - 1);
  }

  /** The highest load / capacity over the resources (a resource the host lacks counts as full if used at all). */
  utilisation(h: number, extra = -1, sign = 1): number {
    let worst = 0;
    for (let d = 0; d < DIMS; d++) {
      const k = h * DIMS + d;
      const l = (this.load[k] as number) + (extra >= 0 ? sign * (this.demand[extra * DIMS + d] as number) : 0);
      const c = this.cap[k] as number;
      const u = c > 0 ? l / c : l > (this.tol[k] as number) ? Infinity : 0;
      if (u > worst) worst = u;
    }
    return worst;
  }

  /** The VM's demand over the resource scales: one number to order VMs by size. */
  size(v: number): number {
    let s = 0;
    for (let d = 0; d < DIMS; d++) s += (this.demand[v * DIMS + d] as number) / (this.scale[d] as number);
    return s;
  }

  /**
   * How well the VM fills the host: the squared length of what would be left free, each resource over the host's
   * capacity. Smaller is tighter, and a host whose free resources have the VM's shape scores best, so no single
   * resource runs out while the others sit idle.
   */
  leftover(v: number, h: number): number {
    let s = 0;
    for (let d = 0; d < DIMS; d++) {
      const k = h * DIMS + d;
      const c = this.cap[k] as number;
      if (c <= 0) continue;
      const r = (c - (this.load[k] as number) - (this.demand[v * DIMS + d] as number)) / c;
      s += r * r;
    }
    return s;
  }

  vmsOn(h: number): number[] {
    return [...(this.members[h] as Set<number>)];
  }

  /** Hosts that run at least one VM, in index order. */
  usedHosts(): number[] {
    const out: number[] = [];
    for (let h = 0; h < this.hosts.length; h++) if ((this.count[h] as number) > 0) out.push(h);
    return out;
  }

  /** The host's current contents could move elsewhere: none of its VMs is pinned. */
  movable(h: number): boolean {
    for (const v of this.members[h] as Set<number>) if (this.pinned[v]) return false;
    return true;
  }

  /** Over capacity on some resource (the current placement may be, after a ratio or headroom change). */
  overloaded(h: number): boolean {
    for (let d = 0; d < DIMS; d++) {
      const k = h * DIMS + d;
      if ((this.load[k] as number) > (this.cap[k] as number) + (this.tol[k] as number)) return true;
    }
    return false;
  }
}
