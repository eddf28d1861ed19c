// Clusters, nodes and workloads through the real Worker and D1, and their operations through the real site object
// with the agent's side played over its WebSocket: scaling, a rolling update whose steps are recorded as the agent
// reports them, paused and resumed, cancelled (the agent rolls back), a failed readiness rolled back on site, the
// pause surviving the agent's disconnect, observed replicas and probe results, and every refusal.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import {
  adminToken,
  api,
  asRole,
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
import { siteAgent } from '../../durable-objects/site-agent-client';
import type { SiteAgent } from '../../durable-objects/site-agent';

let admin: string;
let dc: Row;
let cluster: Row;
let agentToken: string;

const HELLO = {
  type: 'hello',
  protocol: 1,
  agent: { version: '1', hostname: 'site-b', drivers: ['docker', 'kubernetes'], dry_run: false },
};
async function connect(): Promise<LiveSocket> {
  const s = await openSocketWith('/api/agents/connect', {
    'Sec-WebSocket-Protocol': `dcp-agent, bearer.${agentToken}`,
  });
  if (!('ws' in s)) throw new Error(`connect: ${s.status}`);
  s.ws.send(JSON.stringify(HELLO));
  return s;
}
const send = (s: LiveSocket, m: unknown) => s.ws.send(JSON.stringify(m));
const get = async (path: string) => (await api(path, { token: admin })).body;
const post = (path: string, json?: Row) => api(path, json ? { token: admin, json } : { token: admin, method: 'POST' });
const workload = async (over: Row = {}) => {
  const r = await api('/api/containers', {
    token: admin,
    json: {
      cluster_id: cluster.id,
      namespace: 'shop',
      name: uniqueName('web').toLowerCase(),
      image: 'nginx:1.25',
      replicas_desired: 4,
      ...over,
    },
  });
  expect(r.status, r.text).toBe(201);
  return r.body as Row;
};
const opOf = (id: number) => get(`/api/workload-operations/${id}`);

beforeAll(async () => {
  admin = await adminToken();
  dc = await createDatacenter(admin);
  const c = await api('/api/clusters', {
    token: admin,
    json: {
      name: uniqueName('lab-docker'),
      kind: 'docker',
      datacenter_id: dc.id,
      endpoint: 'unix:///run/podman/podman.sock',
    },
  });
  expect(c.status, c.text).toBe(201);
  cluster = c.body;
  const t = await api('/api/tokens', { token: admin, json: { name: 'agent', scopes: ['agent'], site_id: dc.id } });
  agentToken = t.body.token;
});

