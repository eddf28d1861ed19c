// VM placement plans through the real Worker, D1 and site object: a pack plan frees hosts with the fewest moves
// and changes nothing until approved; four eyes; approval queues live migrations the agent (played over its
// WebSocket) carries out, and the cron completes the plan; a plan whose VMs moved is refused; rejection;
// maintenance hosts are emptied; bad input and clearance.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../worker/index';
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
  withStepUp,
  type LiveSocket,
  type Row,
} from '../helpers';

let admin: string;
let operator: string;
let dc: Row;
let hosts: Row[];
let agent: LiveSocket;
const send = (m: unknown) => agent.ws.send(JSON.stringify(m));
const get = async (path: string) => (await api(path, { token: admin })).body;

const vm = async (host: Row, over: Row = {}) => {
  const r = await api('/api/vms', {
    token: admin,
    json: { name: uniqueName('vm'), host_server_id: host.id, cpu_cores: 4, ram_gb: 8, status: 'running', ...over },
  });
  expect(r.status, r.text).toBe(201);
  return r.body as Row;
};
const plan = (token: string, json: Row) => api('/api/optimisation/placement-plans', { token, json });
const cron = async () => {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
};

beforeAll(async () => {
  admin = await adminToken();
  operator = await asRole('operator', admin);
  dc = await createDatacenter(admin);
  const rack = await createRack(admin, { datacenter_id: dc.id, power_capacity_kw: 20 });
  // three hosts of 8 cores (32 vCPU at 4:1) and 64 GB, drawing 450, 500 and 550 W
  hosts = [];
  for (const [i, w] of [450, 500, 550].entries()) {
    hosts.push(
      await createServer(admin, {
        rack_id: rack.id,
        u_position: 1 + 2 * i,
        cpu_cores: 8,
        ram_gb: 64,
        power_supply_w: w,
      }),
    );
  }
  const t = await api('/api/tokens', { token: admin, json: { name: 'agent', scopes: ['agent'], site_id: dc.id } });
  const s = await openSocketWith('/api/agents/connect', {
    'Sec-WebSocket-Protocol': `dcp-agent, bearer.${t.body.token}`,
  });
  if (!('ws' in s)) throw new Error(`connect: ${s.status}`);
  agent = s;
  send({ type: 'hello', protocol: 1, agent: { version: '1', hostname: 'site', drivers: ['libvirt'], dry_run: false } });
});

