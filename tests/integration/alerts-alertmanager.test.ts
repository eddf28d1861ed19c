// POST /api/v2/alerts: the platform as a Prometheus's Alertmanager (payloads as Prometheus 2.x sends them:
// labels, annotations, startsAt, endsAt, generatorURL). The real-Prometheus run is e2e/prometheus-agent.mjs.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../worker/index';
import {
  adminToken,
  api,
  apiToken,
  createRack,
  createServer,
  createUser,
  expectProblem,
  fieldsOf,
  uniqueName,
  type Row,
} from '../helpers';

let admin: string;
let ingest: string;
let server: Row;
let secretServer: Row;

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
  server = await createServer(admin, { ip_address: '10.44.0.7' });
  const secretRack = await createRack(admin, { security_zone: 'Confidential' });
  secretServer = await createServer(admin, { rack_id: secretRack.id });
});

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '123456Z'); // Go's nanosecond precision
const post = (alerts: unknown, token = ingest) => api('/api/v2/alerts', { token, json: alerts });
const byName = async (alertname: string) =>
  ((await api(`/api/alerts?source=alertmanager&limit=100&sort=id`, { token: admin })).body as Row[]).filter(
    (a) => a.labels.alertname === alertname,
  );

describe('POST /api/v2/alerts', () => {
  it('receives a firing alert, matches its device by instance, dedupes resends, resolves on endsAt', async () => {
    const alertname = uniqueName('NodeDown').replace(/-/g, '_');
    const now = Date.now();
    const alert = {
      labels: { alertname, instance: '10.44.0.7:9100', job: 'node', severity: 'critical' },
      annotations: { summary: 'Node 10.44.0.7 is down' },
      startsAt: iso(now - 60_000),
      endsAt: iso(now + 4 * 60_000),
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up+%3D%3D+0',
    };
    const res = await post([alert]);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ received: 1, firing: 1, resolved: 0 });
    let [a] = await byName(alertname);
    expect(a).toMatchObject({
      source: 'alertmanager',
      status: 'firing',
      severity: 'critical',
      message: 'Node 10.44.0.7 is down',
      server_id: server.id,
      rack_id: server.rack_id,
      rule_id: null,
      started_at: new Date(now - 60_000).toISOString(),
    });
    expect(a.labels).toMatchObject({ job: 'node', generator_url: alert.generatorURL });

    // Prometheus resends every minute: the same alert, later end
    await post([{ ...alert, endsAt: iso(now + 5 * 60_000) }]);
    const list = await byName(alertname);
    expect(list).toHaveLength(1);
    expect(list[0].ends_at).toBe(new Date(now + 5 * 60_000).toISOString());

    // the resolution: endsAt in the past
    const done = await post([{ ...alert, endsAt: iso(Date.now() - 1000) }]);
    expect(done.body).toEqual({ received: 1, firing: 0, resolved: 1 });
    [a] = await byName(alertname);
    expect(a).toMatchObject({ status: 'resolved', resolved_by: 'alertmanager' });
  });

  it('an alert Prometheus stops resending resolves once its endsAt passed (the minute cron)', async () => {
    const alertname = uniqueName('Flaky').replace(/-/g, '_');
    await post([{ labels: { alertname, device: server.name }, endsAt: iso(Date.now() + 1500) }]);
    expect((await byName(alertname))[0].status).toBe('firing');
    await new Promise((r) => setTimeout(r, 1600));
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '* * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await byName(alertname))[0]).toMatchObject({ status: 'resolved', resolved_by: 'alertmanager' });
  });

  it('is as secret as the device it names; unmatched alerts are kept (no device) and severity defaults', async () => {
    const alertname = uniqueName('Secret').replace(/-/g, '_');
    await post([
      { labels: { alertname, server: secretServer.name } },
      { labels: { alertname: `${alertname}_nowhere`, instance: 'ghost:9100', severity: 'page' } },
    ]);
    const viewer = (await createUser('viewer', admin)).token;
    const seen = ((await api('/api/alerts?source=alertmanager&limit=100', { token: viewer })).body as Row[]).map(
      (a) => a.labels.alertname,
    );
    expect(seen).not.toContain(alertname);
    const [nowhere] = await byName(`${alertname}_nowhere`);
    expect(nowhere).toMatchObject({ server_id: null, rack_id: null, severity: 'warning' });
  });

  it('refuses what is not an Alertmanager payload, naming the field, and callers without ingest', async () => {
    const bad = await post([{ labels: { job: 'x' } }]);
    expectProblem(bad, 422);
    expect(fieldsOf(bad)).toEqual(['[0].labels']);
    expect(fieldsOf(await post([{ labels: { alertname: 'x' }, endsAt: 'tomorrow' }]))).toEqual(['[0].endsAt']);
    expectProblem(await post({ labels: {} }), 422);
    const viewer = (await createUser('viewer', admin)).token;
    expectProblem(await post([{ labels: { alertname: 'x' } }], viewer), 403);
  });
});
