// Cost management through the Worker: tariffs, contracts and budgets as resources (422/404/409/403 problems),
// the summary and breakdown on a hand-costed site, FOCUS CSV, budget alerts through the alerting domain, clearance.
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
import { parseCsv } from '../../worker/platform/http/csv';
import { checkBudgets } from '../../worker/cost/budget-alerts';

let admin: string;
let viewer: string;
let dc: Row;
let rack: Row;
let server: Row;
let vm: Row;
let tariff: Row;

// One day, 2025-03-01 (March: 31 days), of a one-rack site: flat 0.25 per kWh, PUE target 1.5, a 1U server given
// 1000 W, bought 2025-01-01 for 3650 and written off over 1 year (365 days), 31 per U-month, 310 per rack-month.
//   energy   = 24 h × 1 kW × 1.5 × 0.25 = 9; with hour 0 metered at 800 W: (0.8 + 23) × 1.5 × 0.25 = 8.925
//   hardware = 3650 / 365 = 10; space = 1 U × 31 / 31 = 1, rack 310 / 31 = 10
const DAY = 'from=2025-03-01T00:00:00Z&to=2025-03-02T00:00:00Z';

const post = (path: string, json: unknown, token = admin) => api(`/api/cost${path}`, { token, json });
const get = (path: string, token = admin) => api(`/api/cost${path}`, { token });
const tariffBody = (over: Row = {}) => ({
  name: uniqueName('tariff'),
  datacenter_id: dc.id,
  currency: 'eur',
  rate_per_kwh: 0.25,
  space_per_u_month: 31,
  space_per_rack_month: 310,
  amortisation_years: 1,
  ...over,
});

beforeAll(async () => {
  admin = await adminToken();
  viewer = await asRole('viewer', admin);
  dc = await createDatacenter(admin, { pue_target: 1.5 });
  rack = await createRack(admin, { datacenter_id: dc.id });
  server = await createServer(admin, {
    rack_id: rack.id,
    power_supply_w: 1000,
    cpu_cores: 16,
    ram_gb: 64,
    purchase_cost: 3650,
    purchase_date: '2025-01-01',
  });
  const res = await api('/api/vms', {
    token: admin,
    json: {
      name: uniqueName('VM'),
      host_server_id: server.id,
      cpu_cores: 8,
      ram_gb: 32,
      owner: 'team-x',
      tags: ['blue'],
    },
  });
  expect(res.status, res.text).toBe(201);
  vm = res.body;
});

describe('tariffs', () => {
  it('creates one (currency upper-cased), refuses bad fields with 422 naming each, a second one per site with 409', async () => {
    const res = await post('/tariffs', tariffBody());
    expect(res.status, res.text).toBe(201);
    tariff = res.body;
    expect(tariff).toMatchObject({ currency: 'EUR', energy_kind: 'flat', bands: [], datacenter_name: dc.name });

    const bad = expectProblem(
      await post('/tariffs', tariffBody({ currency: 'euro', rate_per_kwh: -1, amortisation_years: 0 })),
      422,
      ['currency', 'rate_per_kwh', 'amortisation_years'],
    );
    expect(bad.errors!.find((e) => e.field === 'currency')!.message).toContain('ISO 4217');
    expectProblem(
      await post(
        '/tariffs',
        tariffBody({
          energy_kind: 'time_of_use',
          bands: [
            { from_hour: 7, to_hour: 19, rate_per_kwh: 0.3 },
            { from_hour: 18, to_hour: 22, rate_per_kwh: 0.2 },
          ],
        }),
      ),
      422,
      ['bands[1].from_hour'],
    );
    expectProblem(await post('/tariffs', tariffBody({ datacenter_id: 999999 })), 422, ['datacenter_id']);
    expectProblem(await post('/tariffs', tariffBody()), 409, ['datacenter_id']);
    expectProblem(await get('/tariffs/999999'), 404);
    expectProblem(await post('/tariffs', tariffBody({ datacenter_id: null }), viewer), 403);
    const list = await get(`/tariffs?datacenter_id=${dc.id}`);
    expect(list.headers.get('X-Total-Count')).toBe('1');
  });
});

