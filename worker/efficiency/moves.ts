// Moving load away from hot racks: for each rack above the envelope, the VMs on its servers that could go, and to
// which host. Where a VM may go is the virtualization domain's answer (capacity, zone, hypervisor, anti-affinity),
// never worked out again here; this only prefers targets in the coolest racks.
import type { ServiceContext } from '../platform/context';
import { migrationTargets } from '../virtualization/operations';
import { runningVms, type SiteServer } from './data';

/** Per hot rack: the largest running VMs are looked at first, this many at most */
export const VMS_PER_RACK = 3;

export interface RackTemp {
  rack_id: number;
  rack: string;
  mean_c: number | null;
  max_c: number | null;
  status: string;
}

export async function loadMoves(ctx: ServiceContext, racks: RackTemp[], servers: SiteServer[]) {
  const hot = racks.filter((r) => r.status === 'hot').sort((a, b) => (b.max_c ?? 0) - (a.max_c ?? 0));
  const rackOf = new Map(servers.map((s) => [s.id, s.rack_id]));
  const byId = new Map(racks.map((r) => [r.rack_id, r]));
  const hostName = new Map(servers.map((s) => [s.id, s.name]));
  const moves = [];
  const stuck = [];
  for (const rack of hot) {
    const hosts = servers.filter((s) => s.rack_id === rack.rack_id).map((s) => s.id);
    const vms = (await runningVms(ctx, hosts)).slice(0, VMS_PER_RACK);
    for (const vm of vms) {
      const targets = (await migrationTargets(ctx, vm.id)).filter((t) => {
        const r = byId.get(rackOf.get(t.server_id) ?? -1);
        // only into a rack that is measured and inside the envelope, and not the same hot rack
        return t.allowed && r && r.rack_id !== rack.rack_id && r.status !== 'hot' && r.mean_c !== null;
      });
      targets.sort(
        (a, b) => (byId.get(rackOf.get(a.server_id)!)!.mean_c ?? 0) - (byId.get(rackOf.get(b.server_id)!)!.mean_c ?? 0),
      );
      const to = targets[0];
      if (!to) {
        stuck.push({ vm_id: vm.id, vm: vm.name, rack: rack.rack, reason: 'no allowed host in a cooler rack' });
        continue;
      }
      const toRack = byId.get(rackOf.get(to.server_id)!)!;
      moves.push({
        rack_id: rack.rack_id,
        rack: rack.rack,
        rack_max_c: rack.max_c,
        vm_id: vm.id,
        vm: vm.name,
        vcpu: vm.cpu_cores,
        ram_gb: vm.ram_gb,
        from_server_id: vm.host_server_id,
        from_server: hostName.get(vm.host_server_id) ?? String(vm.host_server_id),
        to_server_id: to.server_id,
        to_server: to.name,
        to_rack_id: toRack.rack_id,
        to_rack: toRack.rack,
        to_rack_mean_c: toRack.mean_c,
        text:
          `${rack.rack} reached ${rack.max_c} °C at the inlet (hourly mean). Moving ${vm.name} (${vm.cpu_cores} vCPU, ` +
          `${vm.ram_gb} GB) from ${hostName.get(vm.host_server_id)} to ${to.name} in ${toRack.rack} (mean ` +
          `${toRack.mean_c} °C) takes its heat out of the hot rack; how much the inlet falls depends on the airflow, ` +
          'so no figure is promised.',
      });
    }
  }
  return { moves, stuck };
}
