// Process-kill test: acknowledged samples reach the D1 rollups even when the whole server is killed (kill -9 of
// wrangler and workerd) before the rack object's once-a-minute flush, and restarted on the same persisted state.
// Closing line: "N passed, M failed".
import { mkdtempSync, rmSync } from 'node:fs';
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

  await server.kill();
  server = await startDevServer({ port, stateDir: state });
  admin = await adminToken(server.base);

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
  rmSync(state, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
