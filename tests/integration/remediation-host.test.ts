// Host remediation (service restart, disk cleanup) through the real Worker, D1, rack objects and site object: an
// alert meets a playbook in the cron, an operator approves, the site agent (played over its WebSocket) receives a
// host operation (`host:` key, a host target named by the server's inventory name, the policy as params) and
// reports; the run is verified against its alert or fails and escalates. Dry run queues nothing; bad fields 422.
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
  type LiveSocket,
  type Row,
} from '../helpers';

let admin: string;
let operator: string;
let ingest: string;
let dc: Row;
let agent: LiveSocket;
const send = (m: unknown) => agent.ws.send(JSON.stringify(m));
const get = async (path: string) => (await api(path, { token: admin })).body;
const MIN = 60_000;

const cron = async (at = Date.now()) => {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
};

async function server() {
  const rack = await createRack(admin, { datacenter_id: dc.id, power_capacity_kw: 20 });
  return createServer(admin, { rack_id: rack.id, u_position: 1 });
}

/** A disk-usage metric rule of its own (above 90 %, clears below 80 %) and a way to fill or empty a server. */
async function diskRule(severity = 'warning') {
  const metric = `disk_${crypto.randomUUID().slice(0, 8)}`;
  const res = await api('/api/alert-rules', {
    token: admin,
    json: { name: uniqueName('Disk filling'), metric, threshold: 90, clear_threshold: 80, severity },
  });
  expect(res.status, res.text).toBe(201);
  let t = Date.now();
  const set = async (s: Row, value: number) => {
    t += 1000;
    const r = await ingestJson(ingest, [{ server: s.id, metric, value, ts: t }]);
    expect(r.status, r.text).toBeLessThan(300);
  };
  return { rule: res.body as Row, fill: (s: Row) => set(s, 96), empty: (s: Row) => set(s, 40) };
}

const playbook = async (json: Row) => {
  const r = await api('/api/remediation/playbooks', { token: admin, json: { name: uniqueName('Host'), ...json } });
  expect(r.status, r.text).toBe(201);
  return r.body as Row;
};
const runsOf = async (p: Row) => (await get(`/api/remediation/runs?playbook_id=${p.id}&sort=id`)) as Row[];
const hostOps = (serverId: number) =>
  env.DB.prepare('SELECT * FROM host_operations WHERE server_id = ? ORDER BY id').bind(serverId).all<Row>();

/** The agent's side: the host operation handed to it, then its result (once, or twice to test duplicates). */
async function agentAnswers(operationId: number, result: { ok: boolean; output?: Row; error?: string }) {
  const msg = await agent.waitFor(
    (x) => x.type === 'operation' && x.operation.id === operationId && x.operation.kind.startsWith('host.'),
  );
  send({ type: 'started', id: operationId, key: msg.operation.key });
  send({ type: 'result', id: operationId, key: msg.operation.key, ...result });
  return msg.operation as Row;
}

/** The cron's minute, again until the run has moved past `executing` (the agent's result lands asynchronously). */
async function settled(p: Row) {
  let run: Row | undefined;
  await expect
    .poll(async () => {
      await cron();
      [run] = await runsOf(p);
      return run!.status;
    })
    .not.toBe('executing');
  return run!;
}

beforeAll(async () => {
  admin = await adminToken();
  operator = await asRole('operator', admin);
  ingest = await apiToken(admin, ['ingest']);
  dc = await createDatacenter(admin);
  const t = await api('/api/tokens', { token: admin, json: { name: 'agent', scopes: ['agent'], site_id: dc.id } });
  const s = await openSocketWith('/api/agents/connect', {
    'Sec-WebSocket-Protocol': `dcp-agent, bearer.${t.body.token}`,
  });
  if (!('ws' in s)) throw new Error(`connect: ${s.status}`);
  agent = s;
  send({ type: 'hello', protocol: 1, agent: { version: '1', hostname: 'site', drivers: ['host'], dry_run: false } });
});

