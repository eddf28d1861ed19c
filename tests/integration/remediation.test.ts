// Auto-remediation through the real Worker, D1, rack objects and site object: an alert from ingested telemetry
// meets a playbook in the cron; dry run records what it would do and touches nothing; approval waits for an
// operator, then the migration goes to the agent (played over its WebSocket) and the run is verified when the
// alert clears; an auto run whose alert does not clear in time fails and is escalated to an incident; each guard
// (kill switch, maintenance window, blast radius, cooldown, approval by severity and by zone) holds a run back
// and says so; bad input, roles and clearance.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../worker/index';
import {
  adminToken,
  api,
  apiToken,
  asRole,
  auditRows,
  createDatacenter,
  createRack,
  createServer,
  expectProblem,
  ingestJson,
  openSocketWith,
  uniqueName,
  withStepUp,
  type LiveSocket,
  type Row,
} from '../helpers';

let admin: string;
let operator: string;
let viewer: string;
let ingest: string;
let dc: Row;
let rack: Row;
let agent: LiveSocket;
const send = (m: unknown) => agent.ws.send(JSON.stringify(m));
const get = async (path: string) => (await api(path, { token: admin })).body;
const MIN = 60_000;

const cron = async (at = Date.now()) => {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
};

async function host(r: Row, u: number) {
  const h = await createServer(admin, { rack_id: r.id, u_position: u, cpu_cores: 8, ram_gb: 64 });
  return h;
}
async function vm(h: Row, cpu = 4) {
  const r = await api('/api/vms', {
    token: admin,
    json: { name: uniqueName('vm'), host_server_id: h.id, cpu_cores: cpu, ram_gb: 8, status: 'running' },
  });
  expect(r.status, r.text).toBe(201);
  return r.body as Row;
}

/** A metric rule of its own (hot above 90, clear below 80) and a way to heat or cool a server on it. */
async function hotRule(severity = 'warning') {
  const metric = `rem_${crypto.randomUUID().slice(0, 8)}`;
  const res = await api('/api/alert-rules', {
    token: admin,
    json: { name: uniqueName('Hot host'), metric, threshold: 90, clear_threshold: 80, severity },
  });
  expect(res.status, res.text).toBe(201);
  let t = Date.now();
  const set = async (server: Row, value: number) => {
    t += 1000;
    const r = await ingestJson(ingest, [{ server: server.id, metric, value, ts: t }]);
    expect(r.status, r.text).toBeLessThan(300);
  };
  const openAlert = async (server: Row) =>
    ((await get(`/api/alerts?rule_id=${res.body.id}&server_id=${server.id}&limit=50`)) as Row[]).find(
      (a) => a.status !== 'resolved',
    );
  return { rule: res.body as Row, heat: (s: Row) => set(s, 97), cool: (s: Row) => set(s, 40), openAlert };
}

const playbook = async (json: Row, token = admin) => {
  const r = await api('/api/remediation/playbooks', { token, json: { name: uniqueName('Rebalance'), ...json } });
  expect(r.status, r.text).toBe(201);
  return r.body as Row;
};
const runsOf = async (p: Row) => (await get(`/api/remediation/runs?playbook_id=${p.id}&sort=id`)) as Row[];

/** The agent carries out the run's operation (a migration or a scale) and reports success. */
async function agentDoes(operationId: number) {
  const msg = await agent.waitFor((x) => x.type === 'operation' && x.operation.id === operationId);
  send({ type: 'result', id: operationId, key: msg.operation.key, ok: true });
  return msg.operation as Row;
}

beforeAll(async () => {
  admin = await adminToken();
  operator = await asRole('operator', admin);
  viewer = await asRole('viewer', admin);
  ingest = await apiToken(admin, ['ingest']);
  dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id, power_capacity_kw: 20 });
  const t = await api('/api/tokens', { token: admin, json: { name: 'agent', scopes: ['agent'], site_id: dc.id } });
  const s = await openSocketWith('/api/agents/connect', {
    'Sec-WebSocket-Protocol': `dcp-agent, bearer.${t.body.token}`,
  });
  if (!('ws' in s)) throw new Error(`connect: ${s.status}`);
  agent = s;
  send({ type: 'hello', protocol: 1, agent: { version: '1', hostname: 'site', drivers: ['libvirt'], dry_run: false } });
});

