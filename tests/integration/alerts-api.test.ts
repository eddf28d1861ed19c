import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  auditRows,
  createRack,
  createUser,
  expectProblem,
  fieldsOf,
  uniqueName,
  type Row,
} from '../helpers';

// Alert rules CRUD, the alert lifecycle API and its clearance. Alerts here are written as a rack object writes
// them (an INSERT into alerts); how rules raise them is covered by the evaluation tests.

let admin: string;
let viewer: string;
let rack: Row;
let secretRack: Row;

async function openAlert(over: Record<string, unknown> = {}): Promise<number> {
  const now = new Date().toISOString();
  const a = { fingerprint: crypto.randomUUID(), severity: 'critical', message: uniqueName('Fan failure'), ...over };
  const row = await env.DB.prepare(
    `INSERT INTO alerts (fingerprint, severity, message, rack_id, datacenter_id, started_at, last_seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
  )
    .bind(a.fingerprint, a.severity, a.message, over.rack_id ?? rack.id, rack.datacenter_id, now, now)
    .first<{ id: number }>();
  return row!.id;
}

beforeAll(async () => {
  admin = await adminToken();
  viewer = (await createUser('viewer', admin)).token;
  rack = await createRack(admin);
  secretRack = await createRack(admin, { datacenter_id: rack.datacenter_id, security_zone: 'Confidential' });
});

describe('alert rules', () => {
  it('ship with sensible defaults (ASHRAE A1 inlet range, CPU, rack power, fans, no data)', async () => {
    const res = await api('/api/alert-rules?limit=100', { token: viewer });
    expect(res.status).toBe(200);
    const builtin = res.body.filter((r: Row) => r.builtin);
    const inlet = builtin.find((r: Row) => r.metric === 'inlet_temp_c' && r.comparison === '>');
    expect(inlet).toMatchObject({ threshold: 27, clear_threshold: 26, aggregate: 'avg', window_s: 300, enabled: true });
    expect(builtin.find((r: Row) => r.metric === 'inlet_temp_c' && r.comparison === '<')).toMatchObject({
      threshold: 18,
    });
    expect(builtin.find((r: Row) => r.metric === 'cpu_pct' && r.threshold === 90)).toMatchObject({ for_s: 600 });
    // measured rack power against capacity (the rack object derives rack_power_pct from the PDU reading)
    expect(
      builtin.filter((r: Row) => r.metric === 'rack_power_pct').map((r: Row) => [r.threshold, r.severity]),
    ).toEqual(
      expect.arrayContaining([
        [80, 'warning'],
        [95, 'critical'],
      ]),
    );
    expect(builtin.find((r: Row) => r.metric === 'fan_rpm')).toMatchObject({ comparison: '<', severity: 'critical' });
    expect(builtin.find((r: Row) => r.inventory_check === 'no_data')).toMatchObject({ threshold: 5 });
  });

  it('creates, updates and deletes a rule, audited', async () => {
    const name = uniqueName('GPU hot');
    const created = await api('/api/alert-rules', {
      token: admin,
      json: {
        name,
        metric: 'gpu_temp_c',
        aggregate: 'max',
        window_s: 120,
        threshold: 85,
        clear_threshold: 80,
        for_s: 60,
        severity: 'critical',
        scope_type: 'server_type',
        scope_value: 'GPU',
        labels: { team: 'ml' },
        message: '{{device}} GPU {{value}} °C',
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ name, kind: 'metric', enabled: true, builtin: false, labels: { team: 'ml' } });
    const patched = await api(`/api/alert-rules/${created.body.id}`, {
      method: 'PATCH',
      token: admin,
      json: { enabled: false },
    });
    expect(patched.body.enabled).toBe(false);
    expect((await api(`/api/alert-rules/${created.body.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
    const audit = await auditRows("entity_type = 'alert_rule' AND entity_id = ?", String(created.body.id));
    expect(audit.map((e) => e.action)).toEqual(['create', 'update', 'delete']);
  });

  it('refuses a rule that does not hold together, naming each field', async () => {
    const bad = async (json: Row, fields: string[]) => {
      const res = await api('/api/alert-rules', { token: admin, json: { name: uniqueName('Bad'), ...json } });
      expectProblem(res, 422);
      expect(fieldsOf(res), JSON.stringify(json)).toEqual(fields);
    };
    await bad({ threshold: 5 }, ['metric']);
    await bad({ metric: 'inlet_temp_c', threshold: 27, clear_threshold: 29 }, ['clear_threshold']);
    await bad({ metric: 'inlet_temp_c', threshold: 18, comparison: '<', clear_threshold: 17 }, ['clear_threshold']);
    await bad({ metric: 'cpu_pct', aggregate: 'avg' }, ['window_s']);
    await bad({ metric: 'cpu_pct', scope_type: 'rack' }, ['scope_value']);
    await bad({ metric: 'cpu_pct', scope_type: 'rack', scope_value: 'R1' }, ['scope_value']);
    await bad({ kind: 'inventory' }, ['inventory_check']);
    await bad({ metric: 'bad metric name' }, ['metric']);
    await bad({ metric: 'cpu_pct', severity: 'page-everyone' }, ['severity']);
  });

  it('viewers read rules but cannot change them', async () => {
    const res = await api('/api/alert-rules', { token: viewer, json: { name: uniqueName('Nope'), metric: 'cpu_pct' } });
    expectProblem(res, 403);
  });
});