describe('placement plans', () => {
  it('pack: frees two hosts with two moves, changes nothing until approved, and runs through the agent', async () => {
    const [a, b, c] = hosts as [Row, Row, Row];
    // A carries two VMs, B and C one each: 16 vCPU and 32 GB in all fit on A (32 vCPU, 64 GB, no headroom)
    const onA = [await vm(a), await vm(a)];
    const onB = await vm(b);
    const onC = await vm(c);

    const res = await plan(operator, { datacenter_id: dc.id, goal: 'pack', headroom_pct: 0 });
    expect(res.status, res.text).toBe(201);
    const p = res.body;
    expect(p).toMatchObject({ status: 'proposed', goal: 'pack', headroom_pct: 0, datacenter_name: dc.name });
    expect(p.summary).toMatchObject({
      hosts_considered: 3,
      vms_considered: 4,
      hosts_used_before: 3,
      hosts_used_after: 1,
      moves: 2,
      ordered: true,
      // B and C draw 500 + 550 W: what powering them down saves
      freed_power_w: 1050,
    });
    expect(p.summary.freed.map((f: Row) => f.server_id).sort()).toEqual([b.id, c.id].sort());
    // the fewest moves: the VMs of B and C go to A, A's stay
    expect(p.moves.map((m: Row) => [m.vm_id, m.from_host_id, m.to_host_id, m.status])).toEqual(
      expect.arrayContaining([
        [onB.id, b.id, a.id, 'pending'],
        [onC.id, c.id, a.id, 'pending'],
      ]),
    );
    // A before: 8 of 32 vCPU, 16 of 64 GB → 0.25; after: 16 vCPU, 32 GB → 0.5
    const hostA = p.hosts.find((h: Row) => h.server_id === a.id);
    expect(hostA).toMatchObject({
      capacity: { vcpu: 32, ram_gb: 64 },
      before: { vcpu: 8, ram_gb: 16 },
      after: { vcpu: 16, ram_gb: 32 },
      utilisation_before: 0.25,
      utilisation_after: 0.5,
      vms_before: 2,
      vms_after: 4,
    });
    // a dry run: nothing queued, nothing moved
    expect(await get(`/api/vm-operations?vm_id=${onB.id}`)).toEqual([]);
    expect((await get(`/api/vms/${onB.id}`)).host_server_id).toBe(b.id);
    expect((await auditRows("action = 'create' AND entity_type = 'vm_placement_plan'")).length).toBeGreaterThan(0);

    // four eyes: the operator who asked may not approve
    expectProblem(
      await api(`/api/optimisation/placement-plans/${p.id}/approve`, { token: operator, method: 'POST' }),
      403,
    );
    const ok = await api(`/api/optimisation/placement-plans/${p.id}/approve`, { token: admin, method: 'POST' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ status: 'executing', decided_by: 'admin' });
    // A has room for both now: one wave
    expect(ok.body.moves.map((m: Row) => m.status)).toEqual(['queued', 'queued']);
    expectProblem(
      await api(`/api/optimisation/placement-plans/${p.id}/approve`, { token: admin, method: 'POST' }),
      409,
      ['status'],
    );

    // the agent migrates both; the cron sees it and completes the plan
    for (const m of ok.body.moves as Row[]) {
      const msg = await agent.waitFor((x) => x.type === 'operation' && x.operation.id === m.operation_id);
      expect(msg.operation).toMatchObject({ kind: 'vm.migrate' });
      send({ type: 'result', id: m.operation_id, key: msg.operation.key, ok: true });
      await expect.poll(async () => (await get(`/api/vm-operations/${m.operation_id}`)).status).toBe('succeeded');
    }
    await cron();
    const done = await get(`/api/optimisation/placement-plans/${p.id}`);
    expect(done.status).toBe('completed');
    expect(done.moves.map((m: Row) => m.status)).toEqual(['done', 'done']);
    for (const v of [...onA, onB, onC]) expect((await get(`/api/vms/${v.id}`)).host_server_id).toBe(a.id);
  });

  it('refuses a plan whose VMs moved since, and a rejected plan stays rejected', async () => {
    const [a, b] = hosts as [Row, Row];
    const extra = await vm(b);
    const p = (await plan(admin, { datacenter_id: dc.id, goal: 'pack', headroom_pct: 0 })).body;
    expect(p.moves.some((m: Row) => m.vm_id === extra.id && m.to_host_id === a.id)).toBe(true);
    await api(`/api/vms/${extra.id}`, { method: 'DELETE', token: admin });
    const stale = expectProblem(
      await api(`/api/optimisation/placement-plans/${p.id}/approve`, { token: admin, method: 'POST' }),
      409,
      ['moves'],
    );
    expect(stale.detail).toContain(extra.name);

    const r = await api(`/api/optimisation/placement-plans/${p.id}/reject`, {
      token: admin,
      json: { reason: 'the estate changed' },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ status: 'rejected', error: 'the estate changed' });
    expectProblem(
      await api(`/api/optimisation/placement-plans/${p.id}/approve`, { token: admin, method: 'POST' }),
      409,
    );
    const list = await api(`/api/optimisation/placement-plans?datacenter_id=${dc.id}&status=rejected`, {
      token: admin,
    });
    expect(list.body.map((x: Row) => x.id)).toEqual([p.id]);
  });

  it('spread empties a host in maintenance and balances the rest', async () => {
    const [a, b, c] = hosts as [Row, Row, Row];
    expect(
      (await api(`/api/servers/${a.id}`, { method: 'PATCH', token: admin, json: { status: 'maintenance' } })).status,
    ).toBe(200);
    const p = (await plan(admin, { datacenter_id: dc.id, goal: 'spread', headroom_pct: 10 })).body;
    expect(p.summary.evacuated).toEqual([{ server_id: a.id, name: a.name }]);
    const after = p.hosts.find((h: Row) => h.server_id === a.id);
    expect(after).toMatchObject({ maintenance: true, vms_after: 0 });
    expect(after.maintenance_reason).toContain('maintenance');
    // four VMs of 4 vCPU / 8 GB over B and C: two each
    expect(p.hosts.filter((h: Row) => h.server_id !== a.id).map((h: Row) => h.vms_after)).toEqual([2, 2]);
    expect(p.moves.every((m: Row) => m.to_host_id === b.id || m.to_host_id === c.id)).toBe(true);
    await api(`/api/servers/${a.id}`, { method: 'PATCH', token: admin, json: { status: 'active' } });
  });

  it('names bad fields (422), refuses viewers (403), and hides plans above the caller', async () => {
    expectProblem(await plan(admin, { datacenter_id: 999999, goal: 'pack' }), 422, ['datacenter_id']);
    expectProblem(await plan(admin, { datacenter_id: dc.id, goal: 'shuffle', headroom_pct: 95 }), 422, [
      'goal',
      'headroom_pct',
    ]);
    const empty = await createDatacenter(admin);
    expectProblem(await plan(admin, { datacenter_id: empty.id, goal: 'pack' }), 422, ['datacenter_id']);
    const viewer = await asRole('viewer', admin);
    expectProblem(await plan(viewer, { datacenter_id: dc.id, goal: 'pack' }), 403);
    expectProblem(await api('/api/optimisation/placement-plans/999999/approve', { token: admin, method: 'POST' }), 404);

    // a Top Secret site's plan is Top Secret: a viewer with Internal clearance neither lists nor reads it
    await withStepUp(admin);
    const secretDc = await createDatacenter(admin);
    const vault = await createRack(admin, { datacenter_id: secretDc.id, security_zone: 'Top Secret' });
    const h = await createServer(admin, { rack_id: vault.id, u_position: 1, cpu_cores: 8, ram_gb: 64 });
    await vm(h);
    const secret = (await plan(admin, { datacenter_id: secretDc.id, goal: 'pack' })).body;
    expect(secret.security_zone).toBe('Top Secret');
    expectProblem(await api(`/api/optimisation/placement-plans/${secret.id}`, { token: viewer }), 404);
    const seen = await api('/api/optimisation/placement-plans?limit=500', { token: viewer });
    expect(seen.body.map((x: Row) => x.id)).not.toContain(secret.id);
  });

  it('a VM parked on the way out of a cycle moves twice, its second move after its first is done', async () => {
    // the solver breaks a cycle of moves by parking one VM on a host outside it (tests/unit/packing.test.ts);
    // here such a plan, written as the solver writes it, is carried out through the agent
    const rack = await createRack(admin, { datacenter_id: dc.id, power_capacity_kw: 20 });
    const [h1, h2, h3] = await Promise.all(
      [1, 3, 5].map((u) => createServer(admin, { rack_id: rack.id, u_position: u, cpu_cores: 8, ram_gb: 64 })),
    );
    const x = await vm(h1!);
    const y = await vm(h2!);
    const mv = (v: Row, from: Row, to: Row, temporary = false) => ({
      vm_id: v.id,
      vm_name: v.name,
      from_host_id: from.id,
      from_host: from.name,
      to_host_id: to.id,
      to_host: to.name,
      temporary,
      status: 'pending',
      operation_id: null,
      error: null,
    });
    const moves = [mv(x, h1!, h3!, true), mv(y, h2!, h1!), mv(x, h3!, h2!)];
    const inserted = await env.DB.prepare(
      `INSERT INTO placement_plans (datacenter_id, goal, headroom_pct, status, security_zone, summary, moves, hosts,
         unplaceable, requested_by) VALUES (?, 'spread', 0, 'proposed', 'Public', ?, ?, '[]', '[]', 'operator')
       RETURNING id`,
    )
      .bind(dc.id, JSON.stringify({ moves: 3, ordered: true }), JSON.stringify(moves))
      .first<{ id: number }>();
    const id = inserted!.id;

    const ok = await api(`/api/optimisation/placement-plans/${id}/approve`, { token: admin, method: 'POST' });
    expect(ok.status, ok.text).toBe(200);
    // x's second move waits for its first: two migrations start, the third names what it waits for
    expect(ok.body.moves.map((m: Row) => m.status)).toEqual(['queued', 'queued', 'pending']);
    expect(ok.body.moves[0].temporary).toBe(true);
    expect(ok.body.moves[2].error).toContain(`waits for ${x.name} to reach ${h3!.name}`);
    const keys: string[] = [];
    const finish = async (m: Row) => {
      const msg = await agent.waitFor((z) => z.type === 'operation' && z.operation.id === m.operation_id);
      keys.push(msg.operation.key);
      send({ type: 'result', id: m.operation_id, key: msg.operation.key, ok: true });
      await expect.poll(async () => (await get(`/api/vm-operations/${m.operation_id}`)).status).toBe('succeeded');
    };
    for (const m of ok.body.moves.slice(0, 2) as Row[]) await finish(m);
    expect((await get(`/api/vms/${x.id}`)).host_server_id).toBe(h3!.id);

    await cron();
    const second = await get(`/api/optimisation/placement-plans/${id}`);
    expect(second.status).toBe('executing');
    expect(second.moves.map((m: Row) => m.status)).toEqual(['done', 'done', 'queued']);
    // its own operation, not the first move's answered again from its idempotency key
    expect(second.moves[2].operation_id).not.toBe(second.moves[0].operation_id);
    await finish(second.moves[2]);
    expect(new Set(keys).size).toBe(3);

    await cron();
    const done = await get(`/api/optimisation/placement-plans/${id}`);
    expect(done.status).toBe('completed');
    expect((await get(`/api/vms/${x.id}`)).host_server_id).toBe(h2!.id);
    expect((await get(`/api/vms/${y.id}`)).host_server_id).toBe(h1!.id);
  });
});
