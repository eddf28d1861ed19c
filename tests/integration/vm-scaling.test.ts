// VM auto-scaling groups driven by the Worker's own scheduled handler over a scripted metric series (1-minute
// rollups of the template's host, as the rack objects flush them), with the site agent's side played over its
// WebSocket: members are cloned from the template and started, one at a time, cooldown apart, up to max_size; when
// the load falls the newest is deleted on site and its record goes, its operations folding into the template's log.
import { beforeAll, describe, expect, it } from 'vitest';
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
let template: Row;
let agent: LiveSocket;

const send = (m: unknown) => agent.ws.send(JSON.stringify(m));
const get = async (path: string) => (await api(path, { token: admin })).body;

async function tick(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}
/** `cpu_pct` at `value` on the host for the minute of `now` and the one before (the group's 1-minute window) */
async function load(now: number, value: number) {
  for (const ago of [0, 1]) {
    const bucket = Math.floor((now - ago * 60_000) / 60_000) * 60_000;
    await env.DB.prepare(
      `INSERT OR REPLACE INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
       VALUES (?, ?, 'cpu_pct', '', 60, ?, 6, ?, ?, ?, ?, ?, ?)`,
    )
      .bind(rack.id, host.id, bucket, value * 6, value, value, value, bucket + 50_000, value)
      .run();
  }
}
/** The agent receives operation `id` and answers it; returns what it was sent. */
async function answer(id: number, ok: boolean, output?: Row, error?: string) {
  const m = await agent.waitFor((x) => x.type === 'operation' && x.operation.id === id);
  send({ type: 'result', id, key: m.operation.key, ok, output, error });
  await expect
    .poll(async () => (await api(`/api/vm-operations/${id}`, { token: admin })).body.status)
    .toBe(ok ? 'succeeded' : 'failed');
  return m.operation;
}
const decisions = async (g: Row) => (await get(`/api/vm-scaling-decisions?group_id=${g.id}&sort=id`)) as Row[];
const members = async (g: Row) => (await get(`/api/vms?scaling_group_id=${g.id}&sort=id`)) as Row[];

beforeAll(async () => {
  admin = await adminToken();
  const dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id });
  host = await createServer(admin, { rack_id: rack.id, u_position: 1, cpu_cores: 8, ram_gb: 16 });
  const r = await api('/api/vms', {
    token: admin,
    json: { name: uniqueName('web-tpl'), host_server_id: host.id, cpu_cores: 2, ram_gb: 4, status: 'stopped' },
  });
  template = r.body;
  const t = await api('/api/tokens', { token: admin, json: { name: 'agent', scopes: ['agent'], site_id: dc.id } });
  const s = await openSocketWith('/api/agents/connect', {
    'Sec-WebSocket-Protocol': `dcp-agent, bearer.${t.body.token}`,
  });
  if (!('ws' in s)) throw new Error(`connect: ${s.status}`);
  agent = s;
  send({
    type: 'hello',
    protocol: 1,
    agent: { version: '1', hostname: 'site-a', drivers: ['libvirt'], dry_run: false },
  });
});