describe('clusters and workloads', () => {
  it('are inventory: nodes are servers or VMs, workloads validated, counted on their cluster', async () => {
    const rack = await createRack(admin, { datacenter_id: dc.id });
    const srv = await createServer(admin, { rack_id: rack.id, u_position: 1 });
    const node = await post('/api/cluster-nodes', { cluster_id: cluster.id, server_id: srv.id, role: 'control-plane' });
    expect(node.status, node.text).toBe(201);
    expect(node.body).toMatchObject({ node_name: srv.name, node_kind: 'server', role: 'control-plane' });
    expectProblem(await post('/api/cluster-nodes', { cluster_id: cluster.id }), 422, ['server_id']);
    expectProblem(await post('/api/cluster-nodes', { cluster_id: cluster.id, server_id: srv.id }), 409);
    expectProblem(await post('/api/clusters', { name: 'x', kind: 'mesos', datacenter_id: dc.id }), 422, ['kind']);

    const bad = await post('/api/containers', {
      cluster_id: cluster.id,
      name: 'Web_1',
      image: 'UPPER CASE',
      cpu_request_m: 500,
      cpu_limit_m: 250,
      probes: [{ type: 'startup', handler: 'http' }],
    });
    expectProblem(
      bad,
      422,
      ['name', 'image', 'probes[0].type'].map((f) => f),
    );
    expectProblem(
      await post('/api/containers', {
        cluster_id: cluster.id,
        name: 'ok',
        image: 'nginx:1',
        cpu_request_m: 500,
        cpu_limit_m: 250,
      }),
      422,
      ['cpu_request_m'],
    );
    const w = await workload({
      probes: [{ type: 'readiness', handler: 'http', path: '/healthz', port: 8080 }],
      labels: { app: 'shop' },
    });
    expect(w).toMatchObject({
      cluster_name: cluster.name,
      cluster_kind: 'docker',
      state: 'unknown',
      replicas_ready: 0,
      active_operation_id: null,
    });
    expect(w.probes[0]).toMatchObject({ type: 'readiness', period_s: 10 });
    // the image changes by rollout only
    expectProblem(
      await api(`/api/containers/${w.id}`, { token: admin, method: 'PATCH', json: { image: 'nginx:2' } }),
      422,
      ['image'],
    );
    const c = await get(`/api/clusters/${cluster.id}`);
    expect(c.workload_count).toBeGreaterThanOrEqual(1);
    expect(c.node_count).toBe(1);
  });

  it('are as secret as their cluster', async () => {
    const secret = await post('/api/clusters', {
      name: uniqueName('ts'),
      kind: 'kubernetes',
      datacenter_id: dc.id,
      security_zone: 'Confidential',
    });
    expect(secret.status, secret.text).toBe(201);
    const w = await workload({ cluster_id: secret.body.id });
    const viewer = await asRole('viewer', admin);
    expect((await api(`/api/containers/${w.id}`, { token: viewer })).status).toBe(404);
    const list = (await api(`/api/containers?cluster_id=${secret.body.id}`, { token: viewer })).body as Row[];
    expect(list).toEqual([]);
    expect((await api(`/api/clusters/${secret.body.id}`, { token: viewer })).status).toBe(404);
  });

  it('observed replicas and probe results are written beside the declaration', async () => {
    const w = await workload({
      probes: [
        { type: 'readiness', handler: 'tcp', port: 80 },
        { type: 'liveness', handler: 'exec', command: 'true' },
      ],
    });
    const s = await connect();
    send(s, {
      type: 'observed',
      at: Date.now(),
      vms: [],
      workloads: [
        {
          driver: 'docker',
          cluster: cluster.name,
          namespace: 'shop',
          name: w.name,
          image: 'nginx:1.25',
          replicas_desired: 4,
          replicas_ready: 3,
          probes: [
            { type: 'readiness', result: 'failure', message: 'replica 4: connection refused' },
            { type: 'liveness', result: 'success' },
          ],
        },
      ],
    });
    await expect.poll(async () => (await get(`/api/containers/${w.id}`)).replicas_ready).toBe(3);
    const seen = await get(`/api/containers/${w.id}`);
    expect(seen).toMatchObject({ observed_image: 'nginx:1.25', state: 'degraded' });
    expect(seen.probes.map((p: Row) => [p.type, p.last_result])).toEqual([
      ['readiness', 'failure'],
      ['liveness', 'success'],
    ]);
    expect(seen.probes[0].last_message).toBe('replica 4: connection refused');
    // saving the list again keeps the results of the probes that did not change; a changed one starts over
    const saved = await api(`/api/containers/${w.id}`, {
      token: admin,
      method: 'PATCH',
      json: {
        probes: [
          { type: 'readiness', handler: 'tcp', port: 80 },
          { type: 'liveness', handler: 'exec', command: 'test -f /ok' },
        ],
      },
    });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.probes.map((p: Row) => [p.type, p.last_result ?? null])).toEqual([
      ['readiness', 'failure'],
      ['liveness', null],
    ]);
    s.ws.close(1000);
  });
});