describe('summary and breakdown', () => {
  it('costs the day by hand: energy at allocated power, hardware, space', async () => {
    const s = await get(`/summary?${DAY}&datacenter_id=${dc.id}`);
    expect(s.status, s.text).toBe(200);
    expect(s.body.totals).toEqual([
      expect.objectContaining({
        currency: 'EUR',
        energy: 9,
        hardware: 10,
        space: 11,
        licence: 0,
        support: 0,
        total: 30,
        energy_kwh: 36,
        measured_pct: 0,
      }),
    ]);
    expect(s.body.basis).toBe('allocated');
    expect(s.body.sites).toEqual([
      {
        datacenter_id: dc.id,
        datacenter: dc.name,
        tariff: tariff.name,
        currency: 'EUR',
        pue: 1.5,
        pue_basis: 'design target',
      },
    ]);
  });

  it('uses metered power where there is some, and says so', async () => {
    const hour = Date.parse('2025-03-01T00:00:00Z');
    await env.DB.prepare(
      `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
       VALUES (?, ?, 'power_w', '', 3600, ?, 60, 48000, 800, 800, 800, ?, 800)`,
    )
      .bind(rack.id, server.id, hour, hour + 3_599_000)
      .run();
    const s = await get(`/summary?${DAY}&datacenter_id=${dc.id}`);
    // (0.8 + 23) kWh × 1.5 × 0.25 = 8.925 -> 8.93; metered 0.8 of 23.8 kWh = 3.4 %
    expect(s.body.totals[0]).toMatchObject({ energy: 8.93, measured_pct: 3.4, energy_kwh: 35.7 });
    expect(s.body.basis).toBe('mixed');
  });

  it('shares the host among its VMs; owners and tags are the VMs’', async () => {
    // VM: ½(8/16 + 32/64) = 0.5 of the server's 8.925 + 10 + 1 = 19.925 -> 9.9625 (9.96)
    const byVm = await get(`/breakdown?${DAY}&datacenter_id=${dc.id}&by=vm`);
    expect(byVm.status, byVm.text).toBe(200);
    const row = (rows: Row[], label: string) => rows.find((r) => r.label === label);
    expect(row(byVm.body.rows, vm.name)).toMatchObject({ id: vm.id, total: 9.96, currency: 'EUR' });
    // the host's other half and the rack fee: 9.9625 + 10 = 19.96
    expect(row(byVm.body.rows, '(unallocated)')!.total).toBe(19.96);
    expect(row((await get(`/breakdown?${DAY}&datacenter_id=${dc.id}&by=owner`)).body.rows, 'team-x')!.total).toBe(9.96);
    expect(row((await get(`/breakdown?${DAY}&datacenter_id=${dc.id}&by=tag`)).body.rows, 'blue')!.total).toBe(9.96);
    expect(row((await get(`/breakdown?${DAY}&datacenter_id=${dc.id}&by=server`)).body.rows, server.name)!.total).toBe(
      19.93,
    );
    expect(byVm.body.method).toContain('share');
  });

  it('answers 422 naming the bad query fields', async () => {
    expectProblem(await get('/summary?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z'), 422, ['query.to']);
    expectProblem(await get('/breakdown?by=planet'), 422, ['query.by']);
    expectProblem(await get('/history?days=30'), 422, ['query.days']);
    expectProblem(await get('/export/focus?month=2025-13'), 422, ['query.month']);
    expectProblem(await get('/export/focus?month=2999-01'), 422, ['query.month']);
    expectProblem(await get('/summary', ''), 401);
  });

  it('gives a live rate and an hourly history', async () => {
    const r = await get(`/rate?datacenter_id=${dc.id}`);
    expect(r.status, r.text).toBe(200);
    const eur = r.body.rates.find((x: Row) => x.currency === 'EUR');
    // nothing metered lately: 1 kW × 1.5 × 0.25 = 0.375 per hour of energy, plus space (hardware is written off)
    expect(eur.per_hour).toBeGreaterThan(0.375);
    expect(eur.per_month / (24 * r.body.days_in_month)).toBeCloseTo(eur.per_hour, 2);
    expect(r.body.formula).toContain('last 24');
    const h = await get(`/history?days=1&datacenter_id=${dc.id}`);
    expect(h.status, h.text).toBe(200);
    expect(h.body.points.filter((p: Row) => p.currency === 'EUR')).toHaveLength(24);
    expect(h.body.points[0].energy).toBeCloseTo(0.38, 2);
  });
});

