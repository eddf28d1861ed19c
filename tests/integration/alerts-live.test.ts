// Alert changes pushed live (GET /api/live/alerts, durable-objects/alert-hub.ts): a rule firing in a rack object,
// an acknowledgment through the API and an auto-resolve reach the socket without a reload; a subscriber below
// the rack's zone hears nothing of it; the hub's cursor survives the hub's eviction, so a change made while it
// was away is pushed by the next poke (the per-minute cron) and none is pushed twice.
import { env } from 'cloudflare:workers';
import { createScheduledController, createExecutionContext, evictDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  apiToken,
  createUser,
  estate,
  ingestJson,
  openSocket,
  uniqueName,
  type LiveSocket,
  type Row,
} from '../helpers';
import worker from '../../worker/index';
import { alertHub } from '../../durable-objects/alert-hub-client';

let admin: string;
let ingest: string;

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
});

const asSocket = (s: Awaited<ReturnType<typeof openSocket>>): LiveSocket => {
  if (!('ws' in s)) throw new Error(`upgrade refused: ${s.status} ${JSON.stringify(s.body)}`);
  return s;
};

async function hotRule(metric: string) {
  const res = await api('/api/alert-rules', {
    token: admin,
    json: { name: uniqueName('Live'), metric, threshold: 50, clear_threshold: 45, severity: 'critical' },
  });
  expect(res.status, res.text).toBe(201);
  return res.body as Row;
}

const alertFrames = (s: LiveSocket, id: number) => s.messages.filter((m) => m.type === 'alert' && m.alert.id === id);

describe('GET /api/live/alerts', () => {
  it('pushes fired, acknowledged and resolved as they happen, filtered by clearance', async () => {
    const metric = `live_hot_${crypto.randomUUID().slice(0, 8)}`;
    await hotRule(metric);
    const { servers } = await estate(admin, 1, { security_zone: 'Confidential' });
    const viewer = await createUser('viewer', admin); // Internal clearance: not cleared for the rack
    const sock = asSocket(await openSocket('/api/live/alerts', admin));
    const low = asSocket(await openSocket('/api/live/alerts', viewer.token));
    await sock.waitFor((m) => m.type === 'hello');
    await low.waitFor((m) => m.type === 'hello');

    const t = Date.now();
    await ingestJson(ingest, [{ server: servers[0].id, metric, value: 60, ts: t }]);
    const fired = await sock.waitFor((m) => m.type === 'alert' && m.alert.metric === metric);
    expect(fired).toMatchObject({
      event: 'fired',
      alert: { status: 'firing', server_id: servers[0].id, value: 60, severity: 'critical', resolved: false },
    });
    const id = fired.alert.id;

    const ack = await api(`/api/alerts/${id}/acknowledge`, { token: admin, method: 'PUT', json: { note: 'on it' } });
    expect(ack.status, ack.text).toBe(200);
    const acked = await sock.waitFor((m) => m.type === 'alert' && m.alert.id === id && m.event === 'acknowledged');
    expect(acked.alert).toMatchObject({ status: 'acknowledged', acknowledged_by: 'admin', acknowledged: true });

    await ingestJson(ingest, [{ server: servers[0].id, metric, value: 40, ts: t + 10_000 }]);
    const resolved = await sock.waitFor((m) => m.type === 'alert' && m.alert.id === id && m.event === 'auto_resolved');
    expect(resolved.alert).toMatchObject({ status: 'resolved', resolved_by: 'rule', resolved: true });

    // the viewer's socket is open and hears the hub (its own "hello"), but nothing about a Confidential rack
    expect(low.messages.filter((m) => m.type === 'alert' && m.alert.metric === metric)).toEqual([]);
    expect(alertFrames(sock, id).map((m) => m.event)).toEqual(['fired', 'acknowledged', 'auto_resolved']);
    sock.ws.close(1000);
    low.ws.close(1000);
  });

  it('keeps its cursor across an eviction: a change recorded while it was away goes out once, on the next poke', async () => {
    const metric = `live_cursor_${crypto.randomUUID().slice(0, 8)}`;
    await hotRule(metric);
    const { servers } = await estate(admin, 1);
    const sock = asSocket(await openSocket('/api/live/alerts', admin));
    await sock.waitFor((m) => m.type === 'hello');
    await ingestJson(ingest, [{ server: servers[0].id, metric, value: 70, ts: Date.now() }]);
    const fired = await sock.waitFor((m) => m.type === 'alert' && m.alert.metric === metric);
    sock.ws.close(1000);

    await evictDurableObject(alertHub(env));
    // recorded behind the hub's back (no poke): nobody is told yet
    const ts = new Date().toISOString();
    await env.DB.prepare("INSERT INTO alert_events (alert_id, ts, type, note) VALUES (?, ?, 'note', 'late')")
      .bind(fired.alert.id, ts)
      .run();
    const again = asSocket(await openSocket('/api/live/alerts', admin));
    await again.waitFor((m) => m.type === 'hello');
    // the per-minute cron pokes the hub
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env, ctx);
    const late = await again.waitFor((m) => m.type === 'alert' && m.alert.id === fired.alert.id);
    expect(late).toMatchObject({ event: 'note', at: ts });
    // the fired event is behind the cursor: not pushed a second time
    await alertHub(env).poke();
    expect(alertFrames(again, fired.alert.id).map((m) => m.event)).toEqual(['note']);
    again.ws.close(1000);
  });

  it('is a WebSocket: a plain GET is 426, no session is 401', async () => {
    expect((await api('/api/live/alerts', { token: admin })).status).toBe(426);
    expect((await api('/api/live/alerts')).status).toBe(401);
  });
});