describe('host remediation playbooks', { timeout: 60_000 }, () => {
  it('disk cleanup on approval: the agent gets the policy for the server, reports bytes freed, the alert clears', async () => {
    const s = await server();
    const disk = await diskRule();
    const p = await playbook({
      action: 'host.disk_cleanup',
      trigger_rule_id: disk.rule.id,
      mode: 'approval',
      journal_max_size_mb: 500,
      temp_dirs: ['/var/tmp', '/srv/app/tmp/'],
      temp_max_age_days: 3,
      image_prune: 'dangling',
    });
    expect(p).toMatchObject({
      action: 'host.disk_cleanup',
      unit: null,
      journal_max_size_mb: 500,
      journal_max_age_days: null,
      temp_dirs: ['/var/tmp', '/srv/app/tmp/'],
      temp_max_age_days: 3,
      image_prune: 'dangling',
    });
    await disk.fill(s);
    await cron();
    let [run] = await runsOf(p);
    expect(run).toMatchObject({
      status: 'awaiting_approval',
      server_id: s.id,
      proposal: { server_id: s.id, server: s.name, journal_max_size_mb: 500, temp_dirs: ['/var/tmp', '/srv/app/tmp/'] },
    });
    expect(run.target).toBe(`${s.name}: journal to 500 MB, 2 temp dirs (files > 3 days), dangling images`);
    expect((await hostOps(s.id)).results).toEqual([]);

    const ok = await api(`/api/remediation/runs/${run.id}/approve`, { token: operator, method: 'POST' });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toMatchObject({ status: 'executing' });
    const op = await agentAnswers(ok.body.operation_id, {
      ok: true,
      output: {
        host: s.name,
        journal: { bytes_freed: 25_165_824, ok: true },
        temp: [{ dir: '/var/tmp', files: 12, bytes_freed: 4096 }],
        images: { deleted: 2, bytes_freed: 187_000_000 },
        bytes_freed: 212_169_920,
      },
    });
    expect(op).toMatchObject({
      kind: 'host.disk_cleanup',
      target: { kind: 'host', driver: 'host', host: s.name },
      params: {
        journal_max_size_mb: 500,
        journal_max_age_days: null,
        temp_dirs: ['/var/tmp', '/srv/app/tmp/'],
        temp_max_age_days: 3,
        image_prune: 'dangling',
      },
    });
    expect(op.key).toMatch(new RegExp(`^host:.*remediation-${run.id}$`));
    run = await settled(p);
    expect(run.status).toBe('verifying');
    expect(run.operation_output).toMatchObject({ bytes_freed: 212_169_920, images: { deleted: 2 } });
    // a duplicate result after a reconnect changes nothing
    send({ type: 'result', id: op.id, key: op.key, ok: false, error: 'late' });
    await disk.empty(s);
    await cron();
    [run] = await runsOf(p);
    expect(run).toMatchObject({ status: 'succeeded', alert_status: 'resolved' });
    const [row] = (await hostOps(s.id)).results;
    expect(row).toMatchObject({ status: 'succeeded', error: null, attempts: 1, kind: 'host.disk_cleanup' });
    const audit = await auditRows(`entity_type = 'server' AND entity_id = '${s.id}'`);
    expect(audit.map((a: Row) => a.action)).toEqual(
      expect.arrayContaining(['host_disk_cleanup_requested', 'host_disk_cleanup_succeeded']),
    );
    expect(audit.filter((a: Row) => a.action === 'host_disk_cleanup_succeeded')).toHaveLength(1);
  });

  it('service restart: approved, the agent confirms the unit is active, the run is verified', async () => {
    const s = await server();
    const disk = await diskRule();
    const p = await playbook({
      action: 'host.service_restart',
      trigger_rule_id: disk.rule.id,
      mode: 'approval',
      unit: 'nginx',
    });
    await disk.fill(s);
    await cron();
    let [run] = await runsOf(p);
    expect(run).toMatchObject({ status: 'awaiting_approval', target: `nginx on ${s.name}` });
    const ok = await api(`/api/remediation/runs/${run.id}/approve`, { token: operator, method: 'POST' });
    expect(ok.status, ok.text).toBe(200);
    const op = await agentAnswers(ok.body.operation_id, {
      ok: true,
      output: { host: s.name, unit: 'nginx.service', state: 'active', restarted: true },
    });
    expect(op).toMatchObject({ kind: 'host.service_restart', params: { unit: 'nginx' } });
    run = await settled(p);
    expect(run).toMatchObject({ status: 'verifying', operation_output: { unit: 'nginx.service', state: 'active' } });
    await disk.empty(s);
    await cron();
    [run] = await runsOf(p);
    expect(run.status).toBe('succeeded');
  });

  it('auto: a unit the agent refuses fails the run, which escalates to an incident with the agent’s words', async () => {
    const s = await server();
    const disk = await diskRule();
    const p = await playbook({
      action: 'host.service_restart',
      trigger_rule_id: disk.rule.id,
      mode: 'auto',
      approval_severity: 'never',
      unit: 'sshd.service',
    });
    await disk.fill(s);
    await cron();
    let [run] = await runsOf(p);
    expect(run).toMatchObject({ status: 'executing', decided_by: 'policy' });
    const refusal = "unit 'sshd.service' is not on this agent's allow-list (allowed: nginx.service)";
    await agentAnswers(run.operation_id, { ok: false, error: refusal });
    run = await settled(p);
    expect(run.status).toBe('failed');
    expect(run.reason).toContain(refusal);
    const inc = await get(`/api/incidents/${run.incident_id}`);
    expect(inc).toMatchObject({ severity: 'critical', status: 'open' });
    expect(inc.timeline.some((e: Row) => e.type === 'remediation' && e.note.includes('allow-list'))).toBe(true);
  });

  it('auto: a cleanup that frees space but leaves the alert firing fails verification', async () => {
    const s = await server();
    const disk = await diskRule();
    const p = await playbook({
      action: 'host.disk_cleanup',
      trigger_rule_id: disk.rule.id,
      mode: 'auto',
      approval_severity: 'never',
      journal_max_age_days: 14,
      verify_min: 5,
    });
    await disk.fill(s);
    await cron();
    let [run] = await runsOf(p);
    expect(run.status).toBe('executing');
    await agentAnswers(run.operation_id, {
      ok: true,
      output: { host: s.name, bytes_freed: 1024, journal: { bytes_freed: 1024, ok: true } },
    });
    run = await settled(p);
    expect(run.status).toBe('verifying');
    await cron(Date.now() + 6 * MIN);
    [run] = await runsOf(p);
    expect(run).toMatchObject({ status: 'failed' });
    expect(run.reason).toContain('did not clear within 5 min');
  });

  it('dry run on the disk-full forecast: records the cleanup it would do and queues nothing', async () => {
    const s = await server();
    const rule = await api('/api/alert-rules', {
      token: admin,
      json: {
        name: uniqueName('Disk full soon'),
        kind: 'inventory',
        inventory_check: 'disk_full_forecast',
        comparison: '<',
        threshold: 24,
        scope_type: 'server',
        scope_value: String(s.id),
      },
    });
    expect(rule.status, rule.text).toBe(201);
    const p = await playbook({ action: 'host.disk_cleanup', trigger_rule_id: rule.body.id, temp_dirs: ['/var/tmp'] });
    expect(p.mode).toBe('dry_run');
    await env.DB.prepare(
      `INSERT INTO series_forecasts (rack_id, server_id, metric, labels, run_id, computed_at, start, method, period,
         backtest, history_hours, points) VALUES (?, ?, 'disk_pct', '', 1, ?, ?, 'drift', 24, '{}', 72, ?)`,
    )
      .bind(
        s.rack_id,
        s.id,
        Date.now(),
        Date.now(),
        JSON.stringify(Array.from({ length: 168 }, (_, i) => [95 + i, 94 + i, 96 + i])),
      )
      .run();
    await cron();
    await cron();
    const [run] = await runsOf(p);
    expect(run).toMatchObject({ status: 'would_run', server_id: s.id, operation_id: null });
    expect(run.target).toBe(`${s.name}: /var/tmp (files > 7 days)`);
    expect((await hostOps(s.id)).results).toEqual([]);
  });

  it('names bad fields (422): a field of another action, an empty unit, a relative temp dir, nothing to clean', async () => {
    const disk = await diskRule();
    const bad = async (json: Row, fields: string[]) =>
      expectProblem(
        await api('/api/remediation/playbooks', {
          token: admin,
          json: { name: uniqueName('x'), trigger_rule_id: disk.rule.id, ...json },
        }),
        422,
        fields,
        true,
      );
    await bad({ action: 'vm.migrate', unit: 'nginx' }, ['unit']);
    await bad({ action: 'host.service_restart', unit: 'nginx', temp_dirs: ['/tmp'], image_prune: 'unused' }, [
      'temp_dirs',
      'image_prune',
    ]);
    await bad({ action: 'host.service_restart', unit: '' }, ['unit']);
    await bad({ action: 'host.service_restart', unit: '--all' }, ['unit']);
    await bad({ action: 'host.service_restart' }, ['unit']);
    await bad({ action: 'host.disk_cleanup', temp_dirs: ['tmp'] }, ['temp_dirs[0]']);
    await bad({ action: 'host.disk_cleanup', temp_dirs: ['/var/tmp/../../etc'] }, ['temp_dirs[0]']);
    await bad({ action: 'host.disk_cleanup', temp_dirs: ['/'] }, ['temp_dirs[0]']);
    await bad({ action: 'host.disk_cleanup', image_prune: 'everything' }, ['image_prune']);
    await bad({ action: 'host.disk_cleanup', journal_max_size_mb: 0 }, ['journal_max_size_mb']);
    await bad({ action: 'host.disk_cleanup' }, ['temp_dirs']);
    await bad({ action: 'host.restart_everything' }, ['action']);
    // an update that sets another action's field, or empties the only thing a cleanup did
    const p = await playbook({ action: 'host.disk_cleanup', trigger_rule_id: disk.rule.id, temp_dirs: ['/var/tmp'] });
    const patch = (json: Row) => api(`/api/remediation/playbooks/${p.id}`, { token: admin, method: 'PATCH', json });
    expectProblem(await patch({ unit: 'nginx' }), 422, ['unit'], true);
    expectProblem(await patch({ temp_dirs: [] }), 422, ['temp_dirs'], true);
    const moved = await patch({ action: 'host.service_restart', unit: 'nginx.service' });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body).toMatchObject({ action: 'host.service_restart', unit: 'nginx.service' });
  });
});
