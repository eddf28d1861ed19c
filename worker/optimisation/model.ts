// The estate as the solver sees it, and the solver's answer as the API shows it: plain functions over plain rows
// (tests/unit/placement-model.test.ts). Which VM may go to which host is the caller's `canMoveTo`.
import type { HostSpec, PlacementInput, PlacementPlan, Resources, VmSpec } from './packing';

export interface PlanHostRow {
  id: number;
  name: string;
  cpu_cores: number | null;
  ram_gb: number | null;
  storage_tb: number | null;
  ratios: { cpu: number; ram: number; disk: number };
  /** allocated power, what powering the host down saves */
  power_w: number;
  /** set when the host must be emptied: in maintenance, or a maintenance window covers it */
  maintenance_reason: string | null;
}

export interface PlanVmRow {
  id: number;
  name: string;
  host_server_id: number;
  cpu_cores: number;
  ram_gb: number;
  disk_gb: number;
  anti_affinity_group: string | null;
  /** false: it stays where it is (an operation in flight, or a state live migration cannot start from) */
  movable: boolean;
}

/**
 * A resource the host does not record (no core count; disk on shared storage) is not a limit, as the
 * virtualization capacity check treats it: a capacity far above any estate stands in for "unlimited".
 */
const UNLIMITED = 1e9;
const demandOf = (v: PlanVmRow): Resources => ({ vcpu: v.cpu_cores, ram_mb: v.ram_gb * 1024, disk_gb: v.disk_gb });

export function placementInput(
  hosts: readonly PlanHostRow[],
  vms: readonly PlanVmRow[],
  opts: { goal: 'pack' | 'spread'; headroom_pct: number; canMoveTo: (vm: PlanVmRow, host: PlanHostRow) => boolean },
): PlacementInput {
  const fixed = new Map<number, Resources>();
  for (const v of vms) {
    if (v.movable) continue;
    const d = demandOf(v);
    const f = fixed.get(v.host_server_id) ?? { vcpu: 0, ram_mb: 0, disk_gb: 0 };
    fixed.set(v.host_server_id, { vcpu: f.vcpu + d.vcpu, ram_mb: f.ram_mb + d.ram_mb, disk_gb: f.disk_gb + d.disk_gb });
  }
  // hosts go by name inside the solver (unique, like ids): its explanations then read as an operator's would
  const nameOf = new Map(hosts.map((h) => [h.id, h.name]));
  const hostSpecs: HostSpec[] = hosts.map((h) => ({
    id: h.name,
    capacity: {
      vcpu: h.cpu_cores ?? UNLIMITED,
      ram_mb: h.ram_gb === null ? UNLIMITED : h.ram_gb * 1024,
      // disk is promised one to one unless the host says otherwise; the solver does not overcommit it itself
      disk_gb: h.storage_tb === null ? UNLIMITED : h.storage_tb * 1000 * h.ratios.disk,
    },
    overcommit: { cpu: h.ratios.cpu, ram: h.ratios.ram },
    headroom: opts.headroom_pct / 100,
    maintenance: h.maintenance_reason !== null,
    baseLoad: fixed.get(h.id),
  }));
  const vmSpecs: VmSpec[] = vms
    .filter((v) => v.movable)
    .map((v) => ({
      id: String(v.id),
      demand: demandOf(v),
      host: nameOf.get(v.host_server_id) ?? String(v.host_server_id),
      antiAffinity: v.anti_affinity_group ? [v.anti_affinity_group] : [],
      allowedHosts: hosts.filter((h) => h.id === v.host_server_id || opts.canMoveTo(v, h)).map((h) => h.name),
    }));
  return { hosts: hostSpecs, vms: vmSpecs, goal: opts.goal };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r1 = (x: number) => Math.round(x * 10) / 10;
/** GB for the API (RAM is in MB inside the solver) */
const amounts = (r: Resources) => ({
  vcpu: r1(r.vcpu),
  ram_gb: r1(r.ram_mb / 1024),
  disk_gb: r1(r.disk_gb),
});
/** above this, a capacity is the stand-in for "unlimited" (after overcommit and headroom scale it) */
const NO_LIMIT = UNLIMITED / 100;
/** null where the host sets no limit */
const capacityAmounts = (r: Resources) => ({
  vcpu: r.vcpu >= NO_LIMIT ? null : r1(r.vcpu),
  ram_gb: r.ram_mb >= NO_LIMIT ? null : r1(r.ram_mb / 1024),
  disk_gb: r.disk_gb >= NO_LIMIT ? null : r1(r.disk_gb),
});

/** The solver's plan in the API's terms: ids and names, GB, and what freeing hosts is worth in power. */
export function planRecord(plan: PlacementPlan, hosts: readonly PlanHostRow[], vms: readonly PlanVmRow[]) {
  const host = new Map(hosts.map((h) => [h.name, h]));
  const vm = new Map(vms.map((v) => [String(v.id), v]));
  const named = (names: string[]) => names.map((n) => ({ server_id: host.get(n)?.id ?? 0, name: n }));
  return {
    summary: {
      hosts_considered: hosts.length,
      vms_considered: vms.length,
      hosts_used_before: plan.hostsUsedBefore,
      hosts_used_after: plan.hostsUsedAfter,
      max_utilisation_before: r3(plan.maxUtilisationBefore),
      max_utilisation_after: r3(plan.maxUtilisationAfter),
      moves: plan.moves.length,
      ordered: plan.ordered,
      freed: named(plan.freed),
      evacuated: named(plan.evacuated),
      freed_power_w: plan.freed.reduce((s, id) => s + (host.get(id)?.power_w ?? 0), 0),
      fixed_vms: vms.filter((v) => !v.movable).length,
    },
    moves: plan.moves.map((m) => ({
      vm_id: Number(m.vm),
      vm_name: vm.get(m.vm)?.name ?? m.vm,
      from_host_id: m.from === null ? null : (host.get(m.from)?.id ?? null),
      from_host: m.from,
      to_host_id: host.get(m.to)?.id ?? 0,
      to_host: m.to,
      temporary: m.temporary === true,
      status: 'pending' as const,
      operation_id: null,
      error: null,
    })),
    hosts: plan.hosts.map((r) => ({
      server_id: host.get(r.host)?.id ?? 0,
      name: r.host,
      maintenance: r.maintenance,
      maintenance_reason: host.get(r.host)?.maintenance_reason ?? null,
      capacity: capacityAmounts(r.capacity),
      before: amounts(r.before),
      after: amounts(r.after),
      utilisation_before: r3(r.utilisationBefore),
      utilisation_after: r3(r.utilisationAfter),
      vms_before: r.vmsBefore,
      vms_after: r.vmsAfter,
    })),
    unplaceable: plan.unplaceable.map((u) => ({
      vm_id: Number(u.vm),
      vm_name: vm.get(u.vm)?.name ?? u.vm,
      host: u.host,
      reason: u.reason,
    })),
  };
}
