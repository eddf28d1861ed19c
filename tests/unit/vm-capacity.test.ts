// Overcommit arithmetic and placement rules, with hand-checked numbers.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RATIOS,
  antiAffinityProblem,
  capacityOf,
  hostStatusProblem,
  shortfalls,
  type HostFacts,
} from '../../worker/virtualization/capacity';
import { vmChangeFor } from '../../worker/virtualization/vm-change';

const host = (over: Partial<HostFacts> = {}): HostFacts => ({
  id: 1,
  name: 'h1',
  status: 'active',
  cpu_cores: 32,
  ram_gb: 256,
  storage_tb: 2,
  ...over,
});

describe('capacityOf', () => {
  it('promises physical × ratio and subtracts what is allocated', () => {
    // 32 cores at 4:1 = 128 vCPU, 100 promised: 28 free, 78.13 %; 256 GB at 1.2:1 = 307.2 GB
    const [cpu, ram, disk] = capacityOf(host(), { cpu: 4, ram: 1.2, disk: 1 }, { cpu: 100, ram: 300, disk: 2500 });
    expect(cpu).toEqual({
      resource: 'cpu',
      limited: true,
      unit: 'vCPU',
      physical: 32,
      ratio: 4,
      capacity: 128,
      allocated: 100,
      free: 28,
      used_pct: 78.13,
    });
    expect(ram).toMatchObject({ capacity: 307.2, free: 7.2, used_pct: 97.66 });
    // 2 TB = 2000 GB, over-promised by 500: negative free, 125 %
    expect(disk).toMatchObject({ capacity: 2000, free: -500, used_pct: 125 });
  });

  it('a resource the host does not record is not limited (shared storage)', () => {
    const [, , disk] = capacityOf(host({ storage_tb: null }), DEFAULT_RATIOS, { cpu: 0, ram: 0, disk: 900 });
    expect(disk).toMatchObject({ limited: false, capacity: 0, used_pct: 0 });
    expect(shortfalls([disk!], { cpu: 0, ram: 0, disk: 5000 })).toEqual([]);
  });
});

describe('shortfalls', () => {
  const caps = capacityOf(host({ cpu_cores: 8, ram_gb: 32 }), DEFAULT_RATIOS, { cpu: 30, ram: 30, disk: 0 });
  it('names each resource short with what is asked and what is free', () => {
    expect(shortfalls(caps, { cpu: 4, ram: 4, disk: 10 })).toEqual([
      'CPU: 4 vCPU asked, 2 vCPU free of 32 (8 cores at 4:1)',
      'RAM: 4 GB asked, 2 GB free of 32 (32 GB at 1:1)',
    ]);
  });
  it('an exact fit fits', () => {
    expect(shortfalls(caps, { cpu: 2, ram: 2, disk: 2000 })).toEqual([]);
  });
  it('over-promised hosts report 0 free, not a negative amount', () => {
    const over = capacityOf(host({ cpu_cores: 1 }), DEFAULT_RATIOS, { cpu: 6, ram: 0, disk: 0 });
    expect(shortfalls(over, { cpu: 1, ram: 0, disk: 0 })).toEqual([
      'CPU: 1 vCPU asked, 0 vCPU free of 4 (1 cores at 4:1)',
    ]);
  });
});

describe('placement rules', () => {
  it('only active hosts take VMs', () => {
    expect(hostStatusProblem(host())).toBeNull();
    expect(hostStatusProblem(host({ status: 'maintenance' }))).toBe('host h1 is in maintenance');
    expect(hostStatusProblem(host({ status: 'offline' }))).toBe('host h1 is offline');
  });
  it('anti-affinity: a group member on the same host clashes, elsewhere or another group does not', () => {
    const others = [
      { name: 'db-1', host_server_id: 1, anti_affinity_group: 'db' },
      { name: 'web-1', host_server_id: 2, anti_affinity_group: 'web' },
    ];
    expect(antiAffinityProblem('db', 1, 'h1', others)).toBe('anti-affinity group "db" already has db-1 on host h1');
    expect(antiAffinityProblem('db', 2, 'h2', others)).toBeNull();
    expect(antiAffinityProblem('web', 1, 'h1', others)).toBeNull();
    expect(antiAffinityProblem(null, 1, 'h1', others)).toBeNull();
  });
});

describe('what an operation outcome does to the VM', () => {
  const mig = { kind: 'vm.migrate', params: { target_host_id: 7, previous_status: 'running' } };
  it('a migration moves the VM when it succeeds and puts it back as it was otherwise', () => {
    expect(vmChangeFor(mig, true, undefined)).toEqual({ status: 'running', host_server_id: 7 });
    expect(vmChangeFor(mig, false, undefined)).toEqual({ status: 'running' });
  });
  it('power operations set the state they reach; a failure leaves the record alone', () => {
    expect(vmChangeFor({ kind: 'vm.start', params: {} }, true, undefined)).toEqual({ status: 'running' });
    expect(vmChangeFor({ kind: 'vm.stop', params: {} }, true, undefined)).toEqual({ status: 'stopped' });
    expect(vmChangeFor({ kind: 'vm.restart', params: {} }, true, undefined)).toEqual({ status: 'running' });
    expect(vmChangeFor({ kind: 'vm.stop', params: {} }, false, undefined)).toBeNull();
  });
});
