// TCO and cost recommendations through the Worker: the estate's generations as starting points, a scenario
// worked out (422 naming each bad field), recommendations priced from a hand-costed site, clearance.
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
  uniqueName,
  withStepUp,
  type Row,
} from '../helpers';

let admin: string;
let viewer: string;
let dc: Row;
let rack: Row;
let old1: Row;
let old2: Row;
let vm1: Row;
let oldModel: string;
let newModel: string;
let secretModel: string;
const HOUR = 3_600_000;

const get = (path: string, token = admin) => api(`/api/cost${path}`, { token });
const post = (path: string, json: unknown, token = admin) => api(`/api/cost${path}`, { token, json });

async function vm(host: number, cpu: number, ram: number) {
  const r = await api('/api/vms', {
    token: admin,
    json: { name: uniqueName('tco-vm'), host_server_id: host, cpu_cores: cpu, ram_gb: ram },
  });
  expect(r.status, r.text).toBe(201);
  return r.body as Row;
}

// A site priced at 0.20 per kWh flat, PUE target 1.5, 10 per U-month, hardware written off over 3 years: two
// 1U 16-core "old" servers given 400 W (bought 2018, written off), one 48-core "new" one given 350 W bought
// this year for 5000. Old host 1 carries an 8 vCPU / 16 GB VM, old host 2 a 2 vCPU / 4 GB one.
beforeAll(async () => {
  admin = await adminToken();
  viewer = await asRole('viewer', admin);
  dc = await createDatacenter(admin, { pue_target: 1.5 });
  rack = await createRack(admin, { datacenter_id: dc.id });
  oldModel = uniqueName('OldGen');
  newModel = uniqueName('NewGen');
  const server = (u: number, over: Row) =>
    createServer(admin, { rack_id: rack.id, u_position: u, u_size: 1, manufacturer: 'Acme', ...over });
  const old = {
    model: oldModel,
    power_supply_w: 400,
    cpu_cores: 16,
    ram_gb: 64,
    purchase_cost: 4000,
    purchase_date: '2018-01-01',
  };
  old1 = await server(1, old);
  old2 = await server(2, old);
  const thisYear = `${new Date().getUTCFullYear()}-01-01`;
  await server(3, {
    model: newModel,
    power_supply_w: 350,
    cpu_cores: 48,
    ram_gb: 256,
    purchase_cost: 5000,
    purchase_date: thisYear,
  });
  const t = await post('/tariffs', {
    name: uniqueName('tco tariff'),
    datacenter_id: dc.id,
    currency: 'EUR',
    rate_per_kwh: 0.2,
    space_per_u_month: 10,
    amortisation_years: 3,
  });
  expect(t.status, t.text).toBe(201);
  vm1 = await vm(old1.id, 8, 16);
  await vm(old2.id, 2, 4);
  // 48 hours of host 1's CPU (p95 5 %) and memory (p95 10 %), ending an hour ago
  const end = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  for (let h = 0; h < 48; h++) {
    for (const [metric, p95] of [
      ['cpu_pct', 5],
      ['mem_pct', 10],
    ] as const) {
      await env.DB.prepare(
        `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
         VALUES (?, ?, ?, '', 3600, ?, 60, ?, 1, ?, 1, ?, ?)`,
      )
        .bind(rack.id, old1.id, metric, end - h * HOUR, 60 * p95 * 0.8, p95, end - h * HOUR + 3_599_000, p95)
        .run();
    }
  }
});

describe('TCO fleet', () => {
  it('groups the site’s servers by model with their age, power and write-off, and suggests the newest as refresh', async () => {
    const res = await get(`/tco/fleet?datacenter_id=${dc.id}`);
    expect(res.status, res.text).toBe(200);
    const old = res.body.groups.find((g: Row) => g.model === oldModel);
    expect(old).toMatchObject({
      label: `Acme ${oldModel} · ${dc.name}`,
      count: 2,
      server_ids: [old1.id, old2.id],
      u_per_server: 1,
      cpu_cores: 16,
      nameplate_w: 400,
      power_w: 400,
      power_basis: 'nameplate',
      past_write_off: 2,
      write_off_years: 3,
      currency: 'EUR',
      price_per_kwh: 0.2,
      pue: 1.5,
      pue_basis: 'design target',
      space_per_u_month: 10,
    });
    expect(old.age_years).toBeGreaterThan(7);
    // 48 cores against 16: one new server for three old ones
    expect(old.refresh).toMatchObject({
      from_group: `Acme ${newModel} · ${dc.name}`,
      new_price: 5000,
      new_power_w: 350,
      consolidation_ratio: 3,
    });
  });
});

