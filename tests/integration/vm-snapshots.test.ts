// Snapshots and clones through the real Worker, D1 and site object, with the agent's side played over its
// WebSocket: the snapshot tree (parents, revert moving the VM's place in it, delete closing the gap), clones with
// their lineage holding host capacity from the request on, every refusal, cancel and failure giving back what the
// request reserved, and the retention job deleting expired snapshots through the agent.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../worker/index';
import {
  adminToken,
  api,
  auditRows,
  createDatacenter,
  createRack,
  createServer,
  expectProblem,
  openSocketWith,
  uniqueName,
  type LiveSocket,
  type Row,
} from '../helpers';

let admin: string;
let rack: Row;
let host: Row;
let slot = 1;
/** each test on its own host, so their VMs do not eat each other's room (8 cores at 4:1 = 32 vCPU; 16 GB at 1:1) */
const freshHost = async () =>
  (host = await createServer(admin, { rack_id: rack.id, u_position: (slot += 2), cpu_cores: 8, ram_gb: 16 }));
let agentToken: string;
let agent: LiveSocket;

const send = (m: unknown) => agent.ws.send(JSON.stringify(m));
const vm = async (over: Row = {}) => {
  const r = await api('/api/vms', {
    token: admin,
    json: { name: uniqueName('vm'), host_server_id: host.id, cpu_cores: 2, ram_gb: 4, status: 'running', ...over },
  });
  expect(r.status, r.text).toBe(201);
  return r.body as Row;
};
const get = async (path: string) => (await api(path, { token: admin })).body;
const post = (path: string, json?: Row) => api(path, json ? { token: admin, json } : { token: admin, method: 'POST' });

/** The agent receives the operation `id`, and answers it as told. */
async function answer(id: number, ok: boolean, output?: Row, error?: string) {
  const m = await agent.waitFor((x) => x.type === 'operation' && x.operation.id === id);
  send({ type: 'result', id, key: m.operation.key, ok, output, error });
  await expect.poll(async () => (await get(`/api/vm-operations/${id}`)).status).toBe(ok ? 'succeeded' : 'failed');
  return m.operation;
}

async function snapshot(v: Row, name: string, extra: Row = {}) {
  const r = await post(`/api/vms/${v.id}/snapshots`, { name, ...extra });
  expect(r.status, r.text).toBe(202);
  return r.body as Row;
}
const snapshotsOf = async (v: Row) => (await get(`/api/vm-snapshots?vm_id=${v.id}&sort=id`)) as Row[];

beforeEach(async () => {
  await freshHost();
});

beforeAll(async () => {
  admin = await adminToken();
  const dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id });
  const t = await api('/api/tokens', { token: admin, json: { name: 'agent', scopes: ['agent'], site_id: dc.id } });
  agentToken = t.body.token;
  const s = await openSocketWith('/api/agents/connect', {
    'Sec-WebSocket-Protocol': `dcp-agent, bearer.${agentToken}`,
  });
  if (!('ws' in s)) throw new Error(`connect: ${s.status}`);
  agent = s;
  send({
    type: 'hello',
    protocol: 1,
    agent: { version: '1', hostname: 'site-a', drivers: ['libvirt'], dry_run: false },
  });
});

