// Self-check of the simulator's model (no server needed): `node scripts/lib/sim-model.check.mjs`.
// Physical ranges over a simulated day, determinism, the shape of each anomaly, and the helpers.
import assert from 'node:assert/strict';
import {
  buildEstate,
  chooseAnomaly,
  diurnal,
  formatDuration,
  historyRows,
  simulateServer,
  simulateTick,
  timeZoneFor,
} from './sim-model.mjs';
import { parseDuration } from '../../util/duration.ts';
import { mulberry32 as prng } from '../../util/random.ts';

const datacenters = [
  { id: 1, name: 'DC-NYC-1', location: 'Secaucus, New Jersey, USA', pue_target: 1.28 },
  { id: 2, name: 'DC-PAR-1', location: 'Saint-Denis, Paris, France', pue_target: 1.35 },
  { id: 3, name: 'DC-SIN-1', location: 'Jurong, Singapore', pue_target: null },
];
const COOLING = ['Air Cooling', 'In-Row', 'Liquid Cooling', 'Rear-Door Heat Exchanger', 'Immersion'];
const TYPES = [
  ['Compute', 1100, 1],
  ['Database', 1600, 2],
  ['Storage', 1400, 2],
  ['GPU', 10200, 8],
];
const racks = [];
const servers = [];
for (let i = 0; i < 15; i++) {
  const rack = {
    id: i + 1,
    name: `R-${i + 1}`,
    datacenter_id: (i % 3) + 1,
    row: 'ABC'[i % 3],
    position: (i % 5) + 1,
    u_capacity: 42,
    power_capacity_kw: i % 5 === 4 ? 50 : 15,
    cooling_type: COOLING[i % COOLING.length],
  };
  racks.push(rack);
  let u = 1;
  for (let j = 0; j < 8; j++) {
    const [type, psu, size] = TYPES[(i + j) % TYPES.length];
    if (u + size > 40) break;
    servers.push({
      id: servers.length + 1,
      name: `srv-${servers.length + 1}`,
      rack_id: rack.id,
      server_type: type,
      power_supply_w: psu,
      u_position: u,
      u_size: size,
      status: j === 7 ? 'maintenance' : j === 6 && i % 2 ? 'decommissioned' : 'active',
    });
    u += size;
  }
}
// keep each rack's PSU total within its capacity, as the demo seed does
for (const r of racks) {
  const psu = servers.filter((s) => s.rack_id === r.id).reduce((n, s) => n + s.power_supply_w, 0);
  r.power_capacity_kw = Math.max(r.power_capacity_kw, Math.ceil(psu / 850));
}
// an array and a top-of-rack uplink in the first rack: they report by name, with labels
const storage = [{ id: 1, name: 'san-1', rack_id: racks[0].id, storage_type: 'SAN', status: 'active' }];
const ports = [
  {
    id: 1,
    name: 'Ethernet1/49',
    rack_id: racks[0].id,
    device_type: 'access_switch',
    device_name: 'tor-1',
    peer: 'core-1:Ethernet1/1',
  },
];
const estate = buildEstate({ datacenters, racks, servers, storage, ports });
const T0 = Date.UTC(2026, 10, 30, 0, 0, 0); // a Monday
const HOUR = 3_600_000;

let checks = 0;
const ok = (cond, msg) => {
  assert.ok(cond, msg);
  checks++;
};

