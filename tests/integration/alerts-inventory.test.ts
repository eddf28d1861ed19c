// Inventory alert rules, evaluated by the once-a-minute Cron Trigger (driven here through the Worker's own
// scheduled handler): rack power allocation, warranty, dead-man (no data) and the audit chain, each raising its
// alert once, keeping it while the condition holds and resolving it when it clears.
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import worker from '../../worker/index';
import { forgetAuditVerdict } from '../../worker/alerting/inventory';
import { adminToken, api, createRack, createServer, uniqueName, type Row } from '../helpers';

let admin: string;

beforeAll(async () => {
  admin = await adminToken();
});

async function tick() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '* * * * *' }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function rule(over: Row): Promise<Row> {
  const res = await api('/api/alert-rules', {
    token: admin,
    json: { name: uniqueName('Inventory'), kind: 'inventory', ...over },
  });
  expect(res.status, res.text).toBe(201);
  return res.body;
}
const alertsOf = async (ruleId: number) =>
  (await api(`/api/alerts?rule_id=${ruleId}&sort=id&limit=100`, { token: admin })).body as Row[];

describe('inventory rules on the cron', () => {
  it('rack power allocation: fires once, stays while it holds, resolves when it clears', async () => {
    const rack = await createRack(admin, { power_capacity_kw: 2 });
    const r = await rule({
      inventory_check: 'rack_power_allocation',
      threshold: 70,
      scope_type: 'rack',
      scope_value: String(rack.id),
      severity: 'critical',
      message: '{{device}} power allocation {{value}} % > {{threshold}} %',
    });
    const s = await createServer(admin, { rack_id: rack.id, power_supply_w: 1600 });
    await tick();
    let list = await alertsOf(r.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ status: 'firing', rack_id: rack.id, value: 80, severity: 'critical' });
    expect(list[0].message).toBe(`${rack.name} power allocation 80 % > 70 %`);

    await tick();
    list = await alertsOf(r.id);
    expect(list).toHaveLength(1);
    expect(list[0].count).toBe(1);

    await api(`/api/servers/${s.id}`, { method: 'PATCH', token: admin, json: { power_supply_w: 1000 } });
    await tick();
    list = await alertsOf(r.id);
    expect(list[0]).toMatchObject({ status: 'resolved', resolved_by: 'rule' });
  });

  it('warranty expiring within N days counts the days left', async () => {
    const rack = await createRack(admin);
    const inTen = new Date(Date.now() + 9.5 * 86_400_000).toISOString().slice(0, 10);
    const s = await createServer(admin, { rack_id: rack.id, warranty_expires: inTen });
    const r = await rule({
      inventory_check: 'warranty_expiring',
      comparison: '<',
      threshold: 30,
      scope_type: 'server',
      scope_value: String(s.id),
    });
    await tick();
    const [a] = await alertsOf(r.id);
    expect(a.server_id).toBe(s.id);
    expect(a.value).toBeGreaterThanOrEqual(9);
    expect(a.value).toBeLessThanOrEqual(11);
  });

  it('no data: a server that reported, then went quiet for N minutes', async () => {
    const rack = await createRack(admin);
    const s = await createServer(admin, { rack_id: rack.id });
    const r = await rule({
      inventory_check: 'no_data',
      threshold: 5,
      scope_type: 'server',
      scope_value: String(s.id),
    });
    // a flushed 1-minute rollup of the server, as the rack object writes one
    const flushed = (bucket: number) =>
      env.DB.prepare(
        `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
         VALUES (?, ?, 'cpu_pct', '', 60, ?, 6, 60, 10, 10, 10, ?, 10)`,
      )
        .bind(rack.id, s.id, bucket, bucket + 50_000)
        .run();
    // its newest flushed minute ended 12 minutes ago
    await flushed(Math.floor((Date.now() - 13 * 60_000) / 60_000) * 60_000);
    await tick();
    const [a] = await alertsOf(r.id);
    expect(a).toMatchObject({ status: 'firing', server_id: s.id });
    expect(a.value).toBeGreaterThanOrEqual(11);

    // it reports again: resolved
    await flushed(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    await tick();
    expect((await alertsOf(r.id))[0].status).toBe('resolved');
  });

  it('the audit chain: an entry edited behind the API raises a site alert', async () => {
    const r = await rule({ inventory_check: 'audit_chain', threshold: 0, severity: 'critical' });
    await tick();
    expect(await alertsOf(r.id)).toEqual([]);
    // seal, then tamper with a sealed entry
    await api('/api/audit/verify', { token: admin });
    const sealed = await env.DB.prepare(
      'SELECT id FROM audit_log WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1',
    ).first<{
      id: number;
    }>();
    await env.DB.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = ?").bind(sealed!.id).run();
    // within 15 minutes the last verdict stands (verifying re-hashes the whole trail)
    await tick();
    expect(await alertsOf(r.id)).toEqual([]);
    forgetAuditVerdict();
    await tick();
    const [a] = await alertsOf(r.id);
    expect(a).toMatchObject({ status: 'firing', severity: 'critical', rack_id: null });
    expect(a.value).toBeGreaterThanOrEqual(1);
  });

  it('disk full forecast: fires a day ahead from the nightly forecast, and clears when a new one relents', async () => {
    const rack = await createRack(admin);
    const s = await createServer(admin, { rack_id: rack.id });
    const r = await rule({
      inventory_check: 'disk_full_forecast',
      comparison: '<',
      threshold: 24,
      scope_type: 'server',
      scope_value: String(s.id),
      message: '{{device}} disk full in {{value}} h',
    });
    // the forecast as the nightly job stores it: hour i at 90 + 0.5·i %, so 100 % at hour 20
    const put = (slope: number) =>
      env.DB.prepare(
        `INSERT OR REPLACE INTO series_forecasts (rack_id, server_id, metric, labels, run_id, computed_at, start, method,
           period, backtest, history_hours, points) VALUES (?, ?, 'disk_pct', '', 1, ?, ?, 'drift', 24, '{}', 72, ?)`,
      )
        .bind(
          rack.id,
          s.id,
          Date.now(),
          Date.now(),
          JSON.stringify(Array.from({ length: 168 }, (_, i) => [90 + slope * i, 88 + slope * i, 92 + slope * i])),
        )
        .run();
    await put(0.5);
    await tick();
    let [a] = await alertsOf(r.id);
    expect(a).toMatchObject({ status: 'firing', server_id: s.id });
    expect(a.value).toBeCloseTo(20, 0);
    expect(a.message).toBe(`${s.name} disk full in ${a.value} h`);
    // a gentler forecast (full at hour 100, beyond the day): it resolves
    await put(0.1);
    await tick();
    [a] = await alertsOf(r.id);
    expect(a!.status).toBe('resolved');
  });
});