// FOCUS 1.0 columns (specification: FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec) and their data types
const FOCUS_1_0: Record<string, 'Decimal' | 'DateTime' | 'String' | 'JSON'> = {
  AvailabilityZone: 'String',
  BilledCost: 'Decimal',
  BillingAccountId: 'String',
  BillingAccountName: 'String',
  BillingCurrency: 'String',
  BillingPeriodEnd: 'DateTime',
  BillingPeriodStart: 'DateTime',
  ChargeCategory: 'String',
  ChargeClass: 'String',
  ChargeDescription: 'String',
  ChargeFrequency: 'String',
  ChargePeriodEnd: 'DateTime',
  ChargePeriodStart: 'DateTime',
  CommitmentDiscountCategory: 'String',
  CommitmentDiscountId: 'String',
  CommitmentDiscountName: 'String',
  CommitmentDiscountStatus: 'String',
  CommitmentDiscountType: 'String',
  ConsumedQuantity: 'Decimal',
  ConsumedUnit: 'String',
  ContractedCost: 'Decimal',
  ContractedUnitPrice: 'Decimal',
  EffectiveCost: 'Decimal',
  InvoiceIssuerName: 'String',
  ListCost: 'Decimal',
  ListUnitPrice: 'Decimal',
  PricingCategory: 'String',
  PricingQuantity: 'Decimal',
  PricingUnit: 'String',
  ProviderName: 'String',
  PublisherName: 'String',
  RegionId: 'String',
  RegionName: 'String',
  ResourceId: 'String',
  ResourceName: 'String',
  ResourceType: 'String',
  ServiceCategory: 'String',
  ServiceName: 'String',
  SkuId: 'String',
  SkuPriceId: 'String',
  SubAccountId: 'String',
  SubAccountName: 'String',
  Tags: 'JSON',
};
const MANDATORY_NOT_NULL = [
  'BilledCost',
  'BillingCurrency',
  'BillingPeriodStart',
  'BillingPeriodEnd',
  'ChargeCategory',
  'ChargePeriodStart',
  'ChargePeriodEnd',
  'EffectiveCost',
  'ListCost',
  'ContractedCost',
  'ProviderName',
  'PublisherName',
  'InvoiceIssuerName',
  'ServiceCategory',
  'ServiceName',
  'BillingAccountId',
  'ChargeDescription',
];

describe('FOCUS export', () => {
  it('writes every FOCUS 1.0 column with values of its type', async () => {
    await post('/contracts', {
      name: uniqueName('support'),
      kind: 'support',
      vendor: 'Acme',
      scope_type: 'server',
      scope_id: server.id,
      currency: 'EUR',
      amount: 310,
      billing: 'monthly',
      starts_on: '2025-03-01',
    });
    const res = await get('/export/focus?month=2025-03');
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain('focus-2025-03.csv');
    const [header, ...records] = parseCsv(res.text);
    for (const col of Object.keys(FOCUS_1_0)) expect(header.cells).toContain(col);
    for (const col of header.cells.filter((c) => !(c in FOCUS_1_0))) expect(col.startsWith('x_')).toBe(true);
    const rows = records.map((r) => Object.fromEntries(header.cells.map((c, i) => [c, r.cells[i]])));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const [col, type] of Object.entries(FOCUS_1_0)) {
        const cell = row[col];
        if (cell === '') continue;
        if (type === 'Decimal') expect(Number.isFinite(Number(cell)), `${col}=${cell}`).toBe(true);
        if (type === 'DateTime') expect(cell, col).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        if (type === 'JSON') expect(typeof JSON.parse(cell)).toBe('object');
      }
      for (const col of MANDATORY_NOT_NULL) expect(row[col], col).not.toBe('');
      expect(['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment']).toContain(row.ChargeCategory);
      expect(['One-Time', 'Recurring', 'Usage-Based']).toContain(row.ChargeFrequency);
      expect(row.BillingPeriodStart).toBe('2025-03-01T00:00:00Z');
      expect(row.BillingPeriodEnd).toBe('2025-04-01T00:00:00Z');
    }
    // our server's hardware for March: 31 days × 10, half to the VM (its share), billed 0 (the purchase was)
    const hw = rows.filter((r) => r.ServiceName === 'Hardware depreciation' && r.x_RackId === String(rack.id));
    expect(hw.map((r) => r.ResourceId).sort()).toEqual([`server/${server.id}`, `vm/${vm.id}`].sort());
    expect(hw.reduce((s, r) => s + Number(r.EffectiveCost), 0)).toBeCloseTo(310, 4);
    expect(hw.every((r) => r.BilledCost === '0')).toBe(true);
    const support = rows.filter((r) => r.ServiceName === 'Support contracts' && r.x_RackId === String(rack.id));
    expect(support.reduce((s, r) => s + Number(r.BilledCost), 0)).toBeCloseTo(310, 4);
    expect(support[0]).toMatchObject({ ChargeCategory: 'Purchase', PublisherName: 'Acme', BillingCurrency: 'EUR' });
    const onVm = rows.find((r) => r.ResourceId === `vm/${vm.id}`)!;
    expect(JSON.parse(onVm.Tags)).toMatchObject({ owner: 'team-x', 'tag:blue': 'blue' });
  });
});

