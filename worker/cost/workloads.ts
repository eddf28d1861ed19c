// Sharing cluster nodes' cost among container workloads, pure. Pods move between nodes and the inventory does
// not say where each runs, so a workload takes the same share of every node of its cluster: its share of the
// cluster's whole capacity.
import { guestShares } from './allocation';
import type { Allocated } from './breakdown';
import type { Estate } from './model';

/** Each workload's share of its cluster: replicas × its request (else limit) against the nodes' capacity. */
export function workloadShares(e: Estate): Map<number, Map<number, number>> {
  const serverById = new Map(e.devices.filter((d) => d.kind === 'server').map((d) => [d.id, d]));
  const vmById = new Map(e.vms.map((v) => [v.id, v]));
  const capacity = new Map<number, { cpu: number; mem: number }>();
  for (const n of e.clusterNodes ?? []) {
    const node = n.server_id !== null ? serverById.get(n.server_id) : vmById.get(n.vm_id!);
    const c = capacity.get(n.cluster_id) ?? { cpu: 0, mem: 0 };
    capacity.set(n.cluster_id, { cpu: c.cpu + (node?.cpu ?? 0), mem: c.mem + (node?.mem ?? 0) });
  }
  const out = new Map<number, Map<number, number>>();
  for (const [clusterId, cap] of capacity) {
    const guests = (e.workloads ?? [])
      .filter((w) => w.cluster_id === clusterId)
      .map((w) => ({
        id: w.id,
        cpu: (w.replicas * (w.cpu_m ?? 0)) / 1000,
        mem: (w.replicas * (w.mem_mb ?? 0)) / 1024,
      }));
    if (guests.some((g) => g.cpu > 0 || g.mem > 0))
      out.set(clusterId, guestShares({ cpu: cap.cpu || null, mem: cap.mem || null }, guests));
  }
  return out;
}

/** Workloads that declare neither requests nor limits: nothing says what they hold, so they are not costed. */
export const undeclared = (e: Estate) =>
  (e.workloads ?? []).filter((w) => !(w.cpu_m ?? 0) && !(w.mem_mb ?? 0) && w.replicas > 0).length;

/**
 * Split each cluster node's lines (a server node's own part, a VM node's share) among the cluster's workloads;
 * what they do not take stays with the node, workload_id null.
 */
export function allocateToWorkloads(e: Estate, lines: readonly Allocated[]): Allocated[] {
  const shares = workloadShares(e);
  const byServer = new Map<number, number>();
  const byVm = new Map<number, number>();
  for (const n of e.clusterNodes ?? []) {
    if (!shares.has(n.cluster_id)) continue;
    if (n.server_id !== null) byServer.set(n.server_id, n.cluster_id);
    else if (n.vm_id !== null) byVm.set(n.vm_id, n.cluster_id);
  }
  if (!byServer.size && !byVm.size) return lines as Allocated[];
  const out: Allocated[] = [];
  for (const l of lines) {
    const cluster = l.vm_id !== null ? byVm.get(l.vm_id) : l.server_id !== null ? byServer.get(l.server_id) : undefined;
    const split = cluster === undefined ? undefined : shares.get(cluster);
    if (!split) {
      out.push(l);
      continue;
    }
    let taken = 0;
    for (const [workloadId, s] of split) {
      if (s <= 0) continue;
      taken += s;
      out.push(scaled(l, s, workloadId));
    }
    if (taken < 1 - 1e-12) out.push(scaled(l, 1 - taken, null));
  }
  return out;
}

const scaled = (l: Allocated, s: number, workloadId: number | null): Allocated => ({
  ...l,
  workload_id: workloadId,
  share: l.share * s,
  amount: l.amount * s,
  quantity: l.quantity === null ? null : l.quantity * s,
  measured_wh: l.measured_wh === undefined ? undefined : l.measured_wh * s,
  allocated_wh: l.allocated_wh === undefined ? undefined : l.allocated_wh * s,
});
