// Power and cooling recommendations through the Worker, on a hand-built site with hand-written hourly rollups:
// an idle server (and what powering it down saves, priced by the cost domain), a partly measured one (not
// guessed), power caps, the PUE trend and its driver, hot/overcooled racks, the room's spread, a setpoint raise with
// its cited rule, a VM to move off the hot rack, 404/422 problems, and clearance (a hidden rack never shows).
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  adminToken,
  api,
  asRole,
  createDatacenter,
  createRack,
  createServer,
  expectProblem,
  type Row,
} from '../helpers';

const H = 3_600_000;
const now = Date.now();
/** the end of the window: the last complete hour */
const top = Math.floor(now / H) * H;
/** the start of the `k`-th complete hour back (1: the last one) */
const hourBack = (k: number) => top - k * H;

let admin: string;
let viewer: string;
let dc: Row, dc2: Row;
let rackA: Row, rackB: Row, rackHot: Row, rackSecret: Row;
let idle: Row, idleHost: Row, busy: Row, partial: Row, hotHost: Row, coolHost: Row;
let hotVm: Row;

/** hourly rollup rows, [rack, server, metric, bucket, count, mean, max, p95] */
async function rollups(rows: [number, number, string, number, number, number, number, number][]) {
  const json = rows.map(([rack, server, metric, ts, count, mean, max, p95]) => [
    rack,
    server,
    metric,
    ts,
    count,
    count * mean,
    Math.min(mean, p95),
    max,
    mean,
    p95,
  ]);
  for (let i = 0; i < json.length; i += 2000)
    await env.DB.prepare(
      `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
       SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, '', 3600, j.value ->> 3, j.value ->> 4, j.value ->> 5,
              j.value ->> 6, j.value ->> 7, j.value ->> 8, (j.value ->> 3) + 3599000, j.value ->> 9
         FROM json_each(?) AS j WHERE true`,
    )
      .bind(JSON.stringify(json.slice(i, i + 2000)))
      .run();
}

/** `hours` of a site's PUE, the oldest first: [facility kW, IT kW] per hour */
async function pueHours(dcId: number, from: number, hours: number, facility: number, it: number) {
  const rows = Array.from({ length: hours }, (_, i) => [dcId, hourBack(from - i), 6, 6 * facility, 6 * it]);
  await env.DB.prepare(
    `INSERT INTO pue_rollups (datacenter_id, bucket_start, count, facility_sum, it_sum, pue_min, pue_max)
     SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, 1.0, 3.0 FROM json_each(?) AS j WHERE true`,
  )
    .bind(JSON.stringify(rows))
    .run();
}

const week = (n = 168) => Array.from({ length: n }, (_, i) => hourBack(i + 1));
const day = () => week(24);