// --- ranges over a day, every 5 minutes
const by = new Map();
const push = (k, v) => (by.get(k) ?? by.set(k, []).get(k)).push(v);
for (let t = T0; t < T0 + 24 * HOUR; t += 5 * 60_000) {
  const tick = simulateTick(estate, t, []);
  for (const [rackId, samples] of tick.byRack) {
    const rack = estate.rackById.get(rackId);
    const perServer = new Map();
    for (const s of samples) {
      ok(Number.isFinite(s.value) && s.ts === t, `finite value and ts for ${s.metric}`);
      if (typeof s.server === 'string') {
        // an array or a switch port, by name: checked below
        ok(s.value >= 0, `${s.metric} of ${s.server} is not negative`);
        push(`device.${s.metric}`, s.value);
      } else if (s.server) {
        const srv = estate.serverById.get(s.server);
        ok(srv.status === 'active' || srv.status === 'maintenance', 'only active or maintenance servers report');
        (perServer.get(s.server) ?? perServer.set(s.server, {}).get(s.server))[s.metric] = s.value;
        push(`server.${s.metric}`, s.value);
        push(`${srv.server_type}.${s.metric}`, s.value);
        if (s.metric === 'power_w') ok(s.value > 0 && s.value <= srv.power_supply_w, 'power_w within the PSU');
        if (s.metric === 'inlet_temp_c') push(`inlet.${rack.cooling_type}`, s.value);
      } else {
        push(`rack.${s.metric}`, s.value);
        if (s.metric === 'power_kw') ok(s.value < rack.power_capacity_kw, 'rack power below capacity');
      }
    }
    for (const m of perServer.values()) {
      ok(m.outlet_temp_c > m.inlet_temp_c, 'outlet warmer than inlet');
      ok(m.outlet_temp_c - m.inlet_temp_c <= 15.5, `ΔT at most 15 °C (${m.outlet_temp_c - m.inlet_temp_c})`);
    }
  }
  ok(tick.facilityKw / tick.itKw > 1.1 && tick.facilityKw / tick.itKw < 1.65, 'estate PUE in range');
  for (const [, [s]] of tick.byDatacenter) push('dc.facility_power_kw', s.value);
}
const range = (k) => {
  const v = by.get(k);
  return { min: Math.min(...v), max: Math.max(...v), mean: v.reduce((a, b) => a + b, 0) / v.length };
};
const sd = (k) => {
  const v = by.get(k);
  const m = range(k).mean;
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
};
const within = (k, lo, hi) => {
  const r = range(k);
  ok(r.min >= lo && r.max <= hi, `${k} in [${lo}, ${hi}]: got [${r.min}, ${r.max}]`);
};
within('server.cpu_pct', 0, 100);
within('server.mem_pct', 0, 100);
within('server.disk_pct', 0, 100);
within('server.inlet_temp_c', 17, 28);
within('server.outlet_temp_c', 18, 45);
within('server.fan_rpm', 1000, 20_000);
within('server.net_in_bps', 0, 200e9);
within('server.net_out_bps', 0, 200e9);
within('rack.inlet_temp_c', 17, 27);
within('rack.humidity_pct', 20, 75);
ok(range('Database.cpu_pct').mean > range('Compute.cpu_pct').mean, 'databases run hotter than compute on average');
ok(sd('Database.cpu_pct') < sd('Compute.cpu_pct'), 'databases are steadier than compute');
ok(sd('GPU.cpu_pct') > sd('Database.cpu_pct'), 'GPUs are burstier than databases');
ok(range('Storage.net_in_bps').mean > range('Compute.net_in_bps').mean, 'storage moves more data than compute');
ok(range('inlet.Liquid Cooling').mean < range('inlet.Air Cooling').mean - 1.5, 'liquid cooling runs cooler');
ok(sd('inlet.Liquid Cooling') < sd('inlet.Air Cooling'), 'liquid cooling is steadier');
ok(diurnal(15) > 0.9 && diurnal(4) < 0.05, 'the diurnal curve peaks mid-afternoon');

// --- diurnal load in local time: compute at 15:00 in New York (20:00 UTC) beats 04:00 (09:00 UTC)
const nycCompute = servers.filter(
  (s) => s.server_type === 'Compute' && s.status === 'active' && estate.rackById.get(s.rack_id).datacenter_id === 1,
);
const cpuAt = (t) =>
  nycCompute.reduce((n, s) => {
    const rack = estate.rackById.get(s.rack_id);
    return n + simulateServer(s, rack, estate.dcById.get(1), t, []).samples[0].value;
  }, 0) / nycCompute.length;
ok(cpuAt(T0 + 20 * HOUR) > cpuAt(T0 + 9 * HOUR) + 20, 'New York compute is busier at 15:00 than at 04:00 local');

// --- determinism
assert.deepEqual(simulateTick(estate, T0 + 1234_000, []), simulateTick(estate, T0 + 1234_000, []));
checks++;

// --- anomalies
const rng = prng(7);
const probe = (a, t) => {
  const tick = simulateTick(estate, t, [a]);
  const samples = tick.byRack.get(a.rack_id);
  const get = (metric, who = a.server_id ? 'server' : 'rack', id = a.server_id ?? a.rack_id) =>
    samples.find((s) => s[who] === id && s.metric === metric).value;
  return { get, rack: (m) => get(m, 'rack', a.rack_id) };
};
const start = T0 + 10 * HOUR;
const fan = chooseAnomaly(estate, 'fan_failure', rng, start, 5 * 60_000);
ok(fan && fan.server_id, 'a fan failure picks a server');
ok(estate.rackById.get(fan.rack_id).cooling_type !== 'Liquid Cooling', 'fan failures prefer air-cooled racks');
const before = probe(fan, start - 10_000);
const during = probe(fan, start + 4 * 60_000);
const after = probe(fan, fan.end + 12 * 60_000);
ok(during.get('fan_rpm') < 200, `fan stops (${during.get('fan_rpm')} rpm)`);
ok(during.get('outlet_temp_c') > before.get('outlet_temp_c') + 8, 'outlet heats up');
ok(during.rack('inlet_temp_c') > before.rack('inlet_temp_c') + 1.2, 'rack inlet rises');
ok(Math.abs(after.get('outlet_temp_c') - before.get('outlet_temp_c')) < 3, 'outlet settles after the repair');
ok(after.get('fan_rpm') > 1000, 'fan back after the repair');