describe('VM auto-scaling groups', () => {
  it('refuse thresholds that cross, bounds that invert, an unknown template and a member as template', async () => {
    const base = { name: uniqueName('asg'), template_vm_id: template.id, scale_out_above: 70, scale_in_below: 30 };
    await expectProblem(
      await api('/api/vm-scaling-groups', { token: admin, json: { ...base, scale_in_below: 80, max_size: 3 } }),
      422,
      ['scale_in_below'],
    );
    await expectProblem(
      await api('/api/vm-scaling-groups', { token: admin, json: { ...base, min_size: 4, max_size: 3 } }),
      422,
      ['min_size'],
    );
    await expectProblem(
      await api('/api/vm-scaling-groups', { token: admin, json: { ...base, template_vm_id: 999_999, max_size: 3 } }),
      422,
      ['template_vm_id'],
    );
    await expectProblem(await api('/api/vm-scaling-groups', { token: admin, json: { ...base, max_size: 0 } }), 422, [
      'max_size',
    ]);
  });

  it('scales out by cloning the template and starting the clone, one at a time, and back in newest first', async () => {
    const name = uniqueName('web').slice(0, 24);
    const created = await api('/api/vm-scaling-groups', {
      token: admin,
      json: {
        name,
        template_vm_id: template.id,
        window_min: 1,
        scale_out_above: 70,
        scale_in_below: 30,
        min_size: 0,
        max_size: 2,
        cooldown_s: 120,
      },
    });
    expect(created.status, created.text).toBe(201);
    const g = created.body as Row;
    expect(g).toMatchObject({ size: 0, template_vm_name: template.name, host_name: host.name, enabled: true });

    const t0 = Math.ceil(Date.now() / 60_000) * 60_000 + 10 * 60_000;
    // no samples yet: held, and said why
    await tick(t0 - 60_000);
    expect((await decisions(g)).at(-1)).toMatchObject({ action: 'hold', value: null, size_before: 0 });
    expect((await decisions(g)).at(-1)!.reason).toMatch(/no cpu_pct samples from the group's hosts/);

    // hot: one member, a clone of the template on its host, recorded at once as provisioning
    await load(t0, 85);
    await tick(t0);
    const out1 = (await decisions(g)).at(-1)!;
    expect(out1).toMatchObject({ action: 'scale_out', size_before: 0, size_after: 1, vm_name: `${name}-1`, value: 85 });
    expect(out1.reason).toBe('cpu_pct avg 1 min 85.0 > 70.0: 0 → 1');
    const [m1] = await members(g);
    expect(m1).toMatchObject({ name: `${name}-1`, status: 'provisioning', cloned_from_vm_id: template.id });
    const op1 = (await get(`/api/vm-operations/${out1.operation_id}`)) as Row;
    expect(op1).toMatchObject({ kind: 'vm.clone', vm_id: template.id, requested_by: 'system' });
    expect(op1.params).toMatchObject({ clone_name: `${name}-1`, start: true, scaling_group_id: g.id });

    // still hot a minute later: cooling down; after the cooldown, the clone is not made yet: waiting, no second one
    await load(t0 + 60_000, 90);
    await tick(t0 + 60_000);
    expect((await decisions(g)).at(-1)!.reason).toBe('cpu_pct avg 1 min 90.0 > 70.0, cooling down (60 s left)');
    await load(t0 + 150_000, 90);
    await tick(t0 + 150_000);
    expect((await decisions(g)).at(-1)!.reason).toMatch(/waiting: operation \d+ \(vm\.clone\) is in progress/);
    expect(await members(g)).toHaveLength(1);

    const sent = await answer(op1.id, true, { state: 'running', source: template.name });
    expect(sent).toMatchObject({ kind: 'vm.clone', params: { clone_name: `${name}-1`, start: true } });
    expect((await members(g))[0]).toMatchObject({ status: 'running' });

    // the first one made, and the cooldown run: a second member; then the maximum holds
    await load(t0 + 210_000, 90);
    await tick(t0 + 210_000);
    const out2 = (await decisions(g)).at(-1)!;
    expect(out2).toMatchObject({ action: 'scale_out', size_before: 1, size_after: 2, vm_name: `${name}-2` });
    await answer(out2.operation_id, true, { state: 'running' });
    await load(t0 + 300_000, 95);
    await tick(t0 + 300_000);
    expect((await decisions(g)).at(-1)!.reason).toMatch(/but already at the maximum of 2/);
    expect((await get(`/api/vm-scaling-groups/${g.id}`)).size).toBe(2);

    // the group cannot be deleted with members, nor its template
    await expectProblem(await api(`/api/vm-scaling-groups/${g.id}`, { token: admin, method: 'DELETE' }), 409);
    await expectProblem(await api(`/api/vms/${template.id}`, { token: admin, method: 'DELETE' }), 409);

    // cold: the newest member is deleted through the agent; the group counts it gone at once
    await load(t0 + 420_000, 12);
    await tick(t0 + 420_000);
    const in1 = (await decisions(g)).at(-1)!;
    expect(in1).toMatchObject({ action: 'scale_in', size_before: 2, size_after: 1, vm_name: `${name}-2` });
    expect(in1.reason).toBe('cpu_pct avg 1 min 12.0 < 30.0: 2 → 1');
    expect((await get(`/api/vm-scaling-groups/${g.id}`)).size).toBe(1);
    const m2 = (await members(g)).find((m) => m.name === `${name}-2`)!;
    const del = await answer(in1.operation_id, true, { deleted: true });
    expect(del).toMatchObject({ kind: 'vm.delete', target: { name: `${name}-2`, host: host.name } });
    // its record is gone; its history (made, then deleted) stays in the template's operations log
    expect((await api(`/api/vms/${m2.id}`, { token: admin })).status).toBe(404);
    expect((await members(g)).map((m) => m.name)).toEqual([`${name}-1`]);
    const log = (await get(`/api/vm-operations?vm_id=${template.id}&sort=id`)) as Row[];
    expect(log.filter((o) => o.params.clone_name === `${name}-2` || o.params.scaling_group_id === g.id)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'vm.clone', status: 'succeeded' }),
        expect.objectContaining({ kind: 'vm.delete', status: 'succeeded', id: in1.operation_id }),
      ]),
    );
    const audit = await auditRows("entity_type = 'vm' AND entity_id = ?", String(m2.id));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['vm_delete_requested', 'vm_delete_succeeded']));

    // a failed removal keeps the member, and the group tries again after the cooldown
    await load(t0 + 600_000, 10);
    await tick(t0 + 600_000);
    const in2 = (await decisions(g)).at(-1)!;
    expect(in2).toMatchObject({ action: 'scale_in', vm_name: `${name}-1`, size_after: 0 });
    await answer(in2.operation_id, false, undefined, 'virsh undefine: domain is locked');
    expect((await members(g)).map((m) => m.name)).toEqual([`${name}-1`]);
    expect((await get(`/api/vm-scaling-groups/${g.id}`)).size).toBe(1);
  });

  it('holds with the reason when the template host has no room for another member', async () => {
    const small = await createServer(admin, { rack_id: rack.id, u_position: 20, cpu_cores: 1, ram_gb: 4 });
    const tpl = (
      await api('/api/vms', {
        token: admin,
        json: { name: uniqueName('big-tpl'), host_server_id: small.id, cpu_cores: 2, ram_gb: 4, status: 'stopped' },
      })
    ).body as Row;
    const g = (
      await api('/api/vm-scaling-groups', {
        token: admin,
        json: {
          name: uniqueName('full').slice(0, 24),
          template_vm_id: tpl.id,
          window_min: 1,
          scale_out_above: 50,
          scale_in_below: 10,
          min_size: 0,
          max_size: 3,
        },
      })
    ).body as Row;
    const t = Math.ceil(Date.now() / 60_000) * 60_000 + 60 * 60_000;
    const saved = host;
    host = small;
    await load(t, 99);
    host = saved;
    await tick(t);
    const d = (await decisions(g)).at(-1)!;
    expect(d).toMatchObject({ action: 'hold', size_before: 0, size_after: 0, operation_id: null, vm_name: null });
    expect(d.reason).toMatch(/not asked: The clone does not fit on .*RAM/);
    expect(await members(g)).toHaveLength(0);
  });
});
