// The site agent's side of the platform, through the Worker and the real SiteAgent object: agent tokens bound to
// a site, the WebSocket handshake, operations handed out one at a time with their idempotency key, results
// written to the VM and the audit trail, observed state as drift, and the queue across disconnects, expired
// leases and the object's eviction (nothing lost, nothing handed to two runs under different keys).
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import {
  adminToken,
  api,
  auditRows,
  createDatacenter,
  createRack,
  createServer,
  expectProblem,
  openSocket,
  openSocketWith,
  uniqueName,
  type LiveSocket,
  type Row,
} from '../helpers';
import { siteAgent } from '../../durable-objects/site-agent-client';
import type { SiteAgent } from '../../durable-objects/site-agent';

let admin: string;
let dc: Row;
let hostA: Row;
let hostB: Row;
let agentToken: string;

const HELLO = {
  type: 'hello',
  protocol: 1,
  agent: { version: '1.0.0', hostname: 'agent-01', drivers: ['libvirt'], dry_run: false },
};

async function connect(token = agentToken): Promise<LiveSocket> {
  const s = await openSocketWith('/api/agents/connect', { 'Sec-WebSocket-Protocol': `dcp-agent, bearer.${token}` });
  if (!('ws' in s)) throw new Error(`connect: ${s.status} ${JSON.stringify(s.body)}`);
  return s;
}
const send = (s: LiveSocket, m: unknown) => s.ws.send(JSON.stringify(m));
const vm = async (over: Row = {}) =>
  (
    await api('/api/vms', {
      token: admin,
      json: { name: uniqueName('vm'), host_server_id: hostA.id, cpu_cores: 1, ram_gb: 1, ...over },
    })
  ).body as Row;
const op = async (id: number) => (await api(`/api/vm-operations/${id}`, { token: admin })).body as Row;
const vmOf = async (id: number) => (await api(`/api/vms/${id}`, { token: admin })).body as Row;

beforeAll(async () => {
  admin = await adminToken();
  dc = await createDatacenter(admin);
  const rack = await createRack(admin, { datacenter_id: dc.id });
  hostA = await createServer(admin, { rack_id: rack.id, u_position: 1, cpu_cores: 16, ram_gb: 64 });
  hostB = await createServer(admin, { rack_id: rack.id, u_position: 3, cpu_cores: 16, ram_gb: 64 });
  const t = await api('/api/tokens', { token: admin, json: { name: 'site agent', scopes: ['agent'], site_id: dc.id } });
  expect(t.status, t.text).toBe(201);
  expect(t.body.site_id).toBe(dc.id);
  agentToken = t.body.token;
});

describe('agent tokens and the handshake', () => {
  it('an agent token is bound to one site and has the agent scope alone', async () => {
    const bad = (json: Row) => api('/api/tokens', { token: admin, json: { name: 'x', ...json } });
    expectProblem(await bad({ scopes: ['agent'] }), 422, ['site_id']);
    expectProblem(await bad({ scopes: ['read'], site_id: dc.id }), 422, ['site_id']);
    expectProblem(await bad({ scopes: ['agent', 'read'], site_id: dc.id }), 422, ['scopes']);
    // it reaches nothing else of the API
    expect((await api('/api/vms', { token: agentToken })).status).toBe(403);
  });

  it('only an agent token connects, over a WebSocket, and gets its site back with the subprotocol', async () => {
    expect((await api('/api/agents/connect', { token: agentToken })).status).toBe(426);
    const asAdmin = await openSocket('/api/agents/connect', admin);
    expect('status' in asAdmin && asAdmin.status).toBe(403);
    const none = await openSocketWith('/api/agents/connect', { 'Sec-WebSocket-Protocol': 'dcp-agent' });
    expect('status' in none && none.status).toBe(401);
    const s = await connect();
    expect(s.protocol).toBe('dcp-agent');
    const welcome = await s.waitFor((m) => m.type === 'welcome');
    expect(welcome).toEqual({ type: 'welcome', protocol: 1, site: { datacenter_id: dc.id, name: dc.name } });
    send(s, HELLO);
    await expect
      .poll(async () => (await api(`/api/sites/${dc.id}/agent`, { token: admin })).body)
      .toMatchObject({ connected: true, hostname: 'agent-01', drivers: ['libvirt'], dry_run: false });
    s.ws.close(1000);
    await expect
      .poll(async () => (await api(`/api/sites/${dc.id}/agent`, { token: admin })).body.connected)
      .toBe(false);
  });
});