const run = chooseAnomaly(estate, 'runaway_process', rng, start, 4 * 60_000);
ok(run && estate.serverById.get(run.server_id).server_type !== 'GPU', 'a runaway process picks a non-GPU server');
const rb = probe(run, start - 10_000);
const rd = probe(run, start + 2 * 60_000);
ok(rd.get('cpu_pct') >= 97, `cpu pinned (${rd.get('cpu_pct')})`);
ok(rd.get('power_w') > rb.get('power_w'), 'power rises');
ok(probe(run, run.end + 5 * 60_000).get('cpu_pct') < 90, 'cpu back after the kill');

const pdu = chooseAnomaly(estate, 'pdu_near_limit', rng, start, 4 * 60_000);
const cap = estate.rackById.get(pdu.rack_id).power_capacity_kw;
const pd = probe(pdu, pdu.end - 1000).rack('power_kw');
ok(pd > 0.9 * cap && pd < cap, `PDU near its limit (${pd} of ${cap} kW)`);
ok(probe(pdu, pdu.end + 10 * 60_000).rack('power_kw') < 0.8 * cap, 'PDU back to normal');
ok(chooseAnomaly(estate, 'pdu_near_limit', prng(1), start, 1000, [pdu]).rack_id !== pdu.rack_id, 'busy racks avoided');

// --- simulated history: one row per series and bucket, aggregating the model at evenly spaced instants
{
  const start = T0 + 5 * HOUR;
  const rows = historyRows(estate, start, HOUR, 3); // the model at :00, :20 and :40
  const at = [0, 20, 40].map((m) => simulateTick(estate, start + m * 60_000, []));
  const valueAt = (tick, rackId, serverId, metric) =>
    tick.byRack.get(rackId).find((x) => (x.server ?? 0) === serverId && x.metric === metric).value;
  // device series (named, labelled) are live only: history rows name servers by id
  const named = (x) => typeof x.server === 'string' || x.labels;
  const live = at[0].byRack.get(racks[0].id);
  ok(live.filter((x) => x.server === 'san-1').length === 5, 'the array reports five metrics');
  ok(live.filter((x) => x.labels?.ifName).length === 2, 'the uplink reports in and out');
  const expected = [...at[0].byRack.values()].reduce((n, samples) => n + samples.filter((x) => !named(x)).length, 0);
  ok(rows.length === expected, `a row per series (${rows.length} of ${expected})`);
  ok(
    rows.every((r) => typeof r[1] === 'number'),
    'history rows name servers by id only',
  );
  for (const [rack, server, metric, step, bucket, count, sum, min, max, last, p95] of rows) {
    const v = at.map((tick) => valueAt(tick, rack, server, metric));
    ok(step === 3600 && bucket === start && count === 3, 'bucket and count');
    ok(Math.abs(sum - (v[0] + v[1] + v[2])) < 1e-9, `${metric} sum`);
    ok(min === Math.min(...v) && max === Math.max(...v) && last === v[2], `${metric} min/max/last`);
    ok(p95 === max, 'p95 of three points is the largest (nearest rank 3 of 3)');
  }
  const minutes = historyRows(estate, start, 60_000, 2);
  ok(
    minutes.every((r) => r[3] === 60 && r[5] === 2),
    '1-minute rows of two points',
  );
  ok(!rows.some((r) => r[1] === 0 && r[2] === 'facility_power_kw'), 'facility meters are not rack rollups');
}

// --- helpers
assert.equal(parseDuration('10s'), 10_000);
assert.equal(parseDuration('5'), 5_000);
assert.equal(parseDuration('1m'), 60_000);
assert.equal(parseDuration('2h'), 7_200_000);
assert.equal(parseDuration('250ms'), 250);
assert.ok(Number.isNaN(parseDuration('soon')));
assert.equal(parseDuration('30d'), 30 * 86_400_000);
assert.equal(formatDuration(125_000), '2m05s');
assert.equal(timeZoneFor('Secaucus, New Jersey, USA'), 'America/New_York');
assert.equal(timeZoneFor('Saint-Denis, Paris, France'), 'Europe/Paris');
assert.equal(timeZoneFor('Jurong, Singapore'), 'Asia/Singapore');
assert.equal(timeZoneFor('Somewhere', 1), 'Europe/Paris');
checks += 11;

console.log(`sim-model: all checks passed (${checks} assertions)`);