describe('snapshots', () => {
  it('form a tree: each hangs from the one the VM is at; revert moves the VM; delete closes the gap', async () => {
    const v = await vm();
    const op1 = await snapshot(v, 'base', { description: 'before the upgrade' });
    expect(op1).toMatchObject({ kind: 'vm.snapshot.create', params: { snapshot: 'base' } });
    // listed at once, creating
    expect(await snapshotsOf(v)).toMatchObject([{ name: 'base', status: 'creating', parent_id: null }]);
    const sent = await answer(op1.id, true, { snapshot: 'base', size_gb: 1.5 });
    expect(sent.target).toMatchObject({ kind: 'vm', name: v.name, host: host.name });
    const [base] = await snapshotsOf(v);
    expect(base).toMatchObject({ status: 'ready', size_gb: 1.5, current: true, description: 'before the upgrade' });
    expect((await get(`/api/vms/${v.id}`)).current_snapshot_id).toBe(base!.id);

    await answer((await snapshot(v, 'upgraded')).id, true);
    let all = await snapshotsOf(v);
    expect(all[1]).toMatchObject({ name: 'upgraded', parent_id: base!.id, size_gb: null, current: true });

    // back to base: the next snapshot branches from base, not from upgraded
    const rev = await post(`/api/vm-snapshots/${base!.id}/revert`);
    expect(rev.status, rev.text).toBe(202);
    expect((await get(`/api/vm-snapshots/${base!.id}`)).status).toBe('reverting');
    await answer(rev.body.id, true, { snapshot: 'base', state: 'stopped' });
    expect(await get(`/api/vms/${v.id}`)).toMatchObject({ current_snapshot_id: base!.id, status: 'stopped' });
    await answer((await snapshot(v, 'branch')).id, true);
    all = await snapshotsOf(v);
    expect(all.map((s) => [s.name, s.parent_id])).toEqual([
      ['base', null],
      ['upgraded', base!.id],
      ['branch', base!.id],
    ]);

    // deleting base: its children now hang from its parent (none), the VM too
    const del = await api(`/api/vm-snapshots/${base!.id}`, { token: admin, method: 'DELETE' });
    expect(del.status, del.text).toBe(202);
    expect((await get(`/api/vm-snapshots/${base!.id}`)).status).toBe('deleting');
    await answer(del.body.id, true);
    all = await snapshotsOf(v);
    expect(all.map((s) => [s.name, s.parent_id])).toEqual([
      ['upgraded', null],
      ['branch', null],
    ]);
    expect((await get(`/api/vms/${v.id}`)).current_snapshot_id).toBe(all[1]!.id);
    const audit = await auditRows("entity_type = 'vm' AND entity_id = ? AND action LIKE 'vm_snapshot_%'", String(v.id));
    expect(audit.map((e) => e.action)).toContain('vm_snapshot_delete_succeeded');
  });

  it('refuses bad names, taken names, busy or migrating VMs and snapshots that are not ready', async () => {
    const v = await vm();
    expectProblem(await post(`/api/vms/${v.id}/snapshots`, { name: 'has space' }), 422, ['name']);
    expectProblem(await post(`/api/vms/${v.id}/snapshots`, { name: 'ok', retention_days: 0 }), 422, ['retention_days']);
    expectProblem(await post(`/api/vms/999999/snapshots`, { name: 'ok' }), 404);
    const first = await snapshot(v, 'one');
    // the VM is busy with the first until the agent answers
    expectProblem(await post(`/api/vms/${v.id}/snapshots`, { name: 'two' }), 409, ['id']);
    const [one] = await snapshotsOf(v);
    expectProblem(await post(`/api/vm-snapshots/${one!.id}/revert`), 409);
    await answer(first.id, true);
    expectProblem(await post(`/api/vms/${v.id}/snapshots`, { name: 'ONE' }), 409, ['name']);
    // a failure takes the snapshot away again and frees its name
    const failing = await snapshot(v, 'two');
    await answer(failing.id, false, undefined, 'disk full');
    expect((await snapshotsOf(v)).map((s) => s.name)).toEqual(['one']);
    expect((await get(`/api/vm-operations/${failing.id}`)).error).toBe('disk full');
    // a VM on the move has no settled disks to snapshot
    const other = await createServer(admin, { rack_id: rack.id, u_position: 41, cpu_cores: 8, ram_gb: 16 });
    const mig = await post(`/api/vms/${v.id}/migrate`, { target_host_id: other.id });
    expect(mig.status, mig.text).toBe(202);
    expectProblem(await post(`/api/vms/${v.id}/snapshots`, { name: 'three' }), 409);
    await answer(mig.body.id, false, undefined, 'target unreachable');
    expect(await get(`/api/vms/${v.id}`)).toMatchObject({ status: 'running', host_server_id: host.id });
  });

  it('expire after their retention: the cron job deletes them through the agent', async () => {
    const v = await vm();
    await answer((await snapshot(v, 'nightly', { retention_days: 7 })).id, true);
    const [s] = await snapshotsOf(v);
    const days = (Date.parse(s!.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
    const ctx = createExecutionContext();
    const tick = async () => {
      await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '* * * * *' }), env, ctx);
      await waitOnExecutionContext(ctx);
    };
    await tick();
    expect((await get(`/api/vm-snapshots/${s!.id}`)).status).toBe('ready'); // not yet due
    await env.DB.prepare(`UPDATE vm_snapshots SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id = ?`)
      .bind(s!.id)
      .run();
    await tick();
    expect((await get(`/api/vm-snapshots/${s!.id}`)).status).toBe('deleting');
    const [op] = (await get(`/api/vm-operations?vm_id=${v.id}&kind=vm.snapshot.delete`)) as Row[];
    expect(op).toMatchObject({
      requested_by: 'system',
      params: { snapshot: 'nightly', reason: 'retention period ended' },
    });
    await tick(); // queued once, not again
    expect((await get(`/api/vm-operations?vm_id=${v.id}&kind=vm.snapshot.delete`)) as Row[]).toHaveLength(1);
    await answer(op!.id, true);
    expect((await api(`/api/vm-snapshots/${s!.id}`, { token: admin })).status).toBe(404);
  });
});