describe('operations through the agent', () => {
  it('one at a time with its key; results move the VM and are audited; duplicates change nothing', async () => {
    const a = await vm({ status: 'stopped' });
    const b = await vm({ status: 'running' });
    const start = (await api(`/api/vms/${a.id}/start`, { token: admin, method: 'POST' })).body;
    const mig = (await api(`/api/vms/${b.id}/migrate`, { token: admin, json: { target_host_id: hostB.id } })).body;
    const s = await connect();
    send(s, HELLO);
    const first = await s.waitFor((m) => m.type === 'operation');
    expect(first.operation).toMatchObject({
      id: start.id,
      key: start.idempotency_key,
      kind: 'vm.start',
      target: { kind: 'vm', driver: 'libvirt', name: a.name, host: hostA.name },
    });
    expect((await op(start.id)).status).toBe('running');
    // the second waits until the first is answered
    await new Promise((r) => setTimeout(r, 100));
    expect(s.messages.filter((m) => m.type === 'operation')).toHaveLength(1);
    send(s, { type: 'started', id: start.id, key: start.idempotency_key });
    send(s, { type: 'result', id: start.id, key: start.idempotency_key, ok: true, output: { state: 'running' } });
    const second = await s.waitFor((m) => m.type === 'operation' && m.operation.id === mig.id);
    expect(second.operation.params).toMatchObject({ target_host: hostB.name, live: true });
    expect(await op(start.id)).toMatchObject({ status: 'succeeded', output: { state: 'running' } });
    expect((await vmOf(a.id)).status).toBe('running');
    send(s, { type: 'result', id: mig.id, key: mig.idempotency_key, ok: true });
    await expect.poll(async () => (await op(mig.id)).status).toBe('succeeded');
    expect(await vmOf(b.id)).toMatchObject({ status: 'running', host_server_id: hostB.id });
    // the same answer again (a reconnecting agent replaying its journal): no second record
    send(s, { type: 'result', id: mig.id, key: mig.idempotency_key, ok: true, replayed: true });
    await new Promise((r) => setTimeout(r, 100));
    const audit = await auditRows("entity_type = 'vm' AND entity_id = ? AND action LIKE 'vm_migrate_%'", String(b.id));
    expect(audit.map((e) => e.action)).toEqual(['vm_migrate_requested', 'vm_migrate_succeeded']);
    expect(audit[1]!.actor).toBe('agent:agent-01');
    s.ws.close(1000);
  });

  it('a dry-run answer is recorded as such and changes nothing on the VM', async () => {
    const v = await vm({ status: 'stopped' });
    const start = (await api(`/api/vms/${v.id}/start`, { token: admin, method: 'POST' })).body;
    const s = await connect();
    send(s, { ...HELLO, agent: { ...HELLO.agent, dry_run: true } });
    await s.waitFor((m) => m.type === 'operation' && m.operation.id === start.id);
    send(s, { type: 'result', id: start.id, key: start.idempotency_key, ok: true, output: { dry_run: true } });
    await expect.poll(async () => (await op(start.id)).status).toBe('succeeded');
    expect((await op(start.id)).output).toEqual({ dry_run: true });
    expect((await vmOf(v.id)).status).toBe('stopped');
    const audit = await auditRows("entity_type = 'vm' AND entity_id = ?", String(v.id));
    expect(audit.map((e) => e.action)).toContain('vm_start_dry_run');
    s.ws.close(1000);
  });

  it('a failure is recorded with its text and puts a migrating VM back', async () => {
    const v = await vm({ status: 'running' });
    const mig = (await api(`/api/vms/${v.id}/migrate`, { token: admin, json: { target_host_id: hostB.id } })).body;
    const s = await connect();
    send(s, HELLO);
    await s.waitFor((m) => m.type === 'operation' && m.operation.id === mig.id);
    send(s, { type: 'result', id: mig.id, key: mig.idempotency_key, ok: false, error: 'target refused: no CPU flags' });
    await expect.poll(async () => (await op(mig.id)).status).toBe('failed');
    expect((await op(mig.id)).error).toBe('target refused: no CPU flags');
    expect(await vmOf(v.id)).toMatchObject({ status: 'running', host_server_id: hostA.id });
    s.ws.close(1000);
  });

  it("survives a disconnect and the object's eviction: the held operation comes back with the same key", async () => {
    const v = await vm({ status: 'stopped' });
    const start = (await api(`/api/vms/${v.id}/start`, { token: admin, method: 'POST' })).body;
    let s = await connect();
    send(s, HELLO);
    await s.waitFor((m) => m.type === 'operation' && m.operation.id === start.id);
    s.ws.close(1001);
    await evictDurableObject(siteAgent(env, dc.id));
    // still held (running) under its lease; the next agent gets it again, same key
    expect((await op(start.id)).status).toBe('running');
    s = await connect();
    send(s, HELLO);
    const again = await s.waitFor((m) => m.type === 'operation');
    expect(again.operation).toMatchObject({ id: start.id, key: start.idempotency_key });
    send(s, { type: 'result', id: start.id, key: start.idempotency_key, ok: true, replayed: true });
    await expect.poll(async () => (await op(start.id)).status).toBe('succeeded');
    expect((await op(start.id)).attempts).toBe(1);
    s.ws.close(1000);
  });

  it('a lease that runs out with no agent puts the operation back in the queue', async () => {
    const v = await vm({ status: 'stopped' });
    const start = (await api(`/api/vms/${v.id}/start`, { token: admin, method: 'POST' })).body;
    const s = await connect();
    send(s, HELLO);
    await s.waitFor((m) => m.type === 'operation' && m.operation.id === start.id);
    s.ws.close(1001);
    await expect
      .poll(async () => (await api(`/api/sites/${dc.id}/agent`, { token: admin })).body.connected)
      .toBe(false);
    const stub = siteAgent(env, dc.id);
    await runInDurableObject(stub, async (_: SiteAgent, state: DurableObjectState) => {
      const held = (await state.storage.get<{ lease_until: number }>('inflight'))!;
      await state.storage.put('inflight', { ...held, lease_until: Date.now() - 1 });
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await op(start.id)).status).toBe('queued');
    // the next agent claims it again: same operation, same key, second attempt
    const s2 = await connect();
    send(s2, HELLO);
    const again = await s2.waitFor((m) => m.type === 'operation');
    expect(again.operation).toMatchObject({ id: start.id, key: start.idempotency_key });
    expect((await op(start.id)).attempts).toBe(2);
    send(s2, { type: 'result', id: start.id, key: start.idempotency_key, ok: true });
    await expect.poll(async () => (await op(start.id)).status).toBe('succeeded');
    s2.ws.close(1000);
  });

  it('what the agent observes is written beside the record, as drift', async () => {
    const v = await vm({ status: 'running' });
    const s = await connect();
    send(s, HELLO);
    send(s, {
      type: 'observed',
      at: Date.now(),
      vms: [{ driver: 'libvirt', host: hostA.name, name: v.name, state: 'stopped' }],
      workloads: [],
    });
    await expect.poll(async () => (await vmOf(v.id)).observed_status).toBe('stopped');
    expect(await vmOf(v.id)).toMatchObject({ status: 'running', observed_host: hostA.name, drift: true });
    const drifting = (await api(`/api/vms?drift=true&host_server_id=${hostA.id}`, { token: admin })).body as Row[];
    expect(drifting.map((x) => x.id)).toContain(v.id);
    // a frame that is not the protocol is ignored, and the connection stays up
    s.ws.send('not json');
    send(s, { type: 'result', id: 'x' });
    send(s, {
      type: 'observed',
      at: Date.now(),
      vms: [{ driver: 'libvirt', host: hostA.name, name: v.name, state: 'running' }],
      workloads: [],
    });
    await expect.poll(async () => (await vmOf(v.id)).drift).toBe(false);
    s.ws.close(1000);
  });

  it('hosts the agent cannot reach are shown with why, until it reaches them again', async () => {
    const s = await connect();
    send(s, HELLO);
    const status = async () => (await api(`/api/sites/${dc.id}/agent`, { token: admin })).body;
    const gone = { driver: 'libvirt', target: hostB.name, error: 'failed to connect to the hypervisor' };
    send(s, { type: 'observed', at: Date.now(), vms: [], workloads: [], unreachable: [gone] });
    await expect.poll(async () => (await status()).unreachable).toEqual([gone]);
    send(s, { type: 'observed', at: Date.now(), vms: [], workloads: [] });
    await expect.poll(async () => (await status()).unreachable).toEqual([]);
    s.ws.close(1000);
  });
});
