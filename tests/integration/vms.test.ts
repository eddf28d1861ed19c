// VMs through the Worker: the spec's example, placement against the host's overcommit ratios (every refusal
// names the resource and what is free), maintenance, zones, anti-affinity, capacity, and operations queued
// for the site agent (state machine, one at a time, idempotency keys, cancel, audit).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  asRole,
  auditRows,
  createDatacenter,
  createRack,
  createServer,
  expectProblem,
  fieldsOf,
  uniqueName,
  type Row,
} from '../helpers';

let admin: string;
let dc: Row;
let rack: Row;
let hostA: Row;
let hostB: Row;

const vm = async (over: Row = {}) => {
  const res = await api('/api/vms', {
    token: admin,
    json: { name: uniqueName('VM'), host_server_id: hostA.id, cpu_cores: 2, ram_gb: 4, disk_gb: 20, ...over },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as Row;
};

beforeAll(async () => {
  admin = await adminToken();
  dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Confidential' });
  // 16 cores (64 vCPU at 4:1), 64 GB RAM, 1 TB disk
  hostA = await createServer(admin, { rack_id: rack.id, u_position: 1, cpu_cores: 16, ram_gb: 64, storage_tb: 1 });
  hostB = await createServer(admin, { rack_id: rack.id, u_position: 3, cpu_cores: 16, ram_gb: 64, storage_tb: 1 });
});

describe('VMs', () => {
  it("the spec's example creates a VM (201) and it lists with its host", async () => {
    const res = await api('/api/vms', {
      token: admin,
      json: {
        name: uniqueName('VM-WEB-APP-01'),
        host_server_id: hostA.id,
        os: 'Ubuntu 22.04',
        cpu_cores: 4,
        ram_gb: 16,
        disk_gb: 200,
        network_type: 'Bridged',
        vlan: '100',
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ host_server_id: hostA.id, vlan: '100', status: 'stopped', hypervisor: 'KVM' });
    const list = await api(`/api/vms?host_server_id=${hostA.id}`, { token: admin });
    expect(list.headers.get('x-total-count')).toBe('1');
    expect(list.body[0]).toMatchObject({
      host_name: hostA.name,
      datacenter_id: dc.id,
      drift: false,
      pending_operations: 0,
    });
    await api(`/api/vms/${res.body.id}`, { method: 'DELETE', token: admin });
  });

  it('capacity counts what is promised against physical × ratio', async () => {
    const a = await vm({ cpu_cores: 10, ram_gb: 24, disk_gb: 100 });
    const b = await vm({ cpu_cores: 6, ram_gb: 8, disk_gb: 50 });
    const cap = await api(`/api/servers/${hostA.id}/capacity`, { token: admin });
    expect(cap.status).toBe(200);
    expect(cap.body.vm_count).toBe(2);
    expect(cap.body.resources).toEqual([
      {
        resource: 'cpu',
        limited: true,
        unit: 'vCPU',
        physical: 16,
        ratio: 4,
        capacity: 64,
        allocated: 16,
        free: 48,
        used_pct: 25,
      },
      {
        resource: 'ram',
        limited: true,
        unit: 'GB',
        physical: 64,
        ratio: 1,
        capacity: 64,
        allocated: 32,
        free: 32,
        used_pct: 50,
      },
      {
        resource: 'disk',
        limited: true,
        unit: 'GB',
        physical: 1000,
        ratio: 1,
        capacity: 1000,
        allocated: 150,
        free: 850,
        used_pct: 15,
      },
    ]);
    for (const x of [a, b]) await api(`/api/vms/${x.id}`, { method: 'DELETE', token: admin });
  });

  it('a host without room refuses with 409 naming the resource and the free amount', async () => {
    const big = await vm({ ram_gb: 60 });
    const res = await api('/api/vms', {
      token: admin,
      json: { name: uniqueName('VM'), host_server_id: hostA.id, cpu_cores: 2, ram_gb: 8 },
    });
    const p = expectProblem(res, 409, ['ram_gb']);
    expect(p.errors![0]!.message).toContain('RAM: 8 GB asked, 4 GB free of 64');
    // resizing counts the VM's own reservation once
    expect((await api(`/api/vms/${big.id}`, { method: 'PATCH', token: admin, json: { ram_gb: 64 } })).status).toBe(200);
    expectProblem(await api(`/api/vms/${big.id}`, { method: 'PATCH', token: admin, json: { ram_gb: 65 } }), 409, [
      'ram_gb',
    ]);
    // at RAM 1.5:1 the same VM fits; ratios below what is promised are refused
    const set = await api(`/api/servers/${hostA.id}/overcommit`, {
      method: 'PUT',
      token: admin,
      json: { cpu_ratio: 4, ram_ratio: 1.5, disk_ratio: 1 },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.body.custom_ratios).toBe(true);
    const fits = await vm({ ram_gb: 8 });
    expectProblem(
      await api(`/api/servers/${hostA.id}/overcommit`, {
        method: 'PUT',
        token: admin,
        json: { cpu_ratio: 4, ram_ratio: 1, disk_ratio: 1 },
      }),
      409,
      ['ram_ratio'],
    );
    // two VMs in one request share the host's room
    const bulk = await api('/api/vms', {
      token: admin,
      json: [
        { name: uniqueName('VM'), host_server_id: hostB.id, cpu_cores: 40, ram_gb: 4 },
        { name: uniqueName('VM'), host_server_id: hostB.id, cpu_cores: 40, ram_gb: 4 },
      ],
    });
    expect(fieldsOf(bulk)).toEqual(['[1].cpu_cores']);
    for (const x of [big, fits]) await api(`/api/vms/${x.id}`, { method: 'DELETE', token: admin });
    await api(`/api/servers/${hostA.id}/overcommit`, {
      method: 'PUT',
      token: admin,
      json: { cpu_ratio: 4, ram_ratio: 1, disk_ratio: 1 },
    });
  });

  it('refuses a host in maintenance, an unknown host, an anti-affinity clash, and bad fields', async () => {
    const down = await createServer(admin, {
      rack_id: rack.id,
      u_position: 10,
      cpu_cores: 8,
      ram_gb: 32,
      status: 'maintenance',
    });
    const p = expectProblem(
      await api('/api/vms', {
        token: admin,
        json: { name: uniqueName('VM'), host_server_id: down.id, cpu_cores: 1, ram_gb: 1 },
      }),
      409,
      ['host_server_id'],
    );
    expect(p.detail).toContain('in maintenance');
    expectProblem(
      await api('/api/vms', {
        token: admin,
        json: { name: uniqueName('VM'), host_server_id: 999999, cpu_cores: 1, ram_gb: 1 },
      }),
      422,
      ['host_server_id'],
    );
    const first = await vm({ anti_affinity_group: 'db-pair' });
    const clash = expectProblem(
      await api('/api/vms', {
        token: admin,
        json: {
          name: uniqueName('VM'),
          host_server_id: hostA.id,
          cpu_cores: 1,
          ram_gb: 1,
          anti_affinity_group: 'db-pair',
        },
      }),
      409,
      ['anti_affinity_group'],
    );
    expect(clash.errors![0]!.message).toContain(first.name);
    expectProblem(
      await api('/api/vms', {
        token: admin,
        json: { name: '', host_server_id: hostA.id, cpu_cores: 0, ram_gb: 'x', vlan: '5000', hypervisor: 'VirtualBox' },
      }),
      422,
      ['name', 'cpu_cores', 'ram_gb', 'vlan', 'hypervisor'],
    );
    // a host that still carries VMs is not deleted
    expectProblem(await api(`/api/servers/${hostA.id}`, { method: 'DELETE', token: admin }), 409, ['id']);
    await api(`/api/vms/${first.id}`, { method: 'DELETE', token: admin });
  });

  it("VMs are as secret as their host: invisible above the caller's clearance", async () => {
    const secretHost = hostA; // in a Confidential rack
    const hidden = await vm();
    const viewer = await asRole('viewer', admin); // Internal clearance by default
    expect((await api(`/api/vms/${hidden.id}`, { token: admin })).status).toBe(200);
    expect((await api(`/api/vms/${hidden.id}`, { token: viewer })).status).toBe(404);
    expect((await api(`/api/vms?q=${hidden.name}`, { token: viewer })).body).toEqual([]);
    expect((await api(`/api/servers/${secretHost.id}/capacity`, { token: viewer })).status).toBe(404);
  });
});

describe('VM operations', () => {
  it('queue for the site agent, one at a time per VM, idempotent by key, audited', async () => {
    const v = await vm({ status: 'stopped' });
    const start = await api(`/api/vms/${v.id}/start`, {
      token: admin,
      method: 'POST',
      headers: { 'idempotency-key': 'k-1' },
    });
    expect(start.status, start.text).toBe(202);
    expect(start.headers.get('location')).toBe(`/api/vm-operations/${start.body.id}`);
    expect(start.body).toMatchObject({
      vm_id: v.id,
      vm_name: v.name,
      kind: 'vm.start',
      status: 'queued',
      datacenter_id: dc.id,
    });
    // the same key again: the same operation, not a second one
    const again = await api(`/api/vms/${v.id}/start`, {
      token: admin,
      method: 'POST',
      headers: { 'idempotency-key': 'k-1' },
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(start.body.id);
    // a different operation while one is pending
    const busy = expectProblem(await api(`/api/vms/${v.id}/stop`, { token: admin, method: 'POST' }), 409, ['id']);
    expect(busy.detail).toContain(`operation ${start.body.id}`);
    expect((await api(`/api/vms/${v.id}`, { token: admin })).body.pending_operations).toBe(1);
    // cancelled, then nothing pending; a cancelled one cannot be cancelled again
    const cancel = await api(`/api/vm-operations/${start.body.id}/cancel`, { token: admin, method: 'POST' });
    expect(cancel.body.status).toBe('cancelled');
    expectProblem(await api(`/api/vm-operations/${start.body.id}/cancel`, { token: admin, method: 'POST' }), 409);
    // stop from stopped is refused by state
    expectProblem(await api(`/api/vms/${v.id}/stop`, { token: admin, method: 'POST' }), 409, ['status']);
    const audit = await auditRows("entity_type = 'vm' AND entity_id = ?", String(v.id));
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['create', 'vm_start_requested', 'vm_operation_cancelled']),
    );
    const ops = await api(`/api/vm-operations?vm_id=${v.id}`, { token: admin });
    expect(ops.body.map((o: Row) => o.status)).toEqual(['cancelled']);
    // a viewer reads, does not operate
    const viewer = await asRole('viewer', admin);
    expect((await api(`/api/vms/${v.id}/start`, { token: viewer, method: 'POST' })).status).toBe(403);
    expectProblem(
      await api(`/api/vms/${v.id}/start`, {
        token: admin,
        method: 'POST',
        headers: { 'idempotency-key': 'has space' },
      }),
      400,
      ['Idempotency-Key'],
    );
  });

  it('migration: targets with reasons, every refusal, and the VM migrating until the agent reports', async () => {
    const v = await vm({ status: 'running', cpu_cores: 6, ram_gb: 8, anti_affinity_group: uniqueName('grp') });
    const full = await createServer(admin, { rack_id: rack.id, u_position: 20, cpu_cores: 1, ram_gb: 16 });
    const down = await createServer(admin, {
      rack_id: rack.id,
      u_position: 22,
      cpu_cores: 32,
      ram_gb: 64,
      status: 'maintenance',
    });
    const publicRack = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Public' });
    const lower = await createServer(admin, { rack_id: publicRack.id, cpu_cores: 32, ram_gb: 128 });
    const partner = await vm({ host_server_id: hostB.id, anti_affinity_group: v.anti_affinity_group });
    const otherDc = await createServer(admin, { cpu_cores: 64, ram_gb: 256 });
    const roomy = await createServer(admin, { rack_id: rack.id, u_position: 30, cpu_cores: 32, ram_gb: 128 });
    const appServer = await createServer(admin, { rack_id: rack.id, u_position: 32, cpu_cores: 32, ram_gb: 128 });
    const esxi = await createServer(admin, { rack_id: rack.id, u_position: 34, cpu_cores: 32, ram_gb: 128 });
    await vm({ host_server_id: esxi.id, hypervisor: 'VMware ESXi' });
    // empty hosts become VM hosts when given ratios; an application server without either is not offered
    for (const h of [roomy, full, down, lower]) {
      const set = await api(`/api/servers/${h.id}/overcommit`, {
        method: 'PUT',
        token: admin,
        json: { cpu_ratio: 4, ram_ratio: 1, disk_ratio: 1 },
      });
      expect(set.status, set.text).toBe(200);
    }

    const targets = (await api(`/api/vms/${v.id}/migration-targets`, { token: admin })).body as Row[];
    const byId = new Map(targets.map((t) => [t.server_id, t]));
    expect(byId.get(roomy.id)).toMatchObject({ allowed: true, reasons: [] });
    expect(byId.get(full.id)!.reasons.join()).toMatch(/CPU: 6 vCPU asked, 4 vCPU free of 4/);
    expect(byId.get(down.id)!.reasons).toContain(`host ${down.name} is in maintenance`);
    expect(byId.get(lower.id)!.reasons.join()).toContain("Public zone, below the VM's Confidential zone");
    expect(byId.get(hostB.id)!.reasons.join()).toContain(`already has ${partner.name}`);
    expect(byId.get(esxi.id)!.reasons).toContain(`host ${esxi.name} runs VMware ESXi, not KVM`);
    expect(byId.has(appServer.id)).toBe(false);
    expect(byId.has(otherDc.id)).toBe(false); // another datacenter is not offered
    expect(targets[0]!.allowed).toBe(true);

    for (const bad of [full, down, lower, hostB, otherDc, esxi]) {
      expectProblem(await api(`/api/vms/${v.id}/migrate`, { token: admin, json: { target_host_id: bad.id } }), 409, [
        'target_host_id',
      ]);
    }
    expectProblem(await api(`/api/vms/${v.id}/migrate`, { token: admin, json: { target_host_id: 999999 } }), 422, [
      'target_host_id',
    ]);
    const mig = await api(`/api/vms/${v.id}/migrate`, { token: admin, json: { target_host_id: roomy.id } });
    expect(mig.status, mig.text).toBe(202);
    expect(mig.body.params).toMatchObject({
      target_host_id: roomy.id,
      from_host_id: hostA.id,
      live: true,
      previous_status: 'running',
    });
    const during = (await api(`/api/vms/${v.id}`, { token: admin })).body;
    expect(during).toMatchObject({ status: 'migrating', host_server_id: hostA.id });
    // cancelled before the agent took it: back as it was
    await api(`/api/vm-operations/${mig.body.id}/cancel`, { token: admin, method: 'POST' });
    expect((await api(`/api/vms/${v.id}`, { token: admin })).body).toMatchObject({
      status: 'running',
      host_server_id: hostA.id,
    });
  });
});
