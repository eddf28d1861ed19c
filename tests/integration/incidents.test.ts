// Incidents: opened by critical alerts (one per rack while open, alerts of the same rack joining it), by hand with
// alerts; the timeline merges the incident's steps with its alerts' histories; MTTA/MTTR figures.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, apiToken, estate, expectProblem, ingestJson, uniqueName, type Row } from '../helpers';
import { alertHub } from '../../durable-objects/alert-hub-client';

let admin: string;
let ingest: string;

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
});

async function rule(metric: string, severity: string) {
  const res = await api('/api/alert-rules', {
    token: admin,
    json: { name: uniqueName('Inc'), metric, threshold: 50, clear_threshold: 45, severity },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as Row;
}

describe('incidents', () => {
  it('a critical alert opens its rack’s incident; others of the rack join it; a warning opens none', async () => {
    const metric = `inc_${crypto.randomUUID().slice(0, 8)}`;
    const warnMetric = `${metric}_warn`;
    await rule(metric, 'critical');
    await rule(warnMetric, 'warning');
    const a = await estate(admin, 2);
    const b = await estate(admin, 1, { datacenter_id: a.dc.id });
    const t = Date.now();
    await ingestJson(ingest, [
      { server: a.servers[0].id, metric, value: 60, ts: t },
      { server: a.servers[1].id, metric, value: 70, ts: t },
      { server: b.servers[0].id, metric, value: 80, ts: t },
      { server: a.servers[0].id, metric: warnMetric, value: 90, ts: t },
    ]);
    await alertHub(env).poke();
    const inA = (await api(`/api/incidents?rack_id=${a.rack.id}`, { token: admin })).body as Row[];
    const inB = (await api(`/api/incidents?rack_id=${b.rack.id}`, { token: admin })).body as Row[];
    expect(inA).toHaveLength(1);
    expect(inB).toHaveLength(1);
    expect(inA[0]).toMatchObject({
      source: 'auto',
      severity: 'critical',
      status: 'open',
      alert_count: 2,
      open_alerts: 2,
    });
    expect(inB[0]).toMatchObject({ alert_count: 1 });

    const detail = (await api(`/api/incidents/${inA[0].id}`, { token: admin })).body;
    expect(detail.alerts.map((x: Row) => x.server_id).sort()).toEqual([a.servers[0].id, a.servers[1].id].sort());
    expect(detail.alerts.every((x: Row) => x.severity === 'critical')).toBe(true);
    expect(detail.timeline.map((e: Row) => e.type)).toEqual(['opened', 'alert_fired', 'alert_fired']);

    // the first acknowledgment is the first response; then people work it to the end
    const [alert] = detail.alerts;
    await api(`/api/alerts/${alert.id}/acknowledge`, { token: admin, method: 'PUT', json: { note: 'looking' } });
    await alertHub(env).poke();
    let inc = (await api(`/api/incidents/${inA[0].id}`, { token: admin })).body;
    expect(inc.acknowledged_at).toBeTruthy();
    const steps = [
      { status: 'investigating', assignee: 'admin', note: 'fans on both servers' },
      { status: 'identified', note: 'failed CRAH upstream' },
      { status: 'resolved', summary: 'CRAH 3 replaced; airflow restored.' },
    ];
    for (const s of steps) {
      const res = await api(`/api/incidents/${inA[0].id}`, { token: admin, method: 'PATCH', json: s });
      expect(res.status, res.text).toBe(200);
      inc = res.body;
    }
    expect(inc).toMatchObject({ status: 'resolved', assignee: 'admin', summary: 'CRAH 3 replaced; airflow restored.' });
    expect(inc.resolved_at).toBeTruthy();
    expect(inc.timeline.map((e: Row) => [e.type, e.note])).toEqual(
      expect.arrayContaining([
        ['alert_acknowledged', 'looking'],
        ['status_changed', 'open → investigating'],
        ['assigned', 'assigned to admin'],
        ['note', 'fans on both servers'],
        ['status_changed', 'identified → resolved'],
        ['summary_updated', null],
      ]),
    );
    // resolved: the next critical alert in the rack opens a new incident
    await ingestJson(ingest, [{ server: a.servers[0].id, metric: `${metric}`, value: 10, ts: t + 10_000 }]);
    await ingestJson(ingest, [{ server: a.servers[0].id, metric: `${metric}`, value: 90, ts: t + 20_000 }]);
    await alertHub(env).poke();
    expect(
      ((await api(`/api/incidents?rack_id=${a.rack.id}&sort=id`, { token: admin })).body as Row[]).map((i) => i.status),
    ).toEqual(['resolved', 'open']);
  });

  it('opens one by hand with alerts the caller can see, and refuses unknown alerts', async () => {
    const bad = await api('/api/incidents', {
      token: admin,
      json: { title: 'x', severity: 'warning', alert_ids: [99999999] },
    });
    expectProblem(bad, 422, ['alert_ids[0]']);
    expectProblem(await api('/api/incidents', { token: admin, json: { severity: 'loud' } }), 422, [
      'title',
      'severity',
    ]);
    const res = await api('/api/incidents', {
      token: admin,
      json: { title: 'Packet loss in row C', severity: 'warning', note: 'customers report timeouts' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ source: 'manual', status: 'open', alert_count: 0 });
    expect(res.body.timeline).toEqual([
      expect.objectContaining({ type: 'opened', actor: 'admin', note: 'customers report timeouts' }),
    ]);
  });

  it('figures MTTA and MTTR per severity and month', async () => {
    // two info incidents opened eleven months ago: responses after 60 s and 180 s, resolutions after 600 s and 1800 s
    const base = new Date(Date.now() - 330 * 86_400_000);
    base.setUTCDate(10);
    const at = (s: number) => new Date(base.getTime() + s * 1000).toISOString();
    for (const [ack, res] of [
      [60, 600],
      [180, 1800],
    ]) {
      await env.DB.prepare(
        `INSERT INTO incidents (title, severity, status, opened_at, acknowledged_at, resolved_at) VALUES ('fixture', 'info', 'resolved', ?, ?, ?)`,
      )
        .bind(at(0), at(ack!), at(res!))
        .run();
    }
    const stats = (await api('/api/incidents/stats', { token: admin })).body;
    const month = at(0).slice(0, 7);
    expect(stats.by_month).toContainEqual({ month, severity: 'info', count: 2, mtta_s: 120, mttr_s: 1200 });
    expect(stats.by_severity.find((s: Row) => s.severity === 'info')).toMatchObject({ mtta_s: 120, mttr_s: 1200 });
    expectProblem(await api('/api/incidents/stats?months=99', { token: admin }), 422, ['query.months']);
  });
});
