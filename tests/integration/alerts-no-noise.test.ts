// The shipped rules against the telemetry simulator (scripts/lib/sim-model.mjs) on the demo estate, through the
// real ingest API and rack objects: an hour of normal traffic raises no metric alert (no noise), then each kind
// of fault the simulator injects (fan failure, runaway process, PDU near its limit) raises alerts on the faulty
// device's rack only, in exactly one grouped notification, and they resolve once it is over.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { adminToken, api, apiToken, eventually, ingestJson, uniqueName, type Row } from '../helpers';
import { alertHub } from '../../durable-objects/alert-hub-client';
import { closeDueGroups } from '../../worker/alerting/notify/dispatch';
// @ts-expect-error: plain JavaScript, shared with the simulator (no declarations)
import { buildEstate, chooseAnomaly, simulateTick, ANOMALY_KINDS } from '../../scripts/lib/sim-model.mjs';
import { mulberry32 } from '../../util/random';

const MINUTE = 60_000;
const STEP = 10_000; // the simulator's default rate
let admin: string;
let ingest: string;
let estate: any;
let metricRules: Row[];
let policy: Row;

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
  expect((await api('/api/demo/seed', { token: admin, json: {} })).status).toBeLessThan(300);
  const all = async (path: string) =>
    (await api(`${path}${path.includes('?') ? '&' : '?'}limit=1000`, { token: admin })).body;
  estate = buildEstate({
    datacenters: await all('/api/datacenters'),
    racks: await all('/api/racks'),
    servers: await all('/api/servers'),
  });
  metricRules = (await all('/api/alert-rules?kind=metric')).filter((r: Row) => r.builtin && r.enabled);
  // everyone hears of everything, grouped by rack; the replay runs faster than the group wait, so a fault's
  // alerts all land in the group it opened
  const mail = await api('/api/notification-channels', {
    token: admin,
    json: { name: uniqueName('noc'), kind: 'email', email_to: 'noc@example.com' },
  });
  policy = (
    await api('/api/escalation-policies', {
      token: admin,
      json: { name: uniqueName('all'), group_wait_s: 600, levels: [{ after_min: 0, channel_ids: [mail.body.id] }] },
    })
  ).body;
}, 60_000);

/** Every alert change so far has been routed by the hub (its dispatch cursor caught up). */
async function routed() {
  await alertHub(env).poke();
  await eventually(async () => {
    const row = await env.DB.prepare(
      "SELECT (SELECT last_event_id FROM alert_cursors WHERE name = 'dispatch') AS at, (SELECT max(id) FROM alert_events) AS top",
    ).first<{ at: number; top: number | null }>();
    return row!.at >= (row!.top ?? 0);
  });
}
const firingNotifications = async () =>
  (await api(`/api/notifications?policy_id=${policy.id}&kind=firing&limit=100&sort=id`, { token: admin }))
    .body as Row[];

/** Send the simulator's samples from `from` to `to` (every STEP), one request per rack per tick. */
async function play(from: number, to: number, anomalies: Row[] = []) {
  for (let t = from; t < to; t += STEP) {
    const tick = simulateTick(estate, t, anomalies);
    const batch: Row[] = [];
    for (const samples of tick.byRack.values()) batch.push(...samples);
    for (let i = 0; i < batch.length; i += 5000) {
      const res = await ingestJson(ingest, batch.slice(i, i + 5000));
      expect(res.status, res.text).toBe(200);
    }
  }
}

/** Every alert of the shipped metric rules, open or resolved. */
const metricAlerts = async () => {
  const ids = new Set(metricRules.map((r) => r.id));
  const list = (await api('/api/alerts?limit=1000', { token: admin })).body as Row[];
  return list.filter((a) => ids.has(a.rule_id));
};

describe('the shipped rules on simulated traffic', () => {
  // the hour ends a few minutes before now, inside the ingest window, leaving room for the faults after it
  const start = Date.now() - 100 * MINUTE;

  it('raise no metric alert over an hour of normal traffic', async () => {
    expect(metricRules.map((r) => r.metric).sort()).toEqual(
      expect.arrayContaining(['cpu_pct', 'fan_rpm', 'inlet_temp_c', 'rack_power_pct']),
    );
    await play(start, start + 60 * MINUTE);
    expect((await metricAlerts()).map((a) => a.message)).toEqual([]);
    await routed();
    expect(await firingNotifications()).toEqual([]);
  }, 300_000);

  it.each(ANOMALY_KINDS as string[])(
    'raise alerts for an injected %s on its rack only, resolved after it',
    async (kind) => {
      const at = start + 60 * MINUTE + ANOMALY_KINDS.indexOf(kind) * 12 * MINUTE;
      const fault = chooseAnomaly(estate, kind, mulberry32(7), at, 5 * MINUTE);
      expect(fault).toBeTruthy();
      const before = new Set((await firingNotifications()).map((n) => n.id));
      await play(at, at + 6 * MINUTE, [fault]);
      const raised = (await metricAlerts()).filter((a) => Date.parse(a.started_at) >= at);
      expect(raised.length, `${kind}: no alert`).toBeGreaterThan(0);
      expect(new Set(raised.map((a) => a.rack_id))).toEqual(new Set([fault.rack_id]));
      if (fault.server_id) expect(raised.some((a) => a.server_id === fault.server_id)).toBe(true);
      // exactly one notification for the fault, carrying every alert it raised
      await routed();
      await closeDueGroups(env.DB, Date.now() + 11 * MINUTE);
      const sent = (await firingNotifications()).filter((n) => !before.has(n.id));
      expect(sent.map((n) => [n.rack_id, [...n.alert_ids].sort()])).toEqual([
        [fault.rack_id, raised.map((a) => a.id).sort()],
      ]);
      // it is over: after the afterglow every alert has resolved itself
      await play(at + 6 * MINUTE, at + 12 * MINUTE, [fault]);
      expect((await metricAlerts()).filter((a) => a.status !== 'resolved').map((a) => a.message)).toEqual([]);
    },
    300_000,
  );
});