beforeAll(async () => {
  admin = await adminToken();
  viewer = await asRole('viewer', admin);
  dc = await createDatacenter(admin, { pue_target: 1.3 });
  dc2 = await createDatacenter(admin);
  rackA = await createRack(admin, { datacenter_id: dc.id, name: 'EFF-A01', security_zone: 'Internal' });
  rackB = await createRack(admin, { datacenter_id: dc.id, name: 'EFF-B01', security_zone: 'Internal' });
  rackHot = await createRack(admin, { datacenter_id: dc.id, name: 'EFF-H01', security_zone: 'Internal' });
  rackSecret = await createRack(admin, { datacenter_id: dc.id, name: 'EFF-S01', security_zone: 'Confidential' });
  const srv = (rack: Row, u: number, over: Row = {}) =>
    createServer(admin, { rack_id: rack.id, u_position: u, cpu_cores: 32, ram_gb: 128, storage_tb: 4, ...over });
  idle = await srv(rackA, 1, { power_supply_w: 750 });
  idleHost = await srv(rackA, 3, { power_supply_w: 750 });
  busy = await srv(rackA, 5, { power_supply_w: 1000 });
  partial = await srv(rackA, 7);
  hotHost = await srv(rackHot, 1, { power_supply_w: 500 });
  coolHost = await srv(rackB, 1, { power_supply_w: 500 });
  const vm = async (host: Row, name: string, status: string, cpu = 2) => {
    const res = await api('/api/vms', {
      token: admin,
      json: { name, host_server_id: host.id, cpu_cores: cpu, ram_gb: 4, status },
    });
    expect(res.status, res.text).toBe(201);
    return res.body;
  };
  await vm(idleHost, 'eff-parked', 'stopped');
  hotVm = await vm(hotHost, 'eff-hot-app', 'running', 4);
  await vm(coolHost, 'eff-cool-app', 'running');
  const tariff = await api('/api/cost/tariffs', {
    token: admin,
    json: { name: 'eff grid', datacenter_id: dc.id, currency: 'EUR', rate_per_kwh: 0.2, amortisation_years: 5 },
  });
  expect(tariff.status, tariff.text).toBe(201);

  const rows: Parameters<typeof rollups>[0] = [];
  for (const ts of week()) {
    // idle: 2 % CPU (busiest sample 3 %), 150 W; the parked host: 1 %, 120 W; busy: 40 %, peaking at 300 W
    rows.push(
      [rackA.id, idle.id, 'cpu_pct', ts, 360, 2, 3, 2.5],
      [rackA.id, idle.id, 'power_w', ts, 360, 150, 160, 155],
    );
    rows.push([rackA.id, idleHost.id, 'cpu_pct', ts, 360, 1, 2, 1.5]);
    rows.push([rackA.id, idleHost.id, 'power_w', ts, 360, 120, 130, 125]);
    rows.push(
      [rackA.id, busy.id, 'cpu_pct', ts, 360, 40, 90, 70],
      [rackA.id, busy.id, 'power_w', ts, 360, 250, 300, 280],
    );
  }
  // partial: under 5 % too, but only for the last 100 hours
  for (const ts of week(100)) rows.push([rackA.id, partial.id, 'cpu_pct', ts, 360, 2, 3, 2.5]);
  day().forEach((ts, i) => {
    rows.push([rackA.id, 0, 'inlet_temp_c', ts, 360, 24, 24.5, 24.3]);
    rows.push([rackB.id, 0, 'inlet_temp_c', ts, 360, 19.5, 20, 19.8]);
    // the hot rack: 28 °C in the last 3 hours, 26 °C before
    rows.push([rackHot.id, 0, 'inlet_temp_c', ts, 360, i < 3 ? 28 : 26, i < 3 ? 28.6 : 26.4, i < 3 ? 28.4 : 26.2]);
    rows.push([rackSecret.id, 0, 'inlet_temp_c', ts, 360, 31, 32, 31.5]);
  });
  await rollups(rows);
  // PUE: the week before 1.5 (IT 100 kW, facility 150), this week 1.4 (IT 100, facility 140)
  await pueHours(dc.id, 336, 168, 150, 100);
  await pueHours(dc.id, 168, 168, 140, 100);

  // a second site, cool all over, no tariff: 22 and 23.8 °C racks, 20 kW of overhead on 50 kW of IT
  const r1 = await createRack(admin, { datacenter_id: dc2.id, name: 'EFF2-A01' });
  const r2 = await createRack(admin, { datacenter_id: dc2.id, name: 'EFF2-A02' });
  const more: Parameters<typeof rollups>[0] = [];
  for (const ts of day()) {
    more.push([r1.id, 0, 'inlet_temp_c', ts, 360, 22, 22.4, 22.2], [r2.id, 0, 'inlet_temp_c', ts, 360, 23.8, 24, 23.9]);
  }
  await rollups(more);
  await pueHours(dc2.id, 168, 168, 70, 50);
});

const get = (path: string, token = admin) => api(`/api/efficiency${path}`, { token });

