// The placement model's public shapes: plain data in, a plan out, nothing about where hosts or VMs are stored.

/** An amount of each resource a VM asks for or a host offers. */
export interface Resources {
  vcpu: number;
  ram_mb: number;
  disk_gb: number;
}

export interface HostSpec {
  id: string;
  /** physical capacity: cores (or hardware threads) as vcpu, RAM in MB, local disk in GB */
  capacity: Resources;
  /** vCPUs promised per physical one, RAM promised per physical MB (default 1 each); disk is not overcommitted */
  overcommit?: { cpu?: number; ram?: number };
  /** fraction of the overcommitted capacity kept free, 0 ≤ headroom < 1 (default 0) */
  headroom?: number;
  /** reported back only: which hosts a VM may use is the caller's decision (allowedHosts, canRun) */
  zone?: string;
  /** a host in maintenance is evacuated and never chosen as a target */
  maintenance?: boolean;
  /** demand on the host that the plan does not move: the hypervisor's own, guests not listed in `vms` */
  baseLoad?: Partial<Resources>;
}

export interface VmSpec {
  id: string;
  demand: Resources;
  /** the host it runs on now; null for a VM not yet placed */
  host: string | null;
  /** anti-affinity groups: no two VMs that share a group may run on one host */
  antiAffinity?: readonly string[];
  /** the hosts this VM is cleared for (its zones, licences, hardware); absent means every host */
  allowedHosts?: readonly string[];
}

export type PlacementGoal = 'pack' | 'spread';

export interface PlacementInput {
  hosts: readonly HostSpec[];
  vms: readonly VmSpec[];
  /** pack: run on as few hosts as possible, to power the rest down; spread: lowest possible peak utilisation */
  goal: PlacementGoal;
  /** a further check the caller owns (zone clearance, say): may this VM run on this host */
  canRun?: (vm: VmSpec, host: HostSpec) => boolean;
  /** seed of the random tie-breaks (default 1): the same input gives the same plan */
  seed?: number;
  /** search steps allowed (default 200 000; a step is one host-emptying try or one VM tried aside): the limit
   * that holds in a Worker, whose clock stands still while it computes */
  maxIterations?: number;
  /** wall-clock limit in ms (default 1500), binding under Node only */
  timeLimitMs?: number;
  clock?: () => number;
}

export interface Move {
  vm: string;
  /** null: the VM was not placed before */
  from: string | null;
  to: string;
  /** a stop on the way out of a cycle of moves: the VM moves on to its own target in a later move */
  temporary?: true;
}

export interface HostReport {
  host: string;
  zone?: string;
  maintenance: boolean;
  /** what may be used: physical × overcommit × (1 − headroom) */
  capacity: Resources;
  /** demand on the host, base load included, before and after the plan */
  before: Resources;
  after: Resources;
  /** the highest of load / capacity over the three resources (1 = full up to the headroom) */
  utilisationBefore: number;
  utilisationAfter: number;
  vmsBefore: number;
  vmsAfter: number;
}

export interface Unplaceable {
  vm: string;
  /** where it stays (its current host, or null) */
  host: string | null;
  reason: string;
}

export interface PlacementPlan {
  goal: PlacementGoal;
  /** the fewest moves found that reach the result */
  moves: Move[];
  /** true when every move fits on its target at the moment it runs, taken in the listed order (cycles are
   * broken by parking a VM on a host outside them: a temporary move) */
  ordered: boolean;
  hostsUsedBefore: number;
  hostsUsedAfter: number;
  /** hosts that ran VMs before and run none after: candidates for power-down (maintenance hosts excluded) */
  freed: string[];
  /** maintenance hosts that the plan empties */
  evacuated: string[];
  maxUtilisationBefore: number;
  maxUtilisationAfter: number;
  hosts: HostReport[];
  /** VMs the plan could not place as required, with the reason; they stay where they are */
  unplaceable: Unplaceable[];
}
