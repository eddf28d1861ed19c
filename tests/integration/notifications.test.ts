// Notification channels, escalation policies and delivery, through the API, the rack objects, the alert hub and the
// cron handler. The receiver is served in the test: outbound fetches to http://receiver.test/ are answered here
// (the Worker, its Durable Objects and this file share one isolate), every request recorded with its headers and
// body, with the status each test chooses.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  apiToken,
  estate,
  eventually,
  expectProblem,
  ingestJson,
  uniqueName,
  type Row,
} from '../helpers';
import worker from '../../worker/index';
import { alertHub } from '../../durable-objects/alert-hub-client';
import { sendDueDeliveries } from '../../worker/alerting/notify/dispatch';

const RECEIVER = 'http://receiver.test';
interface Received {
  path: string;
  headers: Record<string, string>;
  raw: string;
  body: any;
}
let received: Received[] = [];
let answer: (path: string) => number = () => 200;
const realFetch = globalThis.fetch;

let admin: string;
let ingest: string;

beforeAll(async () => {
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    if (!req.url.startsWith(RECEIVER)) return realFetch(input, init);
    const raw = await req.text();
    const path = new URL(req.url).pathname;
    received.push({ path, headers: Object.fromEntries(req.headers), raw, body: JSON.parse(raw) });
    return new Response('thanks', { status: answer(path) });
  }) as typeof fetch;
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
});
afterAll(() => {
  globalThis.fetch = realFetch;
});
beforeEach(() => {
  received = [];
  answer = () => 200;
});

const SECRET = 'whsec-0123456789abcdef-test';

