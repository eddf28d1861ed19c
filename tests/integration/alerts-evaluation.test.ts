// Metric rules evaluated in the rack objects as samples arrive: samples go in through the ingest API, alerts come
// out of GET /api/alerts, with the for duration, hysteresis, dedupe, auto-resolve, auto-acknowledge, eviction and
// rule pushes. Each test has its own rule on its own metric name, so the shipped rules stay out of the way.
import { env } from 'cloudflare:workers';
import { evictDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  apiToken,
  estate,
  expectProblem,
  fieldsOf,
  ingestJson,
  uniqueName,
  type Row,
} from '../helpers';
import { useAnomalyScorer } from '../../worker/alerting/rack-alerts';

const S = 1000;
let admin: string;
let ingest: string;

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
});

async function rule(over: Row): Promise<Row> {
  const res = await api('/api/alert-rules', { token: admin, json: { name: uniqueName('Eval'), ...over } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

/** Send one sample per (seconds after t0, value) for `server`, one request each (as an agent would). */
async function send(server: Row, metric: string, t0: number, points: [number, number][]) {
  for (const [t, value] of points) {
    const res = await ingestJson(ingest, [{ server: server.id, metric, value, ts: t0 + t * S }]);
    expect(res.status, res.text).toBe(200);
  }
}

const alertsOf = async (ruleId: number) =>
  (await api(`/api/alerts?rule_id=${ruleId}&sort=id&limit=100`, { token: admin })).body as Row[];

describe('metric rules in the rack object', () => {
  it('pending for the for duration, then one firing alert; hysteresis holds it; it resolves itself', async () => {
    const metric = `eval_temp_${crypto.randomUUID().slice(0, 8)}`;
    const r = await rule({ metric, threshold: 50, clear_threshold: 45, for_s: 20, severity: 'critical' });
    const { servers } = await estate(admin, 1);
    const t0 = Date.now() - 10 * 60 * S;

    // above the threshold at 0, 10: pending, nothing yet
    await send(servers[0], metric, t0, [
      [0, 55],
      [10, 56],
    ]);
    expect(await alertsOf(r.id)).toEqual([]);
    // at 20 it has held for 20 s: firing
    await send(servers[0], metric, t0, [[20, 57]]);
    let list = await alertsOf(r.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      status: 'firing',
      severity: 'critical',
      server_id: servers[0].id,
      rack_id: servers[0].rack_id,
      value: 57,
      threshold: 50,
      count: 1,
      started_at: new Date(t0 + 20 * S).toISOString(),
    });
    expect(list[0].message).toContain(servers[0].name);

    // between clear (45) and fire (50): no flapping, still the one alert
    await send(servers[0], metric, t0, [
      [30, 48],
      [40, 52],
      [50, 47],
      [60, 49],
    ]);
    list = await alertsOf(r.id);
    expect(list).toHaveLength(1);
    expect(list[0].status).toBe('firing');

    // below the clear threshold: resolved by the rule, with its history
    await send(servers[0], metric, t0, [[70, 44]]);
    const detail = (await api(`/api/alerts/${list[0].id}`, { token: admin })).body;
    expect(detail).toMatchObject({ status: 'resolved', resolved_by: 'rule', value: 44 });
    expect(detail.events.map((e: Row) => e.type)).toEqual(['fired', 'auto_resolved']);

    // firing again later is a new alert: the resolved one stays as history
    await send(servers[0], metric, t0, [
      [80, 60],
      [90, 60],
      [100, 60],
    ]);
    list = await alertsOf(r.id);
    expect(list.map((a) => a.status)).toEqual(['resolved', 'firing']);
    expect(list[1].fingerprint).toBe(list[0].fingerprint);
  });

  it('one alert per device: two servers over the threshold raise two, each deduplicated', async () => {
    const metric = `eval_cpu_${crypto.randomUUID().slice(0, 8)}`;
    const r = await rule({ metric, threshold: 90, severity: 'warning' });
    const { servers } = await estate(admin, 2);
    const t0 = Date.now() - 5 * 60 * S;
    for (const s of servers) await send(s, metric, t0, [[0, 95]]);
    // more samples over the threshold: the same open alerts
    for (const s of servers) await send(s, metric, t0, [[10, 96]]);
    const list = await alertsOf(r.id);
    expect(list.map((a) => a.server_id).sort()).toEqual(servers.map((s) => s.id).sort());
    expect(new Set(list.map((a) => a.fingerprint)).size).toBe(2);
  });

  it('auto-acknowledging rules raise acknowledged alerts, recorded as such', async () => {
    const metric = `eval_info_${crypto.randomUUID().slice(0, 8)}`;
    const r = await rule({ metric, threshold: 1, severity: 'info', auto_acknowledge: true });
    const { servers } = await estate(admin, 1);
    await send(servers[0], metric, Date.now() - 60 * S, [[0, 2]]);
    const [a] = await alertsOf(r.id);
    expect(a).toMatchObject({ status: 'acknowledged', acknowledged_by: 'rule' });
    const detail = (await api(`/api/alerts/${a.id}`, { token: admin })).body;
    expect(detail.events.map((e: Row) => e.type)).toEqual(['fired', 'auto_acknowledged']);
  });

  it('a pending condition survives an eviction of the object (phase and window)', async () => {
    const metric = `eval_evict_${crypto.randomUUID().slice(0, 8)}`;
    const r = await rule({ metric, aggregate: 'avg', window_s: 30, threshold: 50, for_s: 20 });
    const { rack, servers } = await estate(admin, 1);
    const t0 = Date.now() - 5 * 60 * S;
    await send(servers[0], metric, t0, [
      [0, 60],
      [10, 60],
    ]);
    await evictDurableObject(env.RACK_TELEMETRY.getByName(String(rack.id)));
    // avg over 30 s of 60, 60, 45 = 55 > 50, and pending since 0: fires at 20 only if both survived
    await send(servers[0], metric, t0, [[20, 45]]);
    const [a] = await alertsOf(r.id);
    expect(a).toMatchObject({ status: 'firing', value: 55 });
  });

  it('a changed rule reaches racks with telemetry in the request that changed it', async () => {
    const metric = `eval_push_${crypto.randomUUID().slice(0, 8)}`;
    const r = await rule({ metric, threshold: 100 });
    const { rack, servers } = await estate(admin, 1);
    const t0 = Date.now() - 5 * 60 * S;
    await send(servers[0], metric, t0, [[0, 80]]);
    expect(await alertsOf(r.id)).toEqual([]);
    // racks that flushed telemetry are the ones told
    await env.DB.prepare('INSERT OR IGNORE INTO rollup_watermarks (rack_id, flushed_1m, flushed_1h) VALUES (?, 0, 0)')
      .bind(rack.id)
      .run();
    const patched = await api(`/api/alert-rules/${r.id}`, { method: 'PATCH', token: admin, json: { threshold: 70 } });
    expect(patched.status, patched.text).toBe(200);
    await send(servers[0], metric, t0, [[10, 80]]);
    expect((await alertsOf(r.id)).map((a) => a.status)).toEqual(['firing']);

    // disabled: its open alert stays (someone resolves it), no new one fires
    await api(`/api/alert-rules/${r.id}`, { method: 'PATCH', token: admin, json: { enabled: false } });
    await send(servers[0], metric, t0, [
      [20, 60],
      [30, 80],
    ]);
    expect(await alertsOf(r.id)).toHaveLength(1);
  });

  it('scopes: a rule for one rack ignores the others', async () => {
    const metric = `eval_scope_${crypto.randomUUID().slice(0, 8)}`;
    const a = await estate(admin, 1);
    const b = await estate(admin, 1);
    const r = await rule({ metric, threshold: 1, scope_type: 'rack', scope_value: String(a.rack.id) });
    const t0 = Date.now() - 60 * S;
    await send(a.servers[0], metric, t0, [[0, 5]]);
    await send(b.servers[0], metric, t0, [[0, 5]]);
    expect((await alertsOf(r.id)).map((x) => x.rack_id)).toEqual([a.rack.id]);
  });

  it('anomaly rules compare the anomaly score of the samples (a stub scorer here: the detector has tests of its own)', async () => {
    const metric = `eval_anomaly_${crypto.randomUUID().slice(0, 8)}`;
    expect(
      fieldsOf(
        await api('/api/alert-rules', {
          token: admin,
          json: { name: uniqueName('Bad'), kind: 'anomaly', metric, threshold: 5 },
        }),
      ),
    ).toEqual(['threshold']);
    const r = await rule({
      kind: 'anomaly',
      metric,
      threshold: 0.9,
      for_s: 10,
      message: '{{device}} {{metric}} unusual (score {{value}})',
    });
    const { servers } = await estate(admin, 1);
    // the stub: a value far from 50 is unusual
    useAnomalyScorer({ score: (s, _ts, v) => (s.metric === metric ? Math.min(1, Math.abs(v - 50) / 100) : null) });
    try {
      const t0 = Date.now() - 5 * 60 * S;
      await send(servers[0], metric, t0, [
        [0, 52],
        [10, 149], // score 0.99: pending
      ]);
      expect(await alertsOf(r.id)).toEqual([]);
      await send(servers[0], metric, t0, [[20, 148]]); // still 0.98 after 10 s: firing
      const [a] = await alertsOf(r.id);
      expect(a).toMatchObject({ status: 'firing', value: 0.98 });
      expect(a.message).toBe(`${servers[0].name} ${metric} unusual (score 0.98)`);
    } finally {
      useAnomalyScorer(null);
    }
    // the rack's own detector: a series it has only just met is in its warm-up (score 0), so the rule stays quiet
    const quiet = await rule({ kind: 'anomaly', metric, threshold: 0.5 });
    await send(servers[0], metric, Date.now() - 60 * S, [[0, 500]]);
    expect(await alertsOf(quiet.id)).toEqual([]);
    expectProblem(
      await api(`/api/alert-rules/${quiet.id}`, { method: 'PATCH', token: admin, json: { threshold: 2 } }),
      422,
    );
  });
});
