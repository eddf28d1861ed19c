// The estate as the placement solver sees it and its plan as the API shows it (worker/optimisation/model.ts),
// on a hand-sized estate: capacities after overcommit, fixed VMs as base load, the migration rule as allowed hosts.
import { describe, expect, it } from 'vitest';
import { placementInput, planRecord, type PlanHostRow, type PlanVmRow } from '../../worker/optimisation/model';
import { placeVms } from '../../worker/optimisation/packing';

const host = (id: number, over: Partial<PlanHostRow> = {}): PlanHostRow => ({
  id,
  name: `h${id}`,
  cpu_cores: 8,
  ram_gb: 64,
  storage_tb: 1,
  ratios: { cpu: 4, ram: 1, disk: 1 },
  power_w: 400 + id,
  maintenance_reason: null,
  ...over,
});
const vm = (id: number, hostId: number, over: Partial<PlanVmRow> = {}): PlanVmRow => ({
  id,
  name: `v${id}`,
  host_server_id: hostId,
  cpu_cores: 4,
  ram_gb: 8,
  disk_gb: 100,
  anti_affinity_group: null,
  movable: true,
  ...over,
});

describe('placementInput', () => {
  it('gives capacities before overcommit, fixed VMs as base load, and the rule as allowed hosts', () => {
    const hosts = [host(1), host(2, { storage_tb: null, cpu_cores: null }), host(3, { maintenance_reason: 'window' })];
    const vms = [vm(10, 1), vm(11, 1, { movable: false, cpu_cores: 2, ram_gb: 4, disk_gb: 10 }), vm(12, 2)];
    const input = placementInput(hosts, vms, {
      goal: 'pack',
      headroom_pct: 20,
      // v12 may not go to h1 (its zone, say)
      canMoveTo: (v, h) => !(v.id === 12 && h.id === 1),
    });
    expect(input.goal).toBe('pack');
    expect(input.hosts[0]).toEqual({
      id: 'h1',
      // 8 cores and 64 GB physical; 1 TB = 1000 GB at 1:1; the solver applies 4:1 / 1:1 and the 20 % headroom
      capacity: { vcpu: 8, ram_mb: 65536, disk_gb: 1000 },
      overcommit: { cpu: 4, ram: 1 },
      headroom: 0.2,
      maintenance: false,
      // the fixed VM's 2 vCPU, 4 GB and 10 GB stay on h1 whatever the plan does
      baseLoad: { vcpu: 2, ram_mb: 4096, disk_gb: 10 },
    });
    // no core count, no disk: not limits
    expect(input.hosts[1]!.capacity).toEqual({ vcpu: 1e9, ram_mb: 65536, disk_gb: 1e9 });
    expect(input.hosts[2]!.maintenance).toBe(true);
    // the fixed VM is not the solver's to move
    expect(input.vms.map((v) => v.id)).toEqual(['10', '12']);
    expect(input.vms[0]).toMatchObject({ host: 'h1', demand: { vcpu: 4, ram_mb: 8192, disk_gb: 100 } });
    expect(input.vms[1]!.allowedHosts).toEqual(['h2', 'h3']);
  });
});

describe('planRecord', () => {
  it('packs two half-empty hosts into one, in GB, with the freed host’s power', () => {
    // h1 and h2: 32 vCPU and 64 GB each; v10 (4 vCPU, 8 GB) on each. One host takes both: one move, one freed.
    const hosts = [host(1), host(2)];
    const vms = [vm(10, 1), vm(11, 2)];
    const input = placementInput(hosts, vms, { goal: 'pack', headroom_pct: 0, canMoveTo: () => true });
    const rec = planRecord(placeVms(input), hosts, vms);
    expect(rec.summary).toMatchObject({ hosts_used_before: 2, hosts_used_after: 1, moves: 1, fixed_vms: 0 });
    expect(rec.moves).toHaveLength(1);
    const kept = rec.moves[0]!.to_host_id;
    const freed = kept === 1 ? 2 : 1;
    expect(rec.summary.freed).toEqual([{ server_id: freed, name: `h${freed}` }]);
    expect(rec.summary.freed_power_w).toBe(400 + freed);
    const after = rec.hosts.find((h) => h.server_id === kept)!;
    // 8 of 32 vCPU, 16 of 64 GB, 200 of 1000 GB: the highest share is 0.25 (vCPU and RAM)
    expect(after).toMatchObject({
      capacity: { vcpu: 32, ram_gb: 64, disk_gb: 1000 },
      after: { vcpu: 8, ram_gb: 16, disk_gb: 200 },
      utilisation_after: 0.25,
      vms_after: 2,
    });
    expect(rec.moves[0]).toMatchObject({ status: 'pending', operation_id: null, error: null });
  });

  it('explains a VM no host can take, by name', () => {
    const hosts = [host(1, { ram_gb: 16 })];
    const vms = [vm(10, 1, { ram_gb: 32 })];
    const rec = planRecord(
      placeVms(placementInput(hosts, vms, { goal: 'pack', headroom_pct: 0, canMoveTo: () => true })),
      hosts,
      vms,
    );
    expect(rec.unplaceable).toHaveLength(1);
    expect(rec.unplaceable[0]).toMatchObject({ vm_id: 10, vm_name: 'v10', host: 'h1' });
    expect(rec.moves).toEqual([]);
  });
});