async function channel(over: Row): Promise<Row> {
  const res = await api('/api/notification-channels', { token: admin, json: { name: uniqueName('Ch'), ...over } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function hmacHex(secret: string, text: string) {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const sig = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(text));
  return [...new Uint8Array(sig)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function firingRule(metric: string, over: Row = {}) {
  const res = await api('/api/alert-rules', {
    token: admin,
    json: { name: uniqueName('Notify'), metric, threshold: 50, clear_threshold: 45, severity: 'critical', ...over },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as Row;
}

const notificationsOf = async (policyId: number) =>
  (await api(`/api/notifications?policy_id=${policyId}&sort=id`, { token: admin })).body as Row[];

describe('notification channels', () => {
  it('need what their kind needs; the signing secret is write-only and sealed', async () => {
    const bad = await api('/api/notification-channels', {
      token: admin,
      json: { name: uniqueName('Bad'), kind: 'webhook', url: `${RECEIVER}/hook` },
    });
    expectProblem(bad, 422, ['secret']);
    expectProblem(
      await api('/api/notification-channels', { token: admin, json: { name: uniqueName('Bad'), kind: 'email' } }),
      422,
      ['email_to'],
    );
    expectProblem(
      await api('/api/notification-channels', {
        token: admin,
        json: { name: uniqueName('Bad'), kind: 'slack', url: 'ftp://example.com/x' },
      }),
      422,
      ['url'],
    );
    const c = await channel({ kind: 'webhook', url: `${RECEIVER}/hook`, secret: SECRET });
    expect(c).toMatchObject({ kind: 'webhook', has_secret: true, enabled: true });
    expect(JSON.stringify(c)).not.toContain(SECRET);
    expect(c).not.toHaveProperty('secret_enc');
    const stored = await env.DB.prepare('SELECT secret_enc FROM notification_channels WHERE id = ?')
      .bind(c.id)
      .first<Row>();
    expect(stored!.secret_enc).toBeTruthy();
    expect(stored!.secret_enc).not.toContain(SECRET);
    const audit = await env.DB.prepare(
      "SELECT after FROM audit_log WHERE entity_type = 'notification_channel' AND entity_id = ?",
    )
      .bind(String(c.id))
      .first<Row>();
    expect(audit!.after).not.toContain('secret_enc');
  });

  it('"send test" signs a webhook so the receiver can verify it, and reports what came back', async () => {
    const c = await channel({ kind: 'webhook', url: `${RECEIVER}/signed`, secret: SECRET });
    const res = await api(`/api/notification-channels/${c.id}/test`, { token: admin, method: 'POST' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ ok: true, status_code: 200, error: null });
    expect(received).toHaveLength(1);
    const [r] = received;
    const ts = Number(r!.headers['x-dcp-timestamp']);
    expect(Math.abs(Date.now() / 1000 - ts)).toBeLessThan(60);
    // what a receiver does: recompute the HMAC over "<timestamp>.<raw body>" and compare
    expect(r!.headers['x-dcp-signature']).toBe(`sha256=${await hmacHex(SECRET, `${ts}.${r!.raw}`)}`);
    expect(r!.headers['x-dcp-signature']).not.toBe(
      `sha256=${await hmacHex('another-secret-value', `${ts}.${r!.raw}`)}`,
    );
    expect(r!.body).toMatchObject({
      version: '1',
      status: 'test',
      alerts: [expect.objectContaining({ severity: 'info' })],
    });

    answer = () => 401;
    const refused = await api(`/api/notification-channels/${c.id}/test`, { token: admin, method: 'POST' });
    expect(refused.body).toMatchObject({ ok: false, status_code: 401, error: 'HTTP 401' });
    const detail = await api(`/api/notifications/${refused.body.notification_id}`, { token: admin });
    expect(detail.body.deliveries[0]).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 401 });
    expect((await api(`/api/notification-channels/${c.id}`, { token: admin })).body.last_delivery_status).toBe(
      'failed',
    );
  });

  it('"send test" to an email channel without an EMAIL binding is logged and counted as sent', async () => {
    const c = await channel({ kind: 'email', email_to: 'noc@example.com, lead@example.com' });
    const res = await api(`/api/notification-channels/${c.id}/test`, { token: admin, method: 'POST' });
    expect(res.body).toMatchObject({ ok: true, error: null });
  });
});

describe('escalation and delivery', () => {
  async function setup(levels: (ids: { hook: number; am: number; mail: number }) => Row[], over: Row = {}) {
    const hook = await channel({ kind: 'webhook', url: `${RECEIVER}/hook`, secret: SECRET });
    const am = await channel({ kind: 'alertmanager', url: `${RECEIVER}/am` });
    const mail = await channel({ kind: 'email', email_to: 'manager@example.com' });
    const { rack, servers } = await estate(admin, 3);
    const res = await api('/api/escalation-policies', {
      token: admin,
      json: {
        name: uniqueName('Policy'),
        scope_type: 'rack',
        scope_value: String(rack.id),
        group_wait_s: 1,
        levels: levels({ hook: hook.id, am: am.id, mail: mail.id }),
        ...over,
      },
    });
    expect(res.status, res.text).toBe(201);
    return { policy: res.body as Row, rack, servers, hook, am, mail };
  }

  it('alerts firing together in a rack go out as one notification, in our format and in Alertmanager v4', async () => {
    const metric = `notify_group_${crypto.randomUUID().slice(0, 8)}`;
    await firingRule(metric);
    const { policy, servers, rack } = await setup(({ hook, am }) => [{ after_min: 0, channel_ids: [hook, am] }]);
    const t = Date.now();
    await ingestJson(ingest, [{ server: servers[0].id, metric, value: 60, ts: t }]);
    await ingestJson(ingest, [{ server: servers[1].id, metric, value: 70, ts: t }]);
    await eventually(async () => received.length >= 2);
    const list = await notificationsOf(policy.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: 'firing', level: 1, alert_count: 2, rack_id: rack.id });
    await eventually(async () => (await notificationsOf(policy.id))[0].status === 'sent');

    const ours = received.find((r) => r.path === '/hook')!;
    expect(ours.body.alerts.map((a: Row) => a.server_id).sort()).toEqual([servers[0].id, servers[1].id].sort());
    const am = received.find((r) => r.path === '/am')!.body;
    expect(am).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: expect.any(String),
      groupKey: list[0].group_key,
      groupLabels: { rack: rack.name },
      commonLabels: { severity: 'critical', rack: rack.name },
      truncatedAlerts: 0,
    });
    expect(am.alerts).toHaveLength(2);
    for (const a of am.alerts) {
      expect(a).toMatchObject({ status: 'firing', endsAt: '0001-01-01T00:00:00Z', fingerprint: expect.any(String) });
      expect(a.labels).toMatchObject({ alertname: expect.any(String), severity: 'critical' });
      expect(Date.parse(a.startsAt)).toBeGreaterThan(0);
      expect(a.generatorURL).toMatch(/^http.*\/alerts\/\d+$/);
    }
    // resolved: a resolution notification to the channels that want one
    received = [];
    await ingestJson(ingest, [
      { server: servers[0].id, metric, value: 10, ts: t + 10_000 },
      { server: servers[1].id, metric, value: 10, ts: t + 10_000 },
    ]);
    await eventually(async () => received.some((r) => r.path === '/am' && r.body.status === 'resolved'));
    const resolved = received.find((r) => r.path === '/am' && r.body.status === 'resolved')!.body;
    expect(resolved.alerts.every((a: Row) => a.status === 'resolved' && a.endsAt !== '0001-01-01T00:00:00Z')).toBe(
      true,
    );
  });

  it('retries on 5xx and timeouts with backoff, not on 4xx; every attempt is recorded', async () => {
    const metric = `notify_retry_${crypto.randomUUID().slice(0, 8)}`;
    await firingRule(metric);
    const { policy, servers } = await setup(({ hook, am }) => [{ after_min: 0, channel_ids: [hook, am] }]);
    answer = (path) => (path === '/hook' ? 503 : 400);
    await ingestJson(ingest, [{ server: servers[0].id, metric, value: 60, ts: Date.now() }]);
    await eventually(async () => received.length >= 2);
    const [n] = await notificationsOf(policy.id);
    let detail = (await api(`/api/notifications/${n.id}`, { token: admin })).body;
    await eventually(async () => {
      detail = (await api(`/api/notifications/${n.id}`, { token: admin })).body;
      return detail.deliveries.every((d: Row) => d.attempts === 1);
    });
    const hook = detail.deliveries.find((d: Row) => d.last_status_code === 503);
    const am = detail.deliveries.find((d: Row) => d.last_status_code === 400);
    expect(hook).toMatchObject({ status: 'retrying', attempts: 1, last_error: 'HTTP 503' });
    expect(Date.parse(hook.next_attempt_at) - Date.now()).toBeGreaterThan(20_000); // 30 s backoff
    expect(am).toMatchObject({ status: 'failed', attempts: 1, next_attempt_at: null });

    // 30 s later the receiver is back: the retry delivers; the 4xx is not tried again
    answer = () => 200;
    received = [];
    await sendDueDeliveries(env, Date.now() + 31_000);
    expect(received.map((r) => r.path)).toEqual(['/hook']);
    detail = (await api(`/api/notifications/${n.id}`, { token: admin })).body;
    const retried = detail.deliveries.find((d: Row) => d.id === hook.id);
    expect(retried).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(retried.attempts_log.map((a: Row) => [a.ok, a.status_code])).toEqual([
      [false, 503],
      [true, 200],
    ]);
    expect(detail.status).toBe('sent');
  });

  it('the cron advances unacknowledged alerts through the levels at the right times; acknowledgment stops it', async () => {
    const metric = `notify_esc_${crypto.randomUUID().slice(0, 8)}`;
    await firingRule(metric);
    const { policy, servers } = await setup(({ hook, am, mail }) => [
      { after_min: 0, channel_ids: [hook] },
      { after_min: 15, channel_ids: [mail] },
      { after_min: 45, channel_ids: [am] },
    ]);
    const t0 = Date.now();
    await ingestJson(ingest, [{ server: servers[0].id, metric, value: 60, ts: t0 }]);
    await ingestJson(ingest, [{ server: servers[2].id, metric, value: 60, ts: t0 }]);
    await eventually(async () => (await notificationsOf(policy.id)).length === 1);
    const alerts = (await api(`/api/alerts?resolved=false&rack_id=${servers[0].rack_id}&sort=id`, { token: admin }))
      .body as Row[];
    const [a1, a2] = alerts.filter((a) => a.metric === metric);
    // someone is on the second one
    await api(`/api/alerts/${a2.id}/acknowledge`, { token: admin, method: 'PUT', json: {} });

    const cron = async (at: number) => {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: at }), env, ctx);
    };
    const started = Date.parse(a1.started_at);
    await cron(started + 14 * 60_000);
    expect((await notificationsOf(policy.id)).map((n) => n.level)).toEqual([1]);
    await cron(started + 15 * 60_000);
    let list = await notificationsOf(policy.id);
    expect(list.map((n) => [n.level, n.alert_ids])).toEqual([
      [1, expect.arrayContaining([a1.id, a2.id])],
      [2, [a1.id]],
    ]);
    // the same minute again (a retried trigger) does not escalate twice
    await cron(started + 15 * 60_000 + 30_000);
    expect((await notificationsOf(policy.id)).length).toBe(2);
    await cron(started + 45 * 60_000);
    list = await notificationsOf(policy.id);
    expect(list.map((n) => [n.level, n.alert_ids])).toEqual([
      [1, expect.arrayContaining([a1.id, a2.id])],
      [2, [a1.id]],
      [3, [a1.id]],
    ]);
    // level 3 is the Alertmanager channel: the hub sent it as soon as the cron queued it
    await eventually(async () => received.some((r) => r.path === '/am'));
    // acknowledging the first stops the rest (there is none left here, but the level stays where it was)
    await api(`/api/alerts/${a1.id}/acknowledge`, { token: admin, method: 'PUT', json: {} });
    await cron(started + 120 * 60_000);
    expect((await notificationsOf(policy.id)).length).toBe(3);
    const stored = await env.DB.prepare('SELECT escalation_level FROM alerts WHERE id = ?').bind(a2.id).first<Row>();
    expect(stored!.escalation_level).toBe(1);
  }, 30_000);

  it('a policy disabled while an alert is open escalates it no further', async () => {
    const metric = `notify_off_${crypto.randomUUID().slice(0, 8)}`;
    await firingRule(metric);
    const { policy, servers } = await setup(({ hook, mail }) => [
      { after_min: 0, channel_ids: [hook] },
      { after_min: 15, channel_ids: [mail] },
    ]);
    await ingestJson(ingest, [{ server: servers[0].id, metric, value: 60, ts: Date.now() }]);
    await eventually(async () => (await notificationsOf(policy.id)).length === 1);
    await api(`/api/escalation-policies/${policy.id}`, { token: admin, method: 'PATCH', json: { enabled: false } });
    const ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() + 20 * 60_000 }),
      env,
      ctx,
    );
    expect((await notificationsOf(policy.id)).map((n) => n.level)).toEqual([1]);
  });

  it('alerts acknowledged by their rule do not page anyone', async () => {
    const metric = `notify_autoack_${crypto.randomUUID().slice(0, 8)}`;
    await firingRule(metric, { auto_acknowledge: true, severity: 'info' });
    const { policy, servers } = await setup(({ hook }) => [{ after_min: 0, channel_ids: [hook] }]);
    await ingestJson(ingest, [{ server: servers[0].id, metric, value: 60, ts: Date.now() }]);
    await alertHub(env).poke();
    expect(await notificationsOf(policy.id)).toEqual([]);
  });

  it('refuses policies whose levels go backwards or name channels that do not exist', async () => {
    const res = await api('/api/escalation-policies', {
      token: admin,
      json: {
        name: uniqueName('Bad policy'),
        levels: [
          { after_min: 10, channel_ids: [999999] },
          { after_min: 5, channel_ids: [] },
        ],
      },
    });
    expectProblem(res, 422, ['levels[0].channel_ids', 'levels[1].after_min', 'levels[1].channel_ids']);
  });
});
