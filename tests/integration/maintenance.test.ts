// Maintenance windows (/api/maintenance): validation and overlap reporting, clearance through the window's rack,
// suppression of alerts on a covered device (kept as "suppressed", not routed, not escalated), the cron switching
// servers to maintenance and back, and the suppressed alerts firing once the window is over.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  apiToken,
  createUser,
  estate,
  expectProblem,
  ingestJson,
  uniqueName,
  type Row,
} from '../helpers';
import worker from '../../worker/index';
import { alertHub } from '../../durable-objects/alert-hub-client';

let admin: string;
let ingest: string;
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
});

async function window(over: Row): Promise<Row> {
  const res = await api('/api/maintenance', {
    token: admin,
    json: {
      title: uniqueName('Swap PSU'),
      starts_at: iso(Date.now() - HOUR),
      ends_at: iso(Date.now() + HOUR),
      ...over,
    },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const cron = async (at = Date.now()) => {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: at }), env, ctx);
};

describe('/api/maintenance', () => {
  it('checks its window and target, and reports overlapping windows on the same target', async () => {
    const { rack, servers } = await estate(admin, 1);
    expectProblem(
      await api('/api/maintenance', {
        token: admin,
        json: {
          title: 'x',
          target_type: 'server',
          target_id: servers[0].id,
          starts_at: iso(Date.now()),
          ends_at: iso(Date.now() - 1000),
        },
      }),
      422,
      ['ends_at'],
    );
    expectProblem(
      await api('/api/maintenance', {
        token: admin,
        json: {
          title: 'x',
          target_type: 'rack',
          target_id: 99999999,
          starts_at: iso(Date.now()),
          ends_at: iso(Date.now() + 1000),
        },
      }),
      422,
      ['target_id'],
    );
    const a = await window({ target_type: 'rack', target_id: rack.id });
    expect(a).toMatchObject({
      approval: 'pending',
      owner: 'admin',
      state: 'active',
      rack_id: rack.id,
      overlaps: [],
      target_name: rack.name,
    });
    const b = await window({
      target_type: 'rack',
      target_id: rack.id,
      starts_at: iso(Date.now() + 30 * 60_000),
      ends_at: iso(Date.now() + 2 * HOUR),
    });
    expect(b.overlaps).toEqual([a.id]);
    expect((await api(`/api/maintenance/${a.id}`, { token: admin })).body.overlaps).toEqual([b.id]);
    // after the first: no overlap
    const c = await window({
      target_type: 'rack',
      target_id: rack.id,
      starts_at: iso(Date.now() + 3 * HOUR),
      ends_at: iso(Date.now() + 4 * HOUR),
    });
    expect(c).toMatchObject({ overlaps: [], state: 'scheduled' });
    const approved = await api(`/api/maintenance/${c.id}`, {
      token: admin,
      method: 'PATCH',
      json: { approval: 'approved' },
    });
    expect(approved.body).toMatchObject({ approval: 'approved', approved_by: 'admin' });
  });

  it('is as secret as its rack; a whole-datacenter window is seen by every reader', async () => {
    const { dc, rack } = await estate(admin, 1, { security_zone: 'Confidential' });
    const secret = await window({ target_type: 'rack', target_id: rack.id });
    const site = await window({ target_type: 'datacenter', target_id: dc.id });
    const viewer = await createUser('viewer', admin);
    expect((await api(`/api/maintenance/${secret.id}`, { token: viewer.token })).status).toBe(404);
    expect((await api(`/api/maintenance/${site.id}`, { token: viewer.token })).status).toBe(200);
    const ids = ((await api(`/api/maintenance?datacenter_id=${dc.id}`, { token: viewer.token })).body as Row[]).map(
      (w) => w.id,
    );
    expect(ids).toEqual([site.id]);
  });

  it('suppresses alerts on its target while approved and active, switches servers, and releases both at its end', async () => {
    const metric = `maint_${crypto.randomUUID().slice(0, 8)}`;
    const rule = await api('/api/alert-rules', {
      token: admin,
      json: { name: uniqueName('Maint'), metric, threshold: 50, severity: 'critical' },
    });
    const { rack, servers } = await estate(admin, 2);
    const hook = await api('/api/notification-channels', {
      token: admin,
      json: { name: uniqueName('maint mail'), kind: 'email', email_to: 'noc@example.com' },
    });
    const policy = await api('/api/escalation-policies', {
      token: admin,
      json: {
        name: uniqueName('maint policy'),
        scope_type: 'rack',
        scope_value: String(rack.id),
        group_wait_s: 0,
        levels: [
          { after_min: 0, channel_ids: [hook.body.id] },
          { after_min: 15, channel_ids: [hook.body.id] },
        ],
      },
    });
    const w = await window({
      target_type: 'server',
      target_id: servers[0].id,
      approval: 'approved',
      set_maintenance_status: true,
    });
    await cron();
    expect((await api(`/api/servers/${servers[0].id}`, { token: admin })).body.status).toBe('maintenance');
    expect((await api(`/api/servers/${servers[1].id}`, { token: admin })).body.status).toBe('active');

    await ingestJson(ingest, [
      { server: servers[0].id, metric, value: 60, ts: Date.now() },
      { server: servers[1].id, metric, value: 60, ts: Date.now() },
    ]);
    await alertHub(env).poke();
    const alerts = (await api(`/api/alerts?rule_id=${rule.body.id}&sort=id`, { token: admin })).body as Row[];
    const inside = alerts.find((a) => a.server_id === servers[0].id)!;
    const outside = alerts.find((a) => a.server_id === servers[1].id)!;
    expect(inside.status).toBe('suppressed');
    expect(outside.status).toBe('firing');
    expect((await api(`/api/alerts/${inside.id}`, { token: admin })).body.events.map((e: Row) => e.type)).toEqual([
      'suppressed',
    ]);
    expect((await api(`/api/maintenance/${w.id}`, { token: admin })).body.suppressed_alerts).toBe(1);
    // only the alert outside the window is notified, and only it escalates
    const notified = async () =>
      ((await api(`/api/notifications?policy_id=${policy.body.id}&sort=id`, { token: admin })).body as Row[]).map(
        (n) => [n.level, n.alert_ids],
      );
    expect(await notified()).toEqual([[1, [outside.id]]]);
    await cron(Date.now() + 16 * 60_000);
    expect(await notified()).toEqual([
      [1, [outside.id]],
      [2, [outside.id]],
    ]);

    // the work is done early: the window is closed, the server goes back, the alert fires and is routed from now
    await api(`/api/maintenance/${w.id}`, { token: admin, method: 'PATCH', json: { ends_at: iso(Date.now() - 1000) } });
    await cron();
    expect((await api(`/api/servers/${servers[0].id}`, { token: admin })).body.status).toBe('active');
    const released = (await api(`/api/alerts/${inside.id}`, { token: admin })).body;
    expect(released.status).toBe('firing');
    expect(released.events.map((e: Row) => e.type)).toEqual(['suppressed', 'maintenance_ended']);
    await alertHub(env).poke();
    expect(await notified()).toContainEqual([1, [inside.id]]);
    const trail = await env.DB.prepare(
      "SELECT action FROM audit_log WHERE entity_type = 'maintenance_window' AND entity_id = ? ORDER BY id",
    )
      .bind(String(w.id))
      .all<Row>();
    expect(trail.results.map((r) => r.action)).toEqual(
      expect.arrayContaining(['create', 'maintenance_started', 'maintenance_ended']),
    );
  });

  it('acknowledges at once an alert on a server whose status is maintenance, recorded as such, and pages nobody', async () => {
    const metric = `maint_status_${crypto.randomUUID().slice(0, 8)}`;
    const rule = await api('/api/alert-rules', {
      token: admin,
      json: { name: uniqueName('MaintStatus'), metric, threshold: 50, severity: 'critical' },
    });
    const { servers } = await estate(admin, 2);
    await api(`/api/servers/${servers[0].id}`, { token: admin, method: 'PATCH', json: { status: 'maintenance' } });
    await ingestJson(ingest, [
      { server: servers[0].id, metric, value: 60, ts: Date.now() },
      { server: servers[1].id, metric, value: 60, ts: Date.now() },
    ]);
    const alerts = (await api(`/api/alerts?rule_id=${rule.body.id}&sort=id`, { token: admin })).body as Row[];
    const inMaint = alerts.find((a) => a.server_id === servers[0].id)!;
    expect(inMaint).toMatchObject({ status: 'acknowledged', acknowledged_by: 'maintenance' });
    expect(alerts.find((a) => a.server_id === servers[1].id)).toMatchObject({
      status: 'firing',
      acknowledged_by: null,
    });
    const events = (await api(`/api/alerts/${inMaint.id}`, { token: admin })).body.events as Row[];
    expect(events.map((e) => [e.type, e.actor, e.note])).toEqual([
      ['fired', null, null],
      ['auto_acknowledged', 'maintenance', 'the device is in maintenance'],
    ]);
  });
});
