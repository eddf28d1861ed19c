// Cost arithmetic on a small estate, every figure worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { amortised, bookValue, yearlyCharges } from '../../worker/cost/amortisation';
import { energyCost, rateAt, type EnergyTariff } from '../../worker/cost/energy';
import { guestShares } from '../../worker/cost/allocation';
import { costLines, type Estate, type TariffIn } from '../../worker/cost/model';
import { addUp, allocateToVms, breakdown, UNALLOCATED } from '../../worker/cost/breakdown';
import { budgetStatus, type BudgetIn } from '../../worker/cost/budget';
import { addMonths, hoursByHourOfDay, periodOf, spread } from '../../worker/cost/time';
import { tariffErrors, scopeErrors } from '../../worker/cost/rules';
import { FOCUS_COLUMNS, focusRow } from '../../worker/cost/focus';

const T = (s: string) => Date.parse(s);

describe('time', () => {
  it('counts the hours of a window per UTC hour of day, partial hours as fractions', () => {
    // 00:30 to 02:15: half of hour 0, all of hour 1, a quarter of hour 2
    const h = hoursByHourOfDay({ from: T('2025-03-01T00:30:00Z'), to: T('2025-03-01T02:15:00Z') });
    expect(h.slice(0, 3)).toEqual([0.5, 1, 0.25]);
    expect(h.slice(3).every((x) => x === 0)).toBe(true);
    // two whole days: 2 of each hour
    expect(hoursByHourOfDay({ from: T('2025-03-01T00:00:00Z'), to: T('2025-03-03T00:00:00Z') })).toEqual(
      new Array(24).fill(2),
    );
  });

  it('moves by calendar months, clamping to the month’s last day', () => {
    expect(new Date(addMonths(T('2025-01-31T00:00:00Z'), 1)).toISOString()).toBe('2025-02-28T00:00:00.000Z');
    expect(new Date(addMonths(T('2024-01-31T00:00:00Z'), 1)).toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('spreads a period’s amount evenly over its time', () => {
    // 310 a month over March (31 days): 10 a day; 5 days from March 10 = 50
    const perMonth = spread(T('2025-01-01T00:00:00Z'), 1, () => 310, {
      from: T('2025-03-10T00:00:00Z'),
      to: T('2025-03-15T00:00:00Z'),
    });
    expect(perMonth).toBeCloseTo(50, 9);
    // 365 a year from 2025-01-01 (365 days): 1 a day; 2024-12-30 to 2025-01-03 counts only the 2 days from the start
    const perYear = spread(T('2025-01-01T00:00:00Z'), 12, () => 365, {
      from: T('2024-12-30T00:00:00Z'),
      to: T('2025-01-03T00:00:00Z'),
    });
    expect(perYear).toBeCloseTo(2, 9);
    // a contract ending on March 3 charges March 1-2 only: 2 × 10 = 20
    const ended = spread(
      T('2025-03-01T00:00:00Z'),
      1,
      () => 310,
      { from: T('2025-03-01T00:00:00Z'), to: T('2025-04-01T00:00:00Z') },
      T('2025-03-03T00:00:00Z'),
    );
    expect(ended).toBeCloseTo(20, 9);
  });

  it('finds the calendar period of an instant', () => {
    const q = periodOf(T('2025-05-17T12:00:00Z'), 'quarter');
    expect([new Date(q.from).toISOString(), new Date(q.to).toISOString()]).toEqual([
      '2025-04-01T00:00:00.000Z',
      '2025-07-01T00:00:00.000Z',
    ]);
  });
});

describe('amortisation', () => {
  it('writes off straight-line: cost / years each year', () => {
    expect(yearlyCharges(6000, { method: 'straight_line', years: 5, declining_factor: null })).toEqual([
      1200, 1200, 1200, 1200, 1200,
    ]);
  });

  it('writes off declining-balance, switching to straight line so the asset is gone at the end', () => {
    // 12000 over 3 years at 2/3 a year: year 1 = 12000 × 2/3 = 8000 (book 4000); year 2 = 4000 × 2/3 = 2666.67
    // (straight line over 2 years would be 2000: smaller), book 1333.33; year 3 = 1333.33 × 2/3 = 888.89 < the
    // 1333.33 left over 1 year: straight line wins, book 0. Sum 12000.
    const c = yearlyCharges(12000, { method: 'declining_balance', years: 3, declining_factor: 2 });
    expect(c[0]).toBeCloseTo(8000, 9);
    expect(c[1]).toBeCloseTo(2666.6667, 3);
    expect(c[2]).toBeCloseTo(1333.3333, 3);
    expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(12000, 9);
  });

  it('charges a window its share of the asset year, nothing after the last year', () => {
    const p = { method: 'straight_line' as const, years: 5, declining_factor: null };
    const bought = T('2024-03-01T00:00:00Z');
    // asset year 2 runs 2025-03-01 to 2026-03-01 (365 days): one day = 1200 / 365 = 3.2877
    expect(amortised(6000, bought, p, { from: T('2025-03-01T00:00:00Z'), to: T('2025-03-02T00:00:00Z') })).toBeCloseTo(
      1200 / 365,
      9,
    );
    expect(amortised(6000, bought, p, { from: T('2029-03-01T00:00:00Z'), to: T('2030-03-01T00:00:00Z') })).toBe(0);
    // book value after exactly 2 years: 6000 - 2 × 1200 = 3600
    expect(bookValue(6000, bought, p, T('2026-03-01T00:00:00Z'))).toBeCloseTo(3600, 6);
  });
});

describe('energy', () => {
  const tou: EnergyTariff = {
    energy_kind: 'time_of_use',
    rate_per_kwh: 0.2,
    bands: [{ from_hour: 8, to_hour: 20, rate_per_kwh: 0.3 }],
    utc_offset_hours: 1,
  };
  it('prices each UTC hour by its local band', () => {
    // UTC+1: local 08-20 is UTC 07-19
    expect(rateAt(tou, 6)).toBe(0.2);
    expect(rateAt(tou, 7)).toBe(0.3);
    expect(rateAt(tou, 18)).toBe(0.3);
    expect(rateAt(tou, 19)).toBe(0.2);
    // UTC 23 is local 0
    expect(rateAt({ ...tou, utc_offset_hours: -23 + 24 }, 23)).toBe(0.2);
  });
  it('costs kWh × PUE × the hour’s price', () => {
    // 1 kWh at UTC 3 (0.20) and 1 kWh at UTC 12 (0.30), PUE 1.5: 1.5 × (0.2 + 0.3) = 0.75
    const wh = new Array(24).fill(0);
    wh[3] = 1000;
    wh[12] = 1000;
    expect(energyCost(wh, 1.5, tou)).toBeCloseTo(0.75, 12);
  });
  it('refuses overlapping or inverted bands and bands on a flat tariff', () => {
    const errs = tariffErrors({
      energy_kind: 'time_of_use',
      bands: [
        { from_hour: 8, to_hour: 20, rate_per_kwh: 0.3 },
        { from_hour: 18, to_hour: 22, rate_per_kwh: 0.4 },
        { from_hour: 23, to_hour: 22, rate_per_kwh: 0.1 },
      ],
      amortisation_method: 'straight_line',
      declining_factor: 2,
    }).map((e) => e.field);
    expect(errs).toEqual(['bands[1].from_hour', 'bands[2].to_hour', 'declining_factor']);
    expect(tariffErrors({ energy_kind: 'flat', bands: [{ from_hour: 1, to_hour: 2, rate_per_kwh: 1 }] })[0].field).toBe(
      'bands',
    );
    expect(scopeErrors({ scope_type: 'rack', scope_id: null }).map((e) => e.field)).toEqual(['scope_id']);
    expect(scopeErrors({ scope_type: 'tag', scope_id: 3 }).map((e) => e.field)).toEqual(['scope_id', 'scope_value']);
  });
});

describe('VM shares of a host', () => {
  it('takes the mean of CPU and memory shares over the host’s capacity; the rest stays unallocated', () => {
    // host 32 cores / 256 GB: V1 ½(8/32 + 64/256) = 0.25, V2 ½(8/32 + 128/256) = 0.375; unallocated 0.375
    const s = guestShares({ cpu: 32, mem: 256 }, [
      { id: 1, cpu: 8, mem: 64 },
      { id: 2, cpu: 8, mem: 128 },
    ]);
    expect(s.get(1)).toBeCloseTo(0.25, 12);
    expect(s.get(2)).toBeCloseTo(0.375, 12);
  });
  it('shares over what the guests ask for when they overcommit the host', () => {
    // 16 cores / 64 GB asked 24 cores / 96 GB: g1 ½(12/24 + 32/96) = 0.41667, g2 ½(12/24 + 64/96) = 0.58333
    const s = guestShares({ cpu: 16, mem: 64 }, [
      { id: 1, cpu: 12, mem: 32 },
      { id: 2, cpu: 12, mem: 64 },
    ]);
    expect(s.get(1)).toBeCloseTo(5 / 12, 12);
    expect(s.get(2)).toBeCloseTo(7 / 12, 12);
  });
});

// One day (2025-03-01, 31-day March) of a one-rack site: TOU tariff, PUE target 1.5, a 2U server half metered.
const tariff: TariffIn = {
  id: 1,
  name: 'Alpha grid',
  datacenter_id: 1,
  currency: 'EUR',
  energy_kind: 'time_of_use',
  rate_per_kwh: 0.2,
  bands: [{ from_hour: 8, to_hour: 20, rate_per_kwh: 0.3 }],
  utc_offset_hours: 1,
  space_per_u_month: 10,
  space_per_rack_month: 300,
  amortisation_method: 'straight_line',
  amortisation_years: 5,
  declining_factor: null,
};
const day = { from: T('2025-03-01T00:00:00Z'), to: T('2025-03-02T00:00:00Z') };
const metered = {
  wh: new Array(24).fill(0).map((_, h) => (h < 12 ? 400 : 0)),
  hours: new Array(24).fill(0).map((_, h) => (h < 12 ? 1 : 0)),
};
const estate: Estate = {
  window: day,
  datacenters: [{ id: 1, name: 'Alpha', pue_target: 1.5 }],
  racks: [{ id: 10, name: 'R1', datacenter_id: 1 }],
  devices: [
    {
      kind: 'server',
      id: 100,
      name: 'S1',
      rack_id: 10,
      datacenter_id: 1,
      u_size: 2,
      allocated_w: 500,
      purchase_cost: 6000,
      purchase_date: '2024-03-01',
      status: 'active',
      cpu: 32,
      mem: 256,
    },
  ],
  vms: [
    { id: 1, name: 'V1', host_server_id: 100, cpu: 8, mem: 64, owner: 'team-a', tags: ['web'] },
    { id: 2, name: 'V2', host_server_id: 100, cpu: 8, mem: 128, owner: 'team-b', tags: ['db', 'web'] },
  ],
  contracts: [
    {
      id: 7,
      name: 'S1 support',
      kind: 'support',
      scope_type: 'server',
      scope_id: 100,
      currency: 'EUR',
      amount: 1200,
      billing: 'yearly',
      starts_on: '2025-01-01',
      ends_on: null,
    },
  ],
  tariffs: [tariff],
  metered: new Map([[100, metered]]),
  pue: new Map(),
};

// Energy (local band 08-20 at UTC+1 is UTC 07-18): UTC 0-6 metered 400 W @0.20 (7 h), 7-11 metered 400 W @0.30
//   (5 h), 12-18 allocated 500 W @0.30 (7 h), 19-23 allocated 500 W @0.20 (5 h)
//   IT cost = 7×0.4×0.2 + 5×0.4×0.3 + 7×0.5×0.3 + 5×0.5×0.2 = 0.56 + 0.60 + 1.05 + 0.50 = 2.71; × PUE 1.5 = 4.065
//   IT kWh = 12×0.4 + 12×0.5 = 10.8 (4.8 metered: 44.4 %); at the meter 10.8 × 1.5 = 16.2 kWh
// Hardware: 6000 / 5 = 1200 in the asset year 2025-03-01..2026-03-01 (365 days): 1200/365 = 3.287671
// Space: 2 U × 10 / 31 days = 0.645161; the rack 300 / 31 = 9.677419
// Support: 1200 in the contract year 2025 (365 days): 3.287671
const ENERGY = 4.065;
const HW = 1200 / 365;
const U = 20 / 31;
const RACK = 300 / 31;
const SUPPORT = 1200 / 365;

describe('the cost of a small estate', () => {
  const { lines, gaps, sites } = costLines(estate);
  const byCat = (c: string) => lines.filter((l) => l.category === c).reduce((s, l) => s + l.amount, 0);

  it('costs energy with TOU bands and PUE, hardware, space and contracts', () => {
    expect(byCat('energy')).toBeCloseTo(ENERGY, 9);
    expect(byCat('hardware')).toBeCloseTo(HW, 9);
    expect(byCat('space')).toBeCloseTo(U + RACK, 9);
    expect(byCat('support')).toBeCloseTo(SUPPORT, 9);
    const energy = lines.find((l) => l.category === 'energy')!;
    expect(energy.quantity).toBeCloseTo(16.2, 9);
    expect(energy.basis).toBe('mixed');
    expect(addUp(lines).measured_pct).toBeCloseTo((100 * 4.8) / 10.8, 9);
    expect(sites).toEqual([
      {
        datacenter_id: 1,
        datacenter: 'Alpha',
        tariff: 'Alpha grid',
        currency: 'EUR',
        pue: 1.5,
        pue_basis: 'design target',
      },
    ]);
    expect(gaps).toEqual([]);
  });

  it('uses the measured PUE when the site has one, and says what it could not cost', () => {
    // facility 300 kWh over IT 200 kWh: PUE 1.5 measured; without tariffs nothing of the site is costed
    const measured = costLines({ ...estate, pue: new Map([[1, { facility: 300, it: 200 }]]) });
    expect(measured.sites[0].pue_basis).toBe('measured');
    const none = costLines({ ...estate, tariffs: [] });
    expect(none.lines.filter((l) => l.category !== 'support')).toEqual([]);
    expect(none.gaps[0]).toContain('Alpha has no tariff');
  });

  it('allocates the host’s costs to its VMs by share, and groups them by VM, owner and tag', () => {
    const allocated = allocateToVms(estate, lines);
    const server = ENERGY + HW + U + SUPPORT; // 11.285506: everything on S1 (the rack fee is the rack's)
    const names = {
      datacenter: new Map([[1, 'Alpha']]),
      rack: new Map([[10, 'R1']]),
      server: new Map([[100, 'S1']]),
      vm: new Map([
        [1, 'V1'],
        [2, 'V2'],
      ]),
    };
    const total = (rows: { label: string; total: number }[], label: string) =>
      rows.find((r) => r.label === label)?.total;
    const vm = breakdown('vm', allocated, names);
    expect(total(vm, 'V1')).toBeCloseTo(Math.round(server * 0.25 * 100) / 100, 9); // 2.82
    expect(total(vm, 'V2')).toBeCloseTo(Math.round(server * 0.375 * 100) / 100, 9); // 4.23
    // unallocated: S1's remaining 0.375 plus the rack fee
    expect(total(vm, UNALLOCATED)).toBeCloseTo(Math.round((server * 0.375 + RACK) * 100) / 100, 9);
    const owner = breakdown('owner', allocated, names);
    expect(total(owner, 'team-b')).toBe(total(vm, 'V2'));
    // both VMs carry "web": 0.25 + 0.375 of the server
    expect(total(breakdown('tag', allocated, names), 'web')).toBeCloseTo(Math.round(server * 0.625 * 100) / 100, 9);
    // by rack everything lands on R1; by datacenter on Alpha
    expect(total(breakdown('rack', allocated, names), 'R1')).toBeCloseTo(Math.round((server + RACK) * 100) / 100, 9);
  });

  it('writes FOCUS rows: every 1.0 column, hardware as effective cost only', () => {
    const allocated = allocateToVms(estate, lines);
    const c = {
      billingPeriod: { from: T('2025-03-01T00:00:00Z'), to: T('2025-04-01T00:00:00Z') },
      chargePeriod: day,
      names: {
        datacenter: new Map([[1, 'Alpha']]),
        rack: new Map([[10, 'R1']]),
        server: new Map([[100, 'S1']]),
        vm: new Map([
          [1, 'V1'],
          [2, 'V2'],
        ]),
      },
      vendors: new Map([[7, 'Acme']]),
    };
    const hw = focusRow(
      allocated.find((l) => l.category === 'hardware' && l.vm_id === 1)!,
      c,
    );
    expect(Object.keys(hw)).toEqual(Object.keys(FOCUS_COLUMNS));
    expect(hw).toMatchObject({
      BilledCost: 0,
      ChargeCategory: 'Usage',
      ResourceId: 'vm/1',
      ResourceType: 'Virtual Machine',
      x_HostResourceId: 'server/100',
    });
    expect(hw.EffectiveCost).toBeCloseTo(HW * 0.25, 6);
    expect(hw.BillingPeriodStart).toBe('2025-03-01T00:00:00Z');
    const support = focusRow(
      allocated.find((l) => l.category === 'support' && l.vm_id === null)!,
      c,
    );
    expect(support).toMatchObject({
      ChargeCategory: 'Purchase',
      ChargeFrequency: 'Recurring',
      PublisherName: 'Acme',
      ServiceName: 'Support contracts',
    });
    const energy = focusRow(
      allocated.find((l) => l.category === 'energy' && l.vm_id === 2)!,
      c,
    );
    // V2's 0.375 of 16.2 kWh = 6.075 kWh
    expect(energy).toMatchObject({
      PricingUnit: 'kWh',
      ConsumedUnit: 'kWh',
      ChargeFrequency: 'Usage-Based',
      PricingQuantity: 6.075,
    });
    expect(JSON.parse(energy.Tags as string)).toEqual({
      owner: 'team-b',
      'tag:db': 'db',
      'tag:web': 'web',
      datacenter: 'Alpha',
    });
  });
});

describe('budgets', () => {
  const b: BudgetIn = {
    id: 1,
    name: 'Alpha',
    scope_type: 'datacenter',
    scope_id: 1,
    scope_value: null,
    amount: 100,
    currency: 'EUR',
    alert_at_pct: 90,
  };
  const march = { from: T('2025-03-01T00:00:00Z'), to: T('2025-04-01T00:00:00Z') };
  const line = (amount: number, over: Record<string, unknown> = {}) =>
    ({
      category: 'energy',
      amount,
      currency: 'EUR',
      datacenter_id: 1,
      rack_id: 10,
      server_id: 100,
      vm_id: null,
      owner: null,
      tags: [],
      share: 1,
      ...over,
    }) as never;

  it('forecasts an overrun before it happens', () => {
    // 40 spent in 10 of 31 days: forecast 40 × 31 / 10 = 124 > 100; alert at 90 % (90): alerting
    const s = budgetStatus(
      b,
      [line(30), line(10), line(500, { datacenter_id: 2 }), line(7, { currency: 'USD' })],
      march,
      T('2025-03-11T00:00:00Z'),
    );
    expect(s).toMatchObject({
      actual: 40,
      forecast: 124,
      actual_pct: 40,
      forecast_pct: 124,
      state: 'forecast_over',
      alerting: true,
      other_currencies: ['USD'],
    });
    expect(s.elapsed_pct).toBeCloseTo(32.3, 9);
  });
  it('is ok on course, over once spent; owner and tag budgets count VMs only', () => {
    // 20 in 10 days: 62 forecast, under 90
    expect(budgetStatus(b, [line(20)], march, T('2025-03-11T00:00:00Z'))).toMatchObject({
      state: 'ok',
      alerting: false,
    });
    expect(budgetStatus(b, [line(101)], march, T('2025-03-11T00:00:00Z')).state).toBe('over');
    const tag: BudgetIn = { ...b, scope_type: 'tag', scope_id: null, scope_value: 'web' };
    const s = budgetStatus(
      tag,
      [line(5, { vm_id: 1, tags: ['web'] }), line(9, { vm_id: null })],
      march,
      T('2025-03-11T00:00:00Z'),
    );
    expect(s.actual).toBe(5);
  });
});