describe('clones', () => {
  it('keep their lineage and hold host capacity from the request on', async () => {
    const v = await vm({ cpu_cores: 4, ram_gb: 4 });
    await answer((await snapshot(v, 'golden')).id, true);
    const [golden] = await snapshotsOf(v);
    const before = (await get(`/api/servers/${host.id}/capacity`)).resources.find((r: Row) => r.resource === 'ram');
    const name = uniqueName('clone');
    const r = await post(`/api/vms/${v.id}/clone`, { name, snapshot_id: golden!.id });
    expect(r.status, r.text).toBe(202);
    expect(r.body).toMatchObject({ kind: 'vm.clone', params: { clone_name: name, snapshot: 'golden' } });
    const cloneId = Number(/\/api\/vms\/(\d+)/.exec(r.headers.get('link') ?? '')?.[1]);
    const clone = await get(`/api/vms/${cloneId}`);
    expect(clone).toMatchObject({
      name,
      status: 'provisioning',
      host_server_id: host.id,
      cpu_cores: 4,
      ram_gb: 4,
      cloned_from_vm_id: v.id,
      cloned_from_vm_name: v.name,
      cloned_from_snapshot_id: golden!.id,
    });
    const after = (await get(`/api/servers/${host.id}/capacity`)).resources.find((r: Row) => r.resource === 'ram');
    expect(after.allocated - before.allocated).toBe(4);
    // its name is taken while it is made
    expectProblem(await post(`/api/vms/${v.id}/clone`, { name }), 409);
    const sent = await answer(r.body.id, true, { name, state: 'stopped', source: v.name, snapshot: 'golden' });
    expect(sent.params).toMatchObject({ clone_name: name, snapshot: 'golden' });
    expect((await get(`/api/vms/${cloneId}`)).status).toBe('stopped');
    expect(((await get(`/api/vms?cloned_from_vm_id=${v.id}`)) as Row[]).map((c) => c.id)).toEqual([cloneId]);
    expect((await get(`/api/vm-snapshots/${golden!.id}`)).clone_count).toBe(1);
  });

  it('refuse a host without room, a snapshot of another VM, and give everything back on failure or cancel', async () => {
    const big = await vm({ cpu_cores: 2, ram_gb: 9 });
    const c = await post(`/api/vms/${big.id}/clone`, { name: uniqueName('too-big') });
    const p = expectProblem(c, 409, ['name']);
    expect(p.detail).toMatch(/RAM: 9 GB asked/);
    const small = await vm({ cpu_cores: 1, ram_gb: 1 });
    await answer((await snapshot(small, 's1')).id, true);
    const [s1] = await snapshotsOf(small);
    expectProblem(await post(`/api/vms/${big.id}/clone`, { name: 'x1', snapshot_id: s1!.id }), 422, ['snapshot_id']);
    expectProblem(await post(`/api/vms/${small.id}/clone`, { name: 'bad name' }), 422, ['name']);

    const failName = uniqueName('fails');
    const failing = await post(`/api/vms/${small.id}/clone`, { name: failName });
    expect(failing.status).toBe(202);
    await answer(failing.body.id, false, undefined, 'pool default is full');
    expect((await get(`/api/vms?q=${failName}`)) as Row[]).toHaveLength(0);

    // a cancelled clone leaves nothing (no agent answer needed: it never left the queue)
    agent.ws.close(1000);
    const cancelName = uniqueName('cancelled');
    const queued = await post(`/api/vms/${small.id}/clone`, { name: cancelName });
    expect((await get(`/api/vms?q=${cancelName}`)) as Row[]).toHaveLength(1);
    expect((await post(`/api/vm-operations/${queued.body.id}/cancel`)).status).toBe(200);
    expect((await get(`/api/vms?q=${cancelName}`)) as Row[]).toHaveLength(0);
  });
});