describe('contracts and budgets', () => {
  it('checks the scope: an id for a rack, a value for a tag, a target that exists', async () => {
    const base = { name: uniqueName('b'), amount: 100, currency: 'EUR' };
    expectProblem(await post('/budgets', { ...base, scope_type: 'rack' }), 422, ['scope_id']);
    expectProblem(await post('/budgets', { ...base, scope_type: 'rack', scope_id: 999999 }), 422, ['scope_id']);
    expectProblem(await post('/budgets', { ...base, scope_type: 'tag', scope_id: rack.id }), 422, [
      'scope_id',
      'scope_value',
    ]);
    expectProblem(await post('/budgets', { ...base, amount: 0, currency: 'E' }), 422, ['amount', 'currency']);
    expectProblem(
      await post('/contracts', {
        name: 'x',
        currency: 'EUR',
        amount: 1,
        starts_on: '2025-02-01',
        ends_on: '2025-01-01',
      }),
      422,
      ['ends_on'],
    );
    expectProblem(await get('/budgets/999999'), 404);
    // a rack with a budget cannot be deleted under it
    const b = await post('/budgets', { ...base, scope_type: 'rack', scope_id: rack.id });
    expect(b.status, b.text).toBe(201);
    expect(b.body.scope_name).toBe(rack.name);
    expectProblem(await api(`/api/racks/${rack.id}`, { method: 'DELETE', token: admin }), 409);
    expect((await api(`/api/cost/budgets/${b.body.id}`, { method: 'DELETE', token: admin })).status).toBe(204);
  });

  it('forecasts each budget and alerts through the alerting domain, then resolves', async () => {
    const b = await post('/budgets', {
      name: uniqueName('site budget'),
      scope_type: 'datacenter',
      scope_id: dc.id,
      amount: 0.01,
      currency: 'EUR',
      alert_at_pct: 80,
    });
    expect(b.status, b.text).toBe(201);
    const status = (await get('/budgets/status')).body.find((s: Row) => s.budget_id === b.body.id);
    expect(status).toMatchObject({ state: 'over', alerting: true, scope_name: dc.name, currency: 'EUR' });
    expect(status.forecast).toBeGreaterThanOrEqual(status.actual);
    await checkBudgets(env);
    const alert = await env.DB.prepare(`SELECT * FROM alerts WHERE fingerprint LIKE ? AND status <> 'resolved'`)
      .bind(`budget:${b.body.id}|%`)
      .first<Row>();
    expect(alert).toMatchObject({ severity: 'critical', datacenter_id: dc.id, rule_id: null });
    expect(alert!.message).toContain('is spent');
    await api(`/api/cost/budgets/${b.body.id}`, { method: 'PATCH', token: admin, json: { amount: 1e9 } });
    await checkBudgets(env);
    const after = await env.DB.prepare(`SELECT status FROM alerts WHERE id = ?`).bind(alert!.id).first<Row>();
    expect(after!.status).toBe('resolved');
  });
});

describe('clearance', () => {
  let secret: Row;
  let contract: Row;
  beforeAll(async () => {
    await withStepUp(admin);
    const tsRack = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Top Secret' });
    secret = await createServer(admin, {
      rack_id: tsRack.id,
      power_supply_w: 2000,
      purchase_cost: 3650,
      purchase_date: '2025-01-01',
    });
    const c = await post('/contracts', {
      name: uniqueName('secret support'),
      scope_type: 'server',
      scope_id: secret.id,
      currency: 'EUR',
      amount: 365,
      starts_on: '2025-01-01',
    });
    expect(c.status, c.text).toBe(201);
    contract = c.body;
  });

  it('a viewer without Top Secret clearance sees no cost of Top Secret servers', async () => {
    const mine = (rows: Row[]) => rows.map((r) => r.id);
    const admins = await get(`/breakdown?${DAY}&datacenter_id=${dc.id}&by=server`);
    const viewers = await get(`/breakdown?${DAY}&datacenter_id=${dc.id}&by=server`, viewer);
    expect(mine(admins.body.rows)).toContain(secret.id);
    expect(mine(viewers.body.rows)).not.toContain(secret.id);
    // the secret server's day: 2 kW × 24 h × 1.5 × 0.25 = 18, hardware 10, 1 U = 1, support 365/365 = 1: 30 more
    const total = async (token: string) =>
      (await get(`/summary?${DAY}&datacenter_id=${dc.id}`, token)).body.totals[0].total;
    expect((await total(admin)) - (await total(viewer))).toBeCloseTo(30 + 10, 1); // and its rack's 310/31 = 10
    expectProblem(await get(`/contracts/${contract.id}`, viewer), 404);
    expect(mine((await get('/contracts', viewer)).body)).not.toContain(contract.id);
    const csv = (await get('/export/focus?month=2025-03', viewer)).text;
    expect(csv).not.toContain(`server/${secret.id},`);
    // nor may they point a budget at it
    expectProblem(
      await post(
        '/budgets',
        { name: 'peek', scope_type: 'server', scope_id: secret.id, amount: 1, currency: 'EUR' },
        await asRole('operator', admin),
      ),
      422,
      ['scope_id'],
    );
  });
});
