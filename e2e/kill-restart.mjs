// Process-kill test: acknowledged samples reach the D1 rollups even when the whole server is killed (kill -9 of
// wrangler and workerd) before the rack object's once-a-minute flush, and restarted on the same persisted state;
// an alert raised by the last acknowledged sample, and the audit entries written before the kill, are there after
// it, and the alert's notification reaches its webhook once the minute cron runs again.
// Closing line: "N passed, M failed".
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminToken, startDevServer } from '../scripts/lib/dev-server.mjs';

const port = Number(process.env.E2E_PORT ?? 8821);
const state = mkdtempSync(join(tmpdir(), 'dc-platform-kill-'));
let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : `: ${detail}`}`);
};

const call = async (base, token, method, path, body) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
};

// the webhook the alert's notification goes to: it outlives the killed server, as a real receiver would
const received = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    received.push(JSON.parse(body));
    res.writeHead(200).end('ok');
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));

const HOUR = 3_600_000;
const SERIES = ['cpu_pct', 'power_w', 'inlet_temp_c'];
let server = await startDevServer({ port, stateDir: state });
try {
  let admin = await adminToken(server.base);
  const dc = await call(server.base, admin, 'POST', '/datacenters', {
    name: 'DC-KILL',
    location: 'Here',
    tier: 'Tier 3',
  });
  const rack = await call(server.base, admin, 'POST', '/racks', {
    name: 'R-KILL',
    datacenter_id: dc.id,
    u_capacity: 42,
    power_capacity_kw: 10,
  });
  const srv = await call(server.base, admin, 'POST', '/servers', {
    name: 'S-KILL',
    rack_id: rack.id,
    serial_number: 'SN-KILL',
    u_position: 1,
    u_size: 1,
    power_supply_w: 500,
  });
  const { token: ingest } = await call(server.base, admin, 'POST', '/tokens', { name: 'kill', scopes: ['ingest'] });

  // an hour of 10 s samples, three series, from the hour 3 h ago: complete buckets, flushable at once
  const h = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
  const acked = Object.fromEntries(SERIES.map((m) => [m, { count: 0, sum: 0 }]));
  for (let first = 0; first < 360; first += 60) {
    const samples = [];
    for (const metric of SERIES)
      for (let i = first; i < first + 60; i++)
        samples.push({ server: srv.id, metric, value: i % 97, ts: h + i * 10_000 });
    const out = await call(server.base, ingest, 'POST', '/metrics/ingest', samples);
    // acknowledged: only these count
    for (const s of samples.slice(0, out.accepted)) {
      acked[s.metric].count++;
      acked[s.metric].sum += s.value;
    }
  }
  check(
    'all samples acknowledged',
    Object.values(acked).every((a) => a.count === 360),
    JSON.stringify(acked),
  );

  // a rule, a channel and a policy, then the sample that fires the rule: killed the moment it is acknowledged,
  // before anyone has read the alert or the notification has been sent
  // on a rack of its own, so the hourly buckets checked below are the only ones left to flush in theirs
  const hotRack = await call(server.base, admin, 'POST', '/racks', {
    name: 'R-KILL-HOT',
    datacenter_id: dc.id,
    u_capacity: 42,
    power_capacity_kw: 10,
  });
  const hotSrv = await call(server.base, admin, 'POST', '/servers', {
    name: 'S-KILL-HOT',
    rack_id: hotRack.id,
    serial_number: 'SN-KILL-HOT',
    u_position: 1,
    u_size: 1,
    power_supply_w: 500,
  });
  const rule = await call(server.base, admin, 'POST', '/alert-rules', {
    name: 'Kill test: hot inlet',
    metric: 'inlet_temp_c',
    comparison: '>',
    threshold: 45,
    severity: 'critical',
    scope_type: 'rack',
    scope_value: String(hotRack.id),
  });
  const channel = await call(server.base, admin, 'POST', '/notification-channels', {
    name: 'kill-hook',
    kind: 'webhook',
    url: `http://127.0.0.1:${receiver.address().port}/hook`,
    secret: 'kill-test-secret-0123456789',
  });
  await call(server.base, admin, 'POST', '/escalation-policies', {
    name: 'kill-policy',
    group_wait_s: 0,
    scope_type: 'rack',
    scope_value: String(hotRack.id),
    levels: [{ after_min: 0, channel_ids: [channel.id] }],
  });
  const auditBefore = await call(server.base, admin, 'GET', '/audit/logs?limit=1');
  const hot = await call(server.base, ingest, 'POST', '/metrics/ingest', [
    { server: hotSrv.id, metric: 'inlet_temp_c', value: 52, ts: Date.now() },
  ]);
  check('the hot sample is acknowledged', hot.accepted === 1, JSON.stringify(hot));

  await server.kill();
  server = await startDevServer({ port, stateDir: state });
  admin = await adminToken(server.base);

  const audit = await call(server.base, admin, 'GET', `/audit/logs?id=${auditBefore[0].id}`);
  check(
    'audit entries written before the kill are there, and the chain verifies',
    audit.some((e) => e.id === auditBefore[0].id) &&
      (await call(server.base, admin, 'GET', '/audit/verify')).ok === true,
    JSON.stringify(auditBefore[0]),
  );
  // the rack object's outbox holds the alert until it is in D1: asking for the rack's live state wakes it
  const firing = async () =>
    (await call(server.base, admin, 'GET', `/alerts?resolved=false&rule_id=${rule.id}`)).filter(
      (a) => a.server_id === hotSrv.id,
    );
  let alerts = [];
  for (let i = 0; i < 60 && !alerts.length; i++) {
    await call(server.base, admin, 'GET', `/metrics/racks/${hotRack.id}/storage`);
    alerts = await firing();
    if (!alerts.length) await new Promise((r) => setTimeout(r, 1000));
  }
  check(
    'the alert raised by the last acknowledged sample survives the kill',
    alerts.length === 1,
    JSON.stringify(alerts),
  );
  // the minute cron (npm start runs it; here by hand) pokes the alert hub, which resumes from its D1 cursor
  for (let i = 0; i < 60 && !received.some((b) => b.alerts?.some((a) => a.id === alerts[0]?.id)); i++) {
    await fetch(`${server.origin}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent('* * * * *')}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  check(
    'its notification reaches the webhook after the restart',
    received.some((b) => b.alerts?.some((a) => a.id === alerts[0]?.id)),
    JSON.stringify(received).slice(0, 500),
  );

  const totals = async (step) => {
    const q = `/metrics/servers?server_id=${srv.id}&metric=${SERIES.join(',')}&from=${h}&to=${h + HOUR - 1}&step=${step}`;
    const series = await call(server.base, admin, 'GET', q);
    return Object.fromEntries(
      series.map((s) => [
        s.metric,
        {
          count: s.points.reduce((n, p) => n + p.count, 0),
          sum: s.points.reduce((n, p) => n + (p.sum ?? p.avg * p.count), 0),
        },
      ]),
    );
  };
  const same = (t) => SERIES.every((m) => t[m]?.count === acked[m].count && Math.abs(t[m].sum - acked[m].sum) < 1e-6);
  // the query wakes the rack object, whose storage still lists the buckets to flush; its alarm writes them
  let got = {};
  for (let i = 0; i < 90 && !same(got); i++) {
    got = await totals(60);
    if (!same(got)) await new Promise((r) => setTimeout(r, 2000));
  }
  check(
    '1-minute rollups after the restart == acknowledged samples (count and sum)',
    same(got),
    JSON.stringify({ got, acked }),
  );
  const hours = await totals(3600);
  check('1-hour rollups == acknowledged samples', same(hours), JSON.stringify({ hours, acked }));
  const stats = await call(server.base, admin, 'GET', `/metrics/racks/${rack.id}/storage`);
  check('nothing left to flush', stats.rollups_pending === 0, JSON.stringify(stats));
} catch (e) {
  check('run', false, e.stack ?? String(e));
} finally {
  await server.stop();
  receiver.close();
  rmSync(state, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
