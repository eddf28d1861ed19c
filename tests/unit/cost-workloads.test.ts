// Container workloads' share of their cluster's nodes, worked out by hand.
import { describe, expect, it } from 'vitest';
import { allocateToVms, breakdown, UNALLOCATED } from '../../worker/cost/breakdown';
import { allocateToWorkloads, undeclared, workloadShares } from '../../worker/cost/workloads';
import { focusRow } from '../../worker/cost/focus';
import type { CostLine, Estate } from '../../worker/cost/model';

const server = (id: number, cpu: number, mem: number) => ({
  kind: 'server' as const,
  id,
  name: `s${id}`,
  rack_id: 1,
  datacenter_id: 1,
  u_size: 1,
  allocated_w: 100,
  purchase_cost: null,
  purchase_date: null,
  status: 'active',
  cpu,
  mem,
});
const line = (serverId: number, amount: number): CostLine => ({
  category: 'energy',
  amount,
  currency: 'EUR',
  resource_type: 'server',
  resource_id: serverId,
  resource_name: `s${serverId}`,
  datacenter_id: 1,
  rack_id: 1,
  server_id: serverId,
  vm_id: null,
  quantity: amount * 2,
  unit: 'kWh',
  description: '',
  basis: 'measured',
});

// Cluster 1 runs on server 1 (16 cores, 64 GB) and VM 10 (4 vCPU, 16 GB, on server 2: 8 cores, 32 GB): 20 cores
// and 80 GB in all. Workload A: 2 replicas × 2000m request, 4096 MB → 4 cores, 8 GB → (4/20 + 8/80) / 2 = 0.15.
// Workload B: 1 × 1000m limit (no request), no memory → (1/20 + 0) / 2 = 0.025. Workload C declares nothing.
const e: Estate = {
  window: { from: 0, to: 3_600_000 },
  datacenters: [{ id: 1, name: 'DC', pue_target: null }],
  racks: [{ id: 1, name: 'R', datacenter_id: 1 }],
  devices: [server(1, 16, 64), server(2, 8, 32)],
  vms: [{ id: 10, name: 'node-vm', host_server_id: 2, cpu: 4, mem: 16, owner: null, tags: [] }],
  workloads: [
    { id: 1, name: 'a', namespace: 'web', cluster_id: 1, replicas: 2, cpu_m: 2000, mem_mb: 4096 },
    { id: 2, name: 'b', namespace: 'web', cluster_id: 1, replicas: 1, cpu_m: 1000, mem_mb: null },
    { id: 3, name: 'c', namespace: 'web', cluster_id: 1, replicas: 1, cpu_m: null, mem_mb: null },
  ],
  clusterNodes: [
    { cluster_id: 1, server_id: 1, vm_id: null },
    { cluster_id: 1, server_id: null, vm_id: 10 },
  ],
  contracts: [],
  tariffs: [],
  metered: new Map(),
  pue: new Map(),
};

describe('workload shares', () => {
  it('takes replicas × request (else limit) over the cluster’s capacity', () => {
    const s = workloadShares(e).get(1)!;
    expect(s.get(1)).toBeCloseTo(0.15, 12);
    expect(s.get(2)).toBeCloseTo(0.025, 12);
    expect(s.get(3)).toBe(0);
    expect(undeclared(e)).toBe(1);
  });

  it('splits each node’s cost: server 1 directly, server 2 through its VM node', () => {
    // server 1: 100 → A 15, B 2.5, node 82.5. Server 2: 80 → VM 10 takes (4/8 + 16/32) / 2 = 0.5 = 40 → A 6, B 1,
    // node 33; the other 40 of server 2 is no VM's and no workload's
    const parts = allocateToWorkloads(e, allocateToVms(e, [line(1, 100), line(2, 80)]));
    const names = {
      datacenter: new Map([[1, 'DC']]),
      rack: new Map([[1, 'R']]),
      server: new Map(),
      vm: new Map([[10, 'node-vm']]),
      workload: new Map([
        [1, 'web/a'],
        [2, 'web/b'],
      ]),
    };
    const rows = breakdown('workload', parts, names);
    const total = (label: string) => rows.find((r) => r.label === label)?.total;
    expect(total('web/a')).toBe(21);
    expect(total('web/b')).toBe(3.5);
    expect(total(UNALLOCATED)).toBe(155.5);
    // the VM's own total is unchanged by the split
    expect(breakdown('vm', parts, names).find((r) => r.label === 'node-vm')?.total).toBe(40);
    // a workload's part on the VM node, as FOCUS: the workload is the resource, the VM its host
    const onVm = parts.find((p) => p.workload_id === 1 && p.vm_id === 10)!;
    expect(onVm.share).toBeCloseTo(0.075, 12);
    const row = focusRow(onVm, {
      billingPeriod: e.window,
      chargePeriod: e.window,
      names,
      vendors: new Map(),
    });
    expect(row).toMatchObject({
      ResourceId: 'workload/1',
      ResourceName: 'web/a',
      ResourceType: 'Container Workload',
      ServiceCategory: 'Compute',
      x_HostResourceId: 'vm/10',
      EffectiveCost: 6,
    });
  });

  it('leaves lines alone where no cluster runs', () => {
    const lines = allocateToVms({ ...e, workloads: [], clusterNodes: [] }, [line(1, 100)]);
    expect(allocateToWorkloads({ ...e, workloads: [], clusterNodes: [] }, lines)).toEqual(lines);
  });
});