describe('operations through the agent', () => {
  it('scale: the agent gets the workload by its site names; the result sets the desired replicas', async () => {
    const w = await workload();
    const r = await post(`/api/containers/${w.id}/scale`, { replicas: 6 });
    expect(r.status, r.text).toBe(202);
    expect(r.body.idempotency_key).toMatch(/^wl:/);
    expect((await get(`/api/containers/${w.id}`)).state).toBe('progressing');
    expectProblem(await post(`/api/containers/${w.id}/scale`, { replicas: 2 }), 409, ['id']);
    expectProblem(await post(`/api/containers/${w.id}/scale`, { replicas: -1 }), 422, ['replicas']);
    const s = await connect();
    const m = await s.waitFor((x) => x.type === 'operation' && x.operation.key === r.body.idempotency_key);
    expect(m.operation).toMatchObject({
      kind: 'workload.scale',
      target: { kind: 'workload', driver: 'docker', cluster: cluster.name, namespace: 'shop', name: w.name },
      params: { replicas: 6 },
    });
    send(s, { type: 'result', id: m.operation.id, key: m.operation.key, ok: true, output: { replicas: 6 } });
    await expect.poll(async () => (await opOf(r.body.id)).status).toBe('succeeded');
    expect((await get(`/api/containers/${w.id}`)).replicas_desired).toBe(6);
    const audit = await auditRows("entity_type = 'workload' AND entity_id = ?", String(w.id));
    expect(audit.map((e) => e.action)).toEqual(['create', 'workload_scale_requested', 'workload_scale_succeeded']);
    expect(audit[2]!.actor).toBe('agent:site-b');
    s.ws.close(1000);
  });

  it('rolling update: steps recorded live, paused and resumed, then done', async () => {
    const w = await workload();
    expectProblem(await post(`/api/containers/${w.id}/rollout`, { image: 'nginx:1.25' }), 409, ['image']);
    expectProblem(
      await post(`/api/containers/${w.id}/rollout`, { image: 'nginx:1.27', max_surge: 0, max_unavailable: 0 }),
      422,
      ['max_surge'],
    );
    const r = await post(`/api/containers/${w.id}/rollout`, {
      image: 'nginx:1.27',
      max_surge: 1,
      max_unavailable: 1,
      batch_size: 2,
    });
    expect(r.status, r.text).toBe(202);
    const s = await connect();
    const m = await s.waitFor((x) => x.type === 'operation' && x.operation.key === r.body.idempotency_key);
    expect(m.operation.params).toMatchObject({
      image: 'nginx:1.27',
      max_surge: 1,
      max_unavailable: 1,
      batch_size: 2,
      previous_image: 'nginx:1.25',
    });
    const { id, key } = m.operation;
    send(s, { type: 'started', id, key });
    send(s, {
      type: 'progress',
      id,
      key,
      step: 'batch',
      detail: { batch: 1, batches: 2, phase: 'starting', image: 'nginx:1.27' },
    });
    send(s, {
      type: 'progress',
      id,
      key,
      step: 'batch',
      detail: { batch: 1, batches: 2, phase: 'done', updated: 2, ready: 4, total: 4 },
    });
    await expect.poll(async () => (await opOf(r.body.id)).steps.length).toBe(2);
    expect((await get(`/api/containers/${w.id}`)).replicas_updated).toBe(2);

    const paused = await post(`/api/workload-operations/${r.body.id}/pause`);
    expect(paused.status, paused.text).toBe(200);
    expect(paused.body.paused).toBe(true);
    await s.waitFor((x) => x.type === 'pause' && x.id === id);
    expect((await get(`/api/containers/${w.id}`)).state).toBe('paused');
    send(s, { type: 'progress', id, key, step: 'paused' });
    send(s, { type: 'progress', id, key, step: 'paused' }); // a heartbeat: one 'paused' step is kept
    expect((await post(`/api/workload-operations/${r.body.id}/resume`)).body.paused).toBe(false);
    await s.waitFor((x) => x.type === 'resume' && x.id === id);
    send(s, { type: 'progress', id, key, step: 'resumed' });
    send(s, {
      type: 'progress',
      id,
      key,
      step: 'batch',
      detail: { batch: 2, batches: 2, phase: 'done', updated: 4, ready: 4, total: 4 },
    });
    send(s, { type: 'result', id, key, ok: true, output: { image: 'nginx:1.27', previous_image: 'nginx:1.25' } });
    await expect.poll(async () => (await opOf(r.body.id)).status).toBe('succeeded');
    const done = await opOf(r.body.id);
    expect(done.steps.map((x: Row) => x.step)).toEqual(['batch', 'batch', 'paused', 'resumed', 'batch']);
    expect(await get(`/api/containers/${w.id}`)).toMatchObject({
      image: 'nginx:1.27',
      replicas_updated: 4,
      state: 'unknown',
    });
    expectProblem(await post(`/api/workload-operations/${r.body.id}/pause`), 409);
    s.ws.close(1000);
  });

  it('a readiness failure is rolled back on site; cancel asks the agent to roll back', async () => {
    const w = await workload();
    const r = await post(`/api/containers/${w.id}/rollout`, { image: 'nginx:broken' });
    const s = await connect();
    const m = await s.waitFor((x) => x.type === 'operation' && x.operation.key === r.body.idempotency_key);
    const { id, key } = m.operation;
    send(s, {
      type: 'progress',
      id,
      key,
      step: 'rollback',
      detail: { batch: 1, batches: 4, image: 'nginx:1.25', reason: 'not healthy within 60 s' },
    });
    send(s, {
      type: 'result',
      id,
      key,
      ok: false,
      error: 'batch 1/4: not healthy within 60 s; rolled back to nginx:1.25',
    });
    await expect.poll(async () => (await opOf(r.body.id)).status).toBe('failed');
    expect((await opOf(r.body.id)).steps.at(-1)).toMatchObject({ step: 'rollback', detail: { image: 'nginx:1.25' } });
    expect((await get(`/api/containers/${w.id}`)).image).toBe('nginx:1.25');

    const again = await post(`/api/containers/${w.id}/rollout`, { image: 'nginx:1.28' });
    const m2 = await s.waitFor((x) => x.type === 'operation' && x.operation.key === again.body.idempotency_key);
    const cancel = await post(`/api/workload-operations/${again.body.id}/cancel`);
    expect(cancel.status, cancel.text).toBe(202);
    await s.waitFor((x) => x.type === 'cancel' && x.id === m2.operation.id);
    expect((await opOf(again.body.id)).steps.map((x: Row) => x.step)).toEqual(['cancel_requested']);
    expect((await get(`/api/sites/${dc.id}/agent`)).running).toBe(1);
    send(s, {
      type: 'result',
      id: m2.operation.id,
      key: m2.operation.key,
      ok: false,
      error: 'cancelled by the platform; rolled back to nginx:1.25',
    });
    await expect.poll(async () => (await opOf(again.body.id)).status).toBe('failed');
    expect((await get(`/api/containers/${w.id}`)).image).toBe('nginx:1.25');
    s.ws.close(1000);
  });

  it('a paused rollout stays paused across the agent going away and its lease running out', async () => {
    const w = await workload();
    const r = await post(`/api/containers/${w.id}/rollout`, { image: 'nginx:1.29' });
    const s = await connect();
    const m = await s.waitFor((x) => x.type === 'operation' && x.operation.key === r.body.idempotency_key);
    expect((await post(`/api/workload-operations/${r.body.id}/pause`)).status).toBe(200);
    s.ws.close(1001);
    await expect.poll(async () => (await get(`/api/sites/${dc.id}/agent`)).connected).toBe(false);
    const stub = siteAgent(env, dc.id);
    await runInDurableObject(stub, async (_: SiteAgent, state: DurableObjectState) => {
      const held = (await state.storage.get<{ lease_until: number }>('inflight'))!;
      await state.storage.put('inflight', { ...held, lease_until: Date.now() - 1 });
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await opOf(r.body.id)).toMatchObject({ status: 'queued', paused: true });
    const s2 = await connect();
    const back = await s2.waitFor((x) => x.type === 'operation' && x.operation.key === m.operation.key);
    expect(back.operation.id).toBe(m.operation.id);
    await s2.waitFor((x) => x.type === 'pause' && x.id === m.operation.id);
    send(s2, { type: 'result', id: m.operation.id, key: m.operation.key, ok: true });
    await expect.poll(async () => (await opOf(r.body.id)).status).toBe('succeeded');
    expect((await opOf(r.body.id)).paused).toBe(false);
    s2.ws.close(1000);
  });

  it("a held scale survives the agent's disconnect and the object's eviction, and runs once under its key", async () => {
    const w = await workload();
    const r = await post(`/api/containers/${w.id}/scale`, { replicas: 5 });
    let s = await connect();
    const m = await s.waitFor((x) => x.type === 'operation' && x.operation.key === r.body.idempotency_key);
    s.ws.close(1001);
    await evictDurableObject(siteAgent(env, dc.id));
    expect((await opOf(r.body.id)).status).toBe('running');
    s = await connect();
    const again = await s.waitFor((x) => x.type === 'operation' && x.operation.key === m.operation.key);
    expect(again.operation).toEqual(m.operation);
    // the agent answers from its journal: recorded once, the attempt counted once
    send(s, { type: 'result', id: m.operation.id, key: m.operation.key, ok: true, replayed: true });
    send(s, { type: 'result', id: m.operation.id, key: m.operation.key, ok: true, replayed: true });
    await expect.poll(async () => (await opOf(r.body.id)).status).toBe('succeeded');
    expect((await opOf(r.body.id)).attempts).toBe(1);
    const audit = await auditRows(
      "entity_type = 'workload' AND entity_id = ? AND action LIKE 'workload_scale_%'",
      String(w.id),
    );
    expect(audit.map((e) => e.action)).toEqual(['workload_scale_requested', 'workload_scale_succeeded']);
    s.ws.close(1000);
  });
});