describe('TCO scenario', () => {
  const body = {
    horizon_years: 5,
    count: 10,
    power_w: 400,
    age_years: 6,
    support_per_year: 500,
    u_per_server: 1,
    new_price: 5000,
    new_power_w: 350,
    consolidation_ratio: 1.5,
    new_support_per_year: 300,
    new_u_per_server: 1,
    price_per_kwh: 0.2,
    pue: 1.5,
    space_per_u_month: 10,
    residual_value: 200,
    currency: 'eur',
  };

  it('refuses bad fields with 422 naming each', async () => {
    const { count: _c, ...noCount } = body;
    const p = expectProblem(await post('/tco', { ...noCount, horizon_years: 7, pue: 0.5 }), 422);
    expect((p.errors ?? []).map((e) => e.field).sort()).toEqual(['count', 'horizon_years', 'pue']);
  });

  it('works out the hand-checked scenario (tests/unit/cost-tco.test.ts)', async () => {
    const res = await post('/tco', body);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      currency: 'EUR',
      new_count: 7,
      net_capex: 33_000,
      running_saving_per_year: 7333.4,
      break_even_years: 4.5,
      break_even_year: 5,
    });
    expect(res.body.years[5].keep.cumulative).toBe(83_560);
    expect(res.body.years[5].refresh.cumulative).toBe(79_893);
  });

  it('is a read: a viewer may work one out', async () => {
    expect((await post('/tco', body, viewer)).status).toBe(200);
  });
});

describe('recommendations', () => {
  it('sizes the idle host’s VM down, packs the site and refreshes the written-off generation, each with evidence', async () => {
    const res = await get(`/recommendations?datacenter_id=${dc.id}`);
    expect(res.status, res.text).toBe(200);
    const recs: Row[] = res.body.recommendations;
    // host 1: CPU 5 % of 16 = 0.8 × 1.25 = 1 vCPU (< 8); memory 10 % of 64 = 6.4 × 1.25 = 8 GB (< 16)
    const right = recs.find((r) => r.kind === 'right_size' && r.target.id === vm1.id);
    expect(right, JSON.stringify(recs)).toBeDefined();
    expect(right!.evidence).toContainEqual({ label: 'vCPU', value: '8 → 1' });
    expect(right!.evidence).toContainEqual({ label: 'Memory', value: '16 → 8 GB' });
    expect(right!.saving.currency).toBe('EUR');
    expect(right!.saving.per_year).toBeGreaterThan(0);
    expect(right!.measured.length).toBeGreaterThan(0);
    expect(right!.assumed.length).toBeGreaterThan(0);
    // the other host was never metered: not assessed, and said so
    expect(recs.some((r) => r.kind === 'right_size' && r.target.id !== vm1.id)).toBe(false);
    expect(res.body.notes.join(' ')).toMatch(/1 VM not assessed/);

    // both VMs fit one host: the solver frees the other
    const pack = recs.find((r) => r.kind === 'consolidate');
    expect(pack).toMatchObject({
      datacenter_id: dc.id,
      action: { label: 'Make the placement plan', href: `/optimisation?datacenter_id=${dc.id}&goal=pack` },
    });
    expect(pack!.evidence).toContainEqual({ label: 'Hosts in use', value: '2 → 1' });
    expect(pack!.saving.per_month).toBeGreaterThan(0);

    // 2 old servers, 1 new one (3 to 1): keep 2 × 400 W × 8760 h × 1.5 / 1000 × 0.2 = 2102.40 + space 2 × 10 × 12
    // = 240 → 2342.40 a year; refresh 350 W → 919.80 + 120 = 1039.80; saving 1302.60 a year; 5000 / 1302.60 =
    // 3.84 years to break even, within 5
    const refresh = recs.find((r) => r.kind === 'refresh' && r.target.name.includes(oldModel));
    expect(refresh).toMatchObject({
      saving: { currency: 'EUR', per_year: 1302.6, per_month: 108.55 },
      upfront: 5000,
    });
    expect(refresh!.evidence).toContainEqual({ label: 'Break-even', value: '3.84 years (horizon 5)' });
    expect(res.body.totals[0].currency).toBe('EUR');
  });

  it('says a site without a tariff cannot be priced', async () => {
    const defaults = (await get('/tariffs')).body.filter((t: Row) => t.datacenter_id === null);
    if (defaults.length) return; // an estate-wide tariff prices every site
    const bare = await createDatacenter(admin);
    const r2 = await createRack(admin, { datacenter_id: bare.id });
    const h1 = await createServer(admin, { rack_id: r2.id, u_position: 1, cpu_cores: 16, ram_gb: 64 });
    const h2 = await createServer(admin, { rack_id: r2.id, u_position: 2, cpu_cores: 16, ram_gb: 64 });
    await vm(h1.id, 2, 4);
    await vm(h2.id, 2, 4);
    const res = await get(`/recommendations?datacenter_id=${bare.id}`);
    const pack = res.body.recommendations.find((r: Row) => r.kind === 'consolidate');
    expect(pack).toMatchObject({ saving: null, needs: `a tariff for ${bare.name} to price the freed hosts` });
    expect(res.body.notes.join(' ')).toMatch(/no tariff/);
  });
});