describe('power efficiency', () => {
  let body: Row;
  beforeAll(async () => {
    const res = await get(`/recommendations?datacenter_id=${dc.id}`);
    expect(res.status, res.text).toBe(200);
    body = res.body;
  });

  it('finds the idle server, with its evidence and its saving priced by the cost domain', () => {
    expect(body.window).toEqual({
      from: new Date(top - 168 * H).toISOString(),
      to: new Date(top).toISOString(),
      hours: 168,
    });
    expect(body.pricing).toMatchObject({
      pue: 1.4,
      pue_basis: 'measured',
      tariff: 'eff grid',
      currency: 'EUR',
      note: null,
    });
    const s = body.idle.servers.find((x: Row) => x.server_id === idle.id);
    // 150 W × 24 h × 365 = 1314 kWh IT; × PUE 1.4 = 1839.6 kWh; × 0.20 = 367.92 EUR
    expect(s).toMatchObject({
      action: 'power_down',
      vm_count: 0,
      rack: 'EFF-A01',
      evidence: {
        hours: 168,
        hours_expected: 168,
        samples: 60_480,
        mean_cpu_pct: 2,
        max_hourly_cpu_pct: 2,
        peak_cpu_pct: 3,
        mean_power_w: 150,
        power_hours: 168,
      },
      saving: { it_kwh_year: 1314, facility_kwh_year: 1839.6, cost_year: 367.92, currency: 'EUR' },
    });
    expect(s.text).toContain('1,840 kWh');
  });

  it('a host with VMs is to be consolidated first; a busy server is not idle', () => {
    // 120 W: 1051.2 kWh IT × 1.4 = 1471.68 kWh; × 0.2 = 294.34
    expect(body.idle.servers.find((x: Row) => x.server_id === idleHost.id)).toMatchObject({
      action: 'consolidate',
      vm_count: 1,
      saving: { facility_kwh_year: 1471.7, cost_year: 294.34 },
    });
    expect(body.idle.servers.map((x: Row) => x.server_id)).not.toContain(busy.id);
    // the bigger saving first
    expect(body.idle.servers[0].server_id).toBe(idle.id);
  });

  it('says a partly measured server has too little data instead of guessing', () => {
    expect(body.idle.servers.map((x: Row) => x.server_id)).not.toContain(partial.id);
    const p = body.idle.insufficient.find((x: Row) => x.server_id === partial.id);
    expect(p).toMatchObject({ hours: 100, hours_expected: 168 });
    expect(p.reason).toContain('100 of 168 hours');
  });

  it('suggests power caps from measured peaks against the nameplate', () => {
    // busy: peak 300 W of 1000 → cap 330 W, 670 W back; idle: 160 of 750 → 180, 570 back
    const busyCap = body.capping.servers.find((x: Row) => x.server_id === busy.id);
    expect(busyCap).toMatchObject({ nameplate_w: 1000, peak_w: 300, p95_w: 280, cap_w: 330, freed_w: 670, hours: 168 });
    expect(busyCap.text).toContain('no energy saving is claimed');
    expect(body.capping.servers.find((x: Row) => x.server_id === idle.id)).toMatchObject({ cap_w: 180, freed_w: 570 });
    expect(body.capping.servers[0].server_id).toBe(busy.id);
  });

  it('shows the PUE trend and blames the overhead for its change', () => {
    expect(body.pue.recent).toMatchObject({ hours: 168, pue: 1.4, it_kw: 100, overhead_kw: 40 });
    expect(body.pue.previous).toMatchObject({ hours: 168, pue: 1.5, overhead_kw: 50 });
    // overhead 50 → 40 kW on the same 100 kW of IT: −0.1, all of it overhead
    expect(body.pue.drivers).toMatchObject({
      delta_pue: -0.1,
      overhead_effect: -0.1,
      it_effect: 0,
      main_driver: 'overhead',
    });
    expect(body.pue.days.length).toBeGreaterThanOrEqual(14);
    // 140 − 100 × 1.3 = 10 kW over the target: 87 600 kWh a year, × 0.20 = 17 520 EUR
    expect(body.pue.excess).toMatchObject({ overhead_kw: 10, kwh_year: 87_600, cost_year: 17_520, currency: 'EUR' });
  });

  it('without a tariff, shows kWh and says the cost needs one', async () => {
    const res = await get(`/recommendations?datacenter_id=${dc2.id}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.pricing).toMatchObject({ tariff: null, currency: null });
    expect(res.body.pricing.note).toContain('kWh only');
  });
});

describe('cooling', () => {
  let body: Row;
  beforeAll(async () => {
    // as a viewer of Internal clearance: the Confidential rack is not theirs (see the last test)
    const res = await get(`/cooling?datacenter_id=${dc.id}`, viewer);
    expect(res.status, res.text).toBe(200);
    body = res.body;
  });
  const rack = (b: Row, id: number) => b.racks.find((r: Row) => r.rack_id === id);

  it('classifies each rack against 18–27 °C, with its evidence', () => {
    expect(body.envelope).toMatchObject({ min_c: 18, max_c: 27 });
    // the hot rack: (21 × 26 + 3 × 28) / 24 = 26.25 °C mean, 3 hours above, 8640 samples
    expect(rack(body, rackHot.id)).toMatchObject({
      status: 'hot',
      source: 'rack sensor',
      hours: 24,
      samples: 8640,
      mean_c: 26.25,
      max_c: 28,
      latest_c: 28,
      peak_c: 28.6,
      hours_above: 3,
    });
    expect(rack(body, rackA.id)).toMatchObject({ status: 'ok', mean_c: 24 });
    expect(rack(body, rackB.id)).toMatchObject({ status: 'ok', mean_c: 19.5 });
    expect(body.summary).toMatchObject({ hot: 1, measured: 3, racks: 3 });
  });

  it('measures the room’s spread: 26.25 − 19.5 = 6.75 °C, over the 5 °C threshold', () => {
    expect(body.room).toMatchObject({
      coldest: { rack_id: rackB.id, mean_c: 19.5 },
      hottest: { rack_id: rackHot.id, mean_c: 26.25 },
      spread_c: 6.75,
      imbalanced: true,
    });
  });

  it('does not raise the setpoint over a hot spot', () => {
    expect(body.setpoint).toMatchObject({ recommended: false, hottest_rack_id: rackHot.id, hottest_c: 28, raise_c: 0 });
    expect(body.setpoint.text).toContain('fix the hot spot');
  });

  it('suggests moving the hot rack’s VM to an allowed host in the coolest rack', () => {
    expect(body.moves).toHaveLength(1);
    expect(body.moves[0]).toMatchObject({
      rack_id: rackHot.id,
      vm_id: hotVm.id,
      from_server_id: hotHost.id,
      to_server_id: coolHost.id,
      to_rack_id: rackB.id,
      to_rack_mean_c: 19.5,
      vcpu: 4,
    });
  });

  it('raises the setpoint where there is headroom, with the rule stated and cited', async () => {
    const res = await get(`/cooling?datacenter_id=${dc2.id}&hours=24`);
    expect(res.status, res.text).toBe(200);
    // hottest 23.8 °C: 3.2 °C of headroom − 1 °C margin = 2.2 → 2 °C; 20 kW overhead × 8 % (4 % × 2) × 8760 h
    //   = 14 016 kWh a year; 4 % → 7008, 10 % → 17 520; no tariff: no cost
    expect(res.body.setpoint).toMatchObject({
      recommended: true,
      hottest_c: 23.8,
      headroom_c: 3.2,
      raise_c: 2,
      saving: {
        overhead_kw: 20,
        kwh_year: 14_016,
        kwh_year_low: 7008,
        kwh_year_high: 17_520,
        cost_year: null,
        currency: null,
      },
    });
    expect(res.body.setpoint.text).toContain('the cost needs a tariff');
    expect(res.body.rule).toMatchObject({ pct_per_c: 4, low_pct_per_c: 2, high_pct_per_c: 5 });
    expect(res.body.rule.sources[0].url).toContain('energystar.gov');
    expect(res.body.room.imbalanced).toBe(false);
  });
});

describe('problems and clearance', () => {
  it('404 for a datacenter that does not exist, 422 for a bad query, 401 without a token', async () => {
    expectProblem(await get('/recommendations?datacenter_id=999999'), 404);
    expectProblem(await get(`/cooling?datacenter_id=999999`), 404);
    expectProblem(await get(`/cooling?datacenter_id=${dc.id}&hours=0`), 422, ['query.hours']);
    expectProblem(await get(`/cooling?datacenter_id=${dc.id}&hours=500`), 422, ['query.hours']);
    expectProblem(await get('/recommendations'), 422, ['query.datacenter_id']);
    expect((await api(`/api/efficiency/cooling?datacenter_id=${dc.id}`)).status).toBe(401);
  });

  it('a rack above the caller’s clearance is nowhere: not in the racks, the spread or the setpoint', async () => {
    const mine = await get(`/cooling?datacenter_id=${dc.id}`, admin);
    expect(mine.body.racks.map((r: Row) => r.rack_id)).toContain(rackSecret.id);
    const theirs = await get(`/cooling?datacenter_id=${dc.id}`, viewer);
    expect(theirs.status, theirs.text).toBe(200);
    expect(theirs.body.racks.map((r: Row) => r.rack_id)).not.toContain(rackSecret.id);
    expect(JSON.stringify(theirs.body)).not.toContain('EFF-S01');
    expect(theirs.body.setpoint.hottest_rack_id).toBe(rackHot.id);
  });
});