describe('alerts', () => {
  it('the spec example: open alerts, acknowledge with no body, then resolve with a note', async () => {
    const id = await openAlert();
    const open = await api('/api/alerts?resolved=false', { token: admin });
    expect(open.status).toBe(200);
    expect(Array.isArray(open.body)).toBe(true);
    const mine = open.body.find((a: Row) => a.id === id);
    expect(mine).toMatchObject({ severity: 'critical', status: 'firing', resolved: false, acknowledged: false });
    expect(typeof mine.message).toBe('string');
    expect(Number(open.headers.get('X-Total-Count'))).toBeGreaterThanOrEqual(1);

    // requests.put(f"{BASE_URL}/alerts/{alert['id']}/acknowledge", headers=headers): no body at all
    const ack = await api(`/api/alerts/${id}/acknowledge`, { method: 'PUT', token: admin });
    expect(ack.status, ack.text).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledged: true, acknowledged_by: 'admin' });
    // acknowledging twice changes nothing
    const again = await api(`/api/alerts/${id}/acknowledge`, { method: 'PUT', token: admin });
    expect(again.body.events.filter((e: Row) => e.type === 'acknowledged')).toHaveLength(1);

    const resolved = await api(`/api/alerts/${id}/resolve`, {
      method: 'PUT',
      token: admin,
      json: { note: 'fan replaced' },
    });
    expect(resolved.body).toMatchObject({ status: 'resolved', resolved: true, resolution_note: 'fan replaced' });
    expect(resolved.body.events.map((e: Row) => e.type)).toEqual(['acknowledged', 'resolved']);
    expectProblem(await api(`/api/alerts/${id}/resolve`, { method: 'PUT', token: admin }), 409);

    const still = await api('/api/alerts?resolved=false&limit=1000', { token: admin });
    expect(still.body.map((a: Row) => a.id)).not.toContain(id);
    const done = await api('/api/alerts?resolved=true&limit=1000', { token: admin });
    expect(done.body.map((a: Row) => a.id)).toContain(id);
    const audit = await auditRows("entity_type = 'alert' AND entity_id = ?", String(id));
    expect(audit.map((e) => e.action)).toEqual(['alert_acknowledged', 'alert_resolved']);
  });

  it('counts open alerts in the dashboard and in /metrics', async () => {
    const before = (await api('/api/dashboard/metrics', { token: admin })).body;
    await openAlert({ severity: 'warning' });
    const after = (await api('/api/dashboard/metrics', { token: admin })).body;
    expect(after.active_alerts).toBe(before.active_alerts + 1);
    expect(after.active_alerts_by_severity.warning).toBe((before.active_alerts_by_severity.warning ?? 0) + 1);
    const metrics = await api('/metrics', { token: admin });
    const line = metrics.text.split('\n').find((l: string) => l.startsWith('dcp_alerts_active{severity="warning"}'));
    expect(Number(line!.split(' ').pop())).toBe(after.active_alerts_by_severity.warning);
  });

  it('an alert is as secret as its rack', async () => {
    const id = await openAlert({ rack_id: secretRack.id });
    expectProblem(await api(`/api/alerts/${id}`, { token: viewer }), 404);
    expect((await api('/api/alerts?limit=1000', { token: viewer })).body.map((a: Row) => a.id)).not.toContain(id);
    const detail = await api(`/api/alerts/${id}`, { token: admin });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id, resolved: false, events: [] });
    const viewerDash = (await api('/api/dashboard/metrics', { token: viewer })).body;
    const adminDash = (await api('/api/dashboard/metrics', { token: admin })).body;
    expect(adminDash.active_alerts).toBeGreaterThan(viewerDash.active_alerts);
    expectProblem(await api(`/api/alerts/${id}/acknowledge`, { method: 'PUT', token: viewer }), 403);
  });

  it('the database keeps one open alert per fingerprint', async () => {
    const fingerprint = crypto.randomUUID();
    const first = await openAlert({ fingerprint });
    await expect(openAlert({ fingerprint })).rejects.toThrow(/UNIQUE/);
    await api(`/api/alerts/${first}/resolve`, { method: 'PUT', token: admin });
    // resolved alerts are history: the condition may fire again as a new alert
    expect(await openAlert({ fingerprint })).toBeGreaterThan(first);
  });

  it('filters by severity and datacenter, newest first', async () => {
    const older = await openAlert({ severity: 'info' });
    await new Promise((r) => setTimeout(r, 5));
    const newer = await openAlert({ severity: 'info' });
    const res = await api(`/api/alerts?severity=info&datacenter_id=${rack.datacenter_id}&resolved=false`, {
      token: admin,
    });
    const ids = res.body.map((a: Row) => a.id);
    expect(ids.indexOf(newer)).toBeLessThan(ids.indexOf(older));
    expect(res.body.every((a: Row) => a.severity === 'info')).toBe(true);
    expectProblem(await api('/api/alerts?severity=urgent', { token: admin }), 422);
  });
});