describe('clearance', () => {
  it('a viewer without Top Secret clearance sees no generation of Top Secret servers', async () => {
    await withStepUp(admin);
    secretModel = uniqueName('SecretGen');
    const tsRack = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Top Secret' });
    await createServer(admin, { rack_id: tsRack.id, u_position: 1, manufacturer: 'Acme', model: secretModel });
    const models = async (token: string) =>
      (await get(`/tco/fleet?datacenter_id=${dc.id}`, token)).body.groups.map((g: Row) => g.model);
    expect(await models(admin)).toContain(secretModel);
    expect(await models(viewer)).not.toContain(secretModel);
  });
});

describe('workloads', () => {
  it('a container workload takes its share of its cluster’s nodes in the breakdown', async () => {
    // a 48-core, 256 GB node of its own (the new server bought this year): workload w takes 2 × 6000m = 12 cores
    // and 2 × 32 GB = 64 GB: (12/48 + 64/256) / 2 = 0.25 of the node's costs
    const node = await createServer(admin, {
      rack_id: rack.id,
      u_position: 10,
      power_supply_w: 500,
      cpu_cores: 48,
      ram_gb: 256,
    });
    const cl = await api('/api/clusters', {
      token: admin,
      json: { name: uniqueName('tco-k8s'), kind: 'kubernetes', datacenter_id: dc.id },
    });
    expect(cl.status, cl.text).toBe(201);
    const n = await api('/api/cluster-nodes', { token: admin, json: { cluster_id: cl.body.id, server_id: node.id } });
    expect(n.status, n.text).toBe(201);
    const w = await api('/api/containers', {
      token: admin,
      json: {
        cluster_id: cl.body.id,
        name: 'shop',
        namespace: 'web',
        image: 'nginx:1.27',
        replicas_desired: 2,
        cpu_request_m: 6000,
        memory_request_mb: 32 * 1024,
      },
    });
    expect(w.status, w.text).toBe(201);
    const byServer = await get(`/breakdown?by=server&datacenter_id=${dc.id}`);
    const byWorkload = await get(`/breakdown?by=workload&datacenter_id=${dc.id}`);
    expect(byWorkload.status, byWorkload.text).toBe(200);
    const nodeTotal = byServer.body.rows.find((r: Row) => r.id === node.id).total;
    const shop = byWorkload.body.rows.find((r: Row) => r.id === w.body.id);
    expect(shop.label).toBe('web/shop');
    expect(shop.total).toBeGreaterThan(0);
    expect(shop.total).toBeCloseTo(nodeTotal * 0.25, 1);
    expect(byWorkload.body.method).toMatch(/container workload/);
  });
});