describe('remediation playbooks', { timeout: 60_000 }, () => {
  it('dry run by default: records the migration it would propose, once, and touches nothing', async () => {
    const [a, b] = [await host(rack, 1), await host(rack, 3)];
    const small = await vm(a, 2);
    const big = await vm(a, 6);
    await vm(b, 2);
    const hot = await hotRule();
    const p = await playbook({ action: 'vm.migrate', trigger_rule_id: hot.rule.id });
    expect(p).toMatchObject({ mode: 'dry_run', max_per_hour: 3, cooldown_min: 30, verify_min: 15, runs_24h: 0 });
    await hot.heat(a);
    await cron();
    await cron();
    const runs = await runsOf(p);
    expect(runs).toHaveLength(1);
    // the biggest VM that fits elsewhere goes to the host with the most free vCPU (B: 32 - 2 = 30 at 4:1)
    expect(runs[0]).toMatchObject({
      status: 'would_run',
      mode: 'dry_run',
      server_id: a.id,
      datacenter_id: dc.id,
      operation_id: null,
      proposal: { vm_id: big.id, from_host_id: a.id, to_host_id: b.id, to_free_cpu: 30 },
    });
    expect(runs[0].target).toBe(`${big.name} (${a.name} → ${b.name})`);
    expect(runs[0].alert_message).toBeTruthy();
    expect(await get(`/api/vm-operations?vm_id=${big.id}`)).toEqual([]);
    expect(await get(`/api/vm-operations?vm_id=${small.id}`)).toEqual([]);
    expect((await auditRows(`entity_type = 'remediation_run' AND entity_id = '${runs[0].id}'`)).length).toBe(1);
    // a playbook that waits for the host to stay hot 15 minutes: nothing yet, then its run when the time has come
    const patient = await playbook({ action: 'vm.migrate', trigger_rule_id: hot.rule.id, after_min: 15 });
    await cron();
    expect(await runsOf(patient)).toEqual([]);
    await cron(Date.now() + 16 * MIN);
    expect((await runsOf(patient)).map((r) => r.status)).toEqual(['would_run']);
    // the "would have run" list
    const would = (await get('/api/remediation/runs?status=would_run&limit=500')) as Row[];
    expect(would.map((r) => r.id)).toContain(runs[0].id);
  });

  it('a forecast triggers too: "disk full in < 24 h" from the nightly forecast meets a dry-run playbook', async () => {
    const r5 = await createRack(admin, { datacenter_id: dc.id, power_capacity_kw: 20 });
    const [a, b] = [await host(r5, 1), await host(r5, 3)];
    await vm(a, 2);
    await vm(b, 2);
    const rule = await api('/api/alert-rules', {
      token: admin,
      json: {
        name: uniqueName('Disk full soon'),
        kind: 'inventory',
        inventory_check: 'disk_full_forecast',
        comparison: '<',
        threshold: 24,
        scope_type: 'server',
        scope_value: String(a.id),
      },
    });
    expect(rule.status, rule.text).toBe(201);
    const p = await playbook({ action: 'vm.migrate', trigger_rule_id: rule.body.id });
    // hour i at 95 + i %: full at hour 5
    await env.DB.prepare(
      `INSERT INTO series_forecasts (rack_id, server_id, metric, labels, run_id, computed_at, start, method, period,
         backtest, history_hours, points) VALUES (?, ?, 'disk_pct', '', 1, ?, ?, 'drift', 24, '{}', 72, ?)`,
    )
      .bind(
        r5.id,
        a.id,
        Date.now(),
        Date.now(),
        JSON.stringify(Array.from({ length: 168 }, (_, i) => [95 + i, 94 + i, 96 + i])),
      )
      .run();
    await cron();
    await cron();
    const [run] = await runsOf(p);
    expect(run).toMatchObject({ status: 'would_run', server_id: a.id, severity: 'warning' });
    expect(run.alert_message).toBeTruthy();
  });

  it('approval: waits for an operator, the agent migrates, and the run succeeds when the alert clears', async () => {
    const r2 = await createRack(admin, { datacenter_id: dc.id, power_capacity_kw: 20 });
    const [a, b] = [await host(r2, 1), await host(r2, 3)];
    const v = await vm(a, 4);
    await vm(b, 1);
    const hot = await hotRule();
    const p = await playbook({ action: 'vm.migrate', trigger_rule_id: hot.rule.id, mode: 'approval' });
    await hot.heat(a);
    await cron();
    let [run] = await runsOf(p);
    expect(run).toMatchObject({ status: 'awaiting_approval', reason: 'the playbook asks for approval' });
    expect(run.proposal).toMatchObject({ vm_id: v.id, from_host_id: a.id });
    expect(run.proposal.to_host_id).not.toBe(a.id);

    expectProblem(await api(`/api/remediation/runs/${run.id}/approve`, { token: viewer, method: 'POST' }), 403);
    const ok = await api(`/api/remediation/runs/${run.id}/approve`, { token: operator, method: 'POST' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ status: 'executing' });
    expect(ok.body.decided_by).toMatch(/^u-operator/);
    expectProblem(await api(`/api/remediation/runs/${run.id}/approve`, { token: admin, method: 'POST' }), 409, [
      'status',
    ]);

    const op = await agentDoes(ok.body.operation_id);
    expect(op.kind).toBe('vm.migrate');
    expect(op.key).toContain(`remediation-${run.id}`);
    await expect.poll(async () => (await get(`/api/vm-operations/${ok.body.operation_id}`)).status).toBe('succeeded');
    expect((await get(`/api/vms/${v.id}`)).host_server_id).toBe(run.proposal.to_host_id);
    await cron();
    [run] = await runsOf(p);
    // done, but the host is still hot as far as anyone measured: verifying until it cools or time runs out
    expect(run.status).toBe('verifying');
    expect(Date.parse(run.verify_by)).toBeGreaterThan(Date.now() + 14 * MIN);
    await hot.cool(a);
    await cron();
    [run] = await runsOf(p);
    expect(run).toMatchObject({ status: 'succeeded', alert_status: 'resolved' });
    expect(run.finished_at).toBeTruthy();
  });

  it('auto: acts at once; an alert that does not clear in time fails the run and escalates to an incident', async () => {
    const r3 = await createRack(admin, { datacenter_id: dc.id, power_capacity_kw: 20 });
    const [a] = [await host(r3, 1), await host(r3, 3)];
    await vm(a, 4);
    const hot = await hotRule();
    const p = await playbook({
      action: 'vm.migrate',
      trigger_rule_id: hot.rule.id,
      mode: 'auto',
      approval_severity: 'never',
      verify_min: 5,
    });
    await hot.heat(a);
    await cron();
    let [run] = await runsOf(p);
    expect(run).toMatchObject({ status: 'executing', decided_by: 'policy' });
    await agentDoes(run.operation_id);
    await expect.poll(async () => (await get(`/api/vm-operations/${run.operation_id}`)).status).toBe('succeeded');
    await cron();
    [run] = await runsOf(p);
    expect(run.status).toBe('verifying');
    // four minutes on: still within its five
    await cron(Date.now() + 4 * MIN);
    expect((await runsOf(p))[0].status).toBe('verifying');
    await cron(Date.now() + 16 * MIN);
    [run] = await runsOf(p);
    expect(run).toMatchObject({ status: 'failed' });
    expect(run.reason).toContain('did not clear within 5 min');
    expect(run.incident_id).toBeTruthy();
    const inc = await get(`/api/incidents/${run.incident_id}`);
    expect(inc).toMatchObject({ severity: 'critical', status: 'open' });
    expect(inc.alerts.map((x: Row) => x.id)).toEqual([run.alert_id]);
    expect(inc.timeline.some((e: Row) => e.type === 'remediation' && /failed and was escalated/.test(e.note))).toBe(
      true,
    );
    expect((await auditRows(`entity_type = 'remediation_run' AND entity_id = '${run.id}'`)).length).toBeGreaterThan(2);
  });

  it('scale out: a VM scaling group gets one more member through the agent, and never past its maximum', async () => {
    const r6 = await createRack(admin, { datacenter_id: dc.id, power_capacity_kw: 20 });
    const h = await host(r6, 1);
    const tpl = await vm(h, 1);
    const g = await api('/api/vm-scaling-groups', {
      token: admin,
      json: {
        name: uniqueName('pool'),
        template_vm_id: tpl.id,
        scale_out_above: 99,
        scale_in_below: 1,
        min_size: 0,
        max_size: 1,
      },
    });
    expect(g.status, g.text).toBe(201);
    const hot = await hotRule();
    const p = await playbook({
      action: 'vm_group.scale_out',
      trigger_rule_id: hot.rule.id,
      scaling_group_id: g.body.id,
      mode: 'auto',
      approval_severity: 'never',
      cooldown_min: 0,
    });
    expect(p.scaling_group_name).toBe(g.body.name);
    await hot.heat(h);
    await cron();
    let [run] = await runsOf(p);
    expect(run).toMatchObject({
      status: 'executing',
      proposal: { scaling_group_id: g.body.id, from_size: 0, to_size: 1 },
    });
    const op = await agentDoes(run.operation_id);
    expect(op.kind).toBe('vm.clone');
    expect(op.params.clone_name).toBe(`${g.body.name}-1`);
    await expect.poll(async () => (await get(`/api/vm-operations/${run.operation_id}`)).status).toBe('succeeded');
    await hot.cool(h);
    await cron();
    [run] = await runsOf(p);
    expect(run.status).toBe('succeeded');
    // the group is at its maximum now: the next alert is held back with the reason
    await hot.heat(h);
    await cron();
    const [, second] = await runsOf(p);
    expect(second).toMatchObject({ status: 'skipped' });
    expect(second!.reason).toBe(`${g.body.name} is already at its maximum of 1 member`);
  });

  it('guards: kill switch, maintenance window, blast radius and cooldown hold runs back and say which', async () => {
    const r4 = await createRack(admin, { datacenter_id: dc.id, power_capacity_kw: 20 });
    const hosts = [await host(r4, 1), await host(r4, 3), await host(r4, 5), await host(r4, 7)];
    for (const h of hosts) await vm(h, 2);
    const hot = await hotRule();
    const p = await playbook({
      action: 'vm.migrate',
      trigger_rule_id: hot.rule.id,
      mode: 'approval',
      max_per_hour: 1,
      cooldown_min: 30,
    });

    // the kill switch: only operators and admins move it, and it is audited
    expectProblem(
      await api('/api/remediation/settings/kill-switch', { token: viewer, method: 'PUT', json: { kill_switch: true } }),
      403,
    );
    expectProblem(
      await api('/api/remediation/settings/kill-switch', { token: admin, method: 'PUT', json: { kill_switch: 'yes' } }),
      422,
      ['kill_switch'],
    );
    const on = await api('/api/remediation/settings/kill-switch', {
      token: operator,
      method: 'PUT',
      json: { kill_switch: true, note: 'change freeze' },
    });
    expect(on.status, on.text).toBe(200);
    expect(on.body).toMatchObject({ kill_switch: true, note: 'change freeze' });
    await hot.heat(hosts[0]!);
    await cron();
    let runs = await runsOf(p);
    expect(runs.map((r) => [r.status, r.reason])).toEqual([['skipped', 'the kill switch is on']]);
    await api('/api/remediation/settings/kill-switch', { token: admin, method: 'PUT', json: { kill_switch: false } });
    expect((await auditRows("action = 'remediation_kill_switch_on'")).length).toBeGreaterThan(0);

    // a maintenance window over the second host: its alert is suppressed, the playbook names the window
    const w = await api('/api/maintenance', {
      token: admin,
      json: {
        title: uniqueName('Firmware'),
        target_type: 'server',
        target_id: hosts[1]!.id,
        approval: 'approved',
        starts_at: new Date(Date.now() - MIN).toISOString(),
        ends_at: new Date(Date.now() + 60 * MIN).toISOString(),
      },
    });
    expect(w.status, w.text).toBe(201);
    await hot.heat(hosts[1]!);
    await cron();
    runs = await runsOf(p);
    expect(runs[1]).toMatchObject({ status: 'skipped', server_id: hosts[1]!.id });
    expect(runs[1]!.reason).toMatch(/^maintenance window #\d+ ".+" is active$/);

    // one action per hour in this datacenter: the first alert elsewhere is approved and runs; the next is held
    await hot.heat(hosts[2]!);
    await cron();
    runs = await runsOf(p);
    const ok = await api(`/api/remediation/runs/${runs[2]!.id}/approve`, { token: admin, method: 'POST' });
    expect(ok.status, ok.text).toBe(200);
    await agentDoes(ok.body.operation_id);
    await hot.heat(hosts[3]!);
    await cron();
    runs = await runsOf(p);
    expect(runs[3]).toMatchObject({ status: 'skipped' });
    expect(runs[3]!.reason).toBe('blast radius: 1 of 1 actions this hour in the datacenter already');

    // cooldown, on a playbook with budget to spare: a host acted on is left alone for 30 min after
    const cool = await hotRule();
    const c = await playbook({
      action: 'vm.migrate',
      trigger_rule_id: cool.rule.id,
      mode: 'approval',
      max_per_hour: 10,
    });
    const x = hosts[3]!;
    await vm(x, 2);
    await vm(x, 2);
    await cool.heat(x);
    await cron();
    const [first] = await runsOf(c);
    const go = await api(`/api/remediation/runs/${first!.id}/approve`, { token: admin, method: 'POST' });
    expect(go.status, go.text).toBe(200);
    await agentDoes(go.body.operation_id);
    await cool.cool(x);
    await cool.heat(x);
    await cron();
    const [, second] = await runsOf(c);
    expect(second).toMatchObject({ status: 'skipped', server_id: x.id });
    expect(second!.reason).toMatch(/^cooldown: acted on the same target 0 min ago \(30 min left of 30\)$/);
    expect(second!.alert_id).not.toBe(first!.alert_id);
  });

  it('auto still asks for approval at its severity and above its zone', async () => {
    await withStepUp(admin);
    const vault = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Confidential' });
    const plain = await createRack(admin, { datacenter_id: dc.id });
    const [s1, s2] = [await host(vault, 1), await host(vault, 3)];
    const [p1, p2] = [await host(plain, 1), await host(plain, 3)];
    await vm(s1, 2);
    await vm(p1, 2);
    await vm(s2, 1);
    await vm(p2, 1);
    const crit = await hotRule('critical');
    const p = await playbook({ action: 'vm.migrate', trigger_rule_id: crit.rule.id, mode: 'auto' });
    expect(p).toMatchObject({ approval_severity: 'critical', auto_max_zone: 'Internal' });
    await crit.heat(p1);
    await cron();
    const warm = await hotRule('warning');
    const q = await playbook({
      action: 'vm.migrate',
      trigger_rule_id: warm.rule.id,
      mode: 'auto',
      approval_severity: 'never',
    });
    await warm.heat(s1);
    await cron();
    const [bySeverity] = await runsOf(p);
    expect(bySeverity).toMatchObject({ status: 'awaiting_approval', severity: 'critical' });
    expect(bySeverity!.reason).toBe('a critical alert: approval required at critical and above');
    const [byZone] = await runsOf(q);
    expect(byZone).toMatchObject({ status: 'awaiting_approval', security_zone: 'Confidential' });
    expect(byZone!.reason).toContain('zone Confidential');
    // the critical alert opened an incident: the run's proposal is in its timeline
    const alert = await get(`/api/alerts/${bySeverity!.alert_id}`);
    const inc = await get(`/api/incidents/${alert.incident_id}`);
    expect(inc.timeline.some((e: Row) => e.type === 'remediation' && /waits for approval/.test(e.note))).toBe(true);
    // the viewer (Internal) does not see the Confidential run
    expectProblem(await api(`/api/remediation/runs/${byZone!.id}`, { token: viewer }), 404);
    const seen = (await api('/api/remediation/runs?limit=1000', { token: viewer })).body as Row[];
    expect(seen.map((r) => r.id)).not.toContain(byZone!.id);
    expect(seen.map((r) => r.id)).toContain(bySeverity!.id);
    // rejected with a reason; a rejected run is not approved later
    const rej = await api(`/api/remediation/runs/${bySeverity!.id}/reject`, {
      token: operator,
      json: { reason: 'peak trading hours' },
    });
    expect(rej.status, rej.text).toBe(200);
    expect(rej.body).toMatchObject({ status: 'rejected', reason: 'peak trading hours' });
    expectProblem(await api(`/api/remediation/runs/${bySeverity!.id}/approve`, { token: admin, method: 'POST' }), 409);
  });

  it('ships workload balancing (hot 15 minutes by CPU or inlet) and disk cleanup, as dry-run suggestions', async () => {
    const shipped = (await get('/api/remediation/playbooks?sort=name')) as Row[];
    const cleanup = shipped.find((p) => p.name === 'Clean up a disk forecast to fill');
    expect(cleanup).toMatchObject({
      trigger_rule_name: 'Disk forecast full within 24 hours',
      mode: 'dry_run',
      action: 'host.disk_cleanup',
      temp_dirs: ['/tmp', '/var/tmp'],
      image_prune: 'dangling',
    });
    const rule = (await get(`/api/alert-rules/${cleanup!.trigger_rule_id}`)) as Row;
    expect(rule).toMatchObject({
      kind: 'inventory',
      inventory_check: 'disk_full_forecast',
      comparison: '<',
      threshold: 24,
    });
    expect(
      shipped
        .filter((p) => ['Move load off a hot inlet', 'Rebalance a CPU-hot host'].includes(p.name))
        .map((p) => [p.name, p.trigger_rule_name, p.after_min, p.mode, p.action]),
    ).toEqual([
      ['Move load off a hot inlet', 'Inlet above ASHRAE A1 (27 °C)', 5, 'dry_run', 'vm.migrate'],
      ['Rebalance a CPU-hot host', 'CPU above 90 % for 10 minutes', 5, 'dry_run', 'vm.migrate'],
    ]);
  });

  it('names bad fields (422), refuses viewers (403), unknown runs (404), and blocks deleting a rule in use', async () => {
    const bad = expectProblem(
      await api('/api/remediation/playbooks', {
        token: admin,
        json: { name: '', action: 'reboot', trigger_rule_id: 99999999, mode: 'yolo', max_per_hour: 0 },
      }),
      422,
    );
    expect(bad.errors!.map((e) => e.field).sort()).toEqual(
      expect.arrayContaining(['action', 'max_per_hour', 'mode', 'name']),
    );
    const hot = await hotRule();
    expectProblem(
      await api('/api/remediation/playbooks', {
        token: admin,
        json: { name: uniqueName('x'), action: 'vm.migrate', trigger_rule_id: 99999999 },
      }),
      422,
      ['trigger_rule_id'],
    );
    expectProblem(
      await api('/api/remediation/playbooks', {
        token: admin,
        json: { name: uniqueName('x'), action: 'workload.scale', trigger_rule_id: hot.rule.id },
      }),
      422,
      ['workload_id'],
    );
    expectProblem(
      await api('/api/remediation/playbooks', {
        token: viewer,
        json: { name: uniqueName('x'), action: 'vm.migrate', trigger_rule_id: hot.rule.id },
      }),
      403,
    );
    expectProblem(await api('/api/remediation/runs/99999999/approve', { token: admin, method: 'POST' }), 404);
    const p = await playbook({ action: 'vm.migrate', trigger_rule_id: hot.rule.id });
    expectProblem(await api(`/api/alert-rules/${hot.rule.id}`, { token: admin, method: 'DELETE' }), 409);
    expect((await api(`/api/remediation/playbooks/${p.id}`, { token: admin, method: 'DELETE' })).status).toBe(204);
    expect((await api(`/api/alert-rules/${hot.rule.id}`, { token: admin, method: 'DELETE' })).status).toBe(204);
  });
});
