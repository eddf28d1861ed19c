// Keep or refresh, every figure worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { tco, type TcoScenario } from '../../worker/cost/tco';
import { fleetGroups, meanPrice } from '../../worker/cost/tco-fleet';
import type { Estate, TariffIn } from '../../worker/cost/model';

// 10 old 1U servers at 400 W, 500 a year of support each; 7 new 1U ones (1.5 old per new: ⌈10 / 1.5⌉ = 7) at
// 350 W, 5000 each, 300 a year of support; PUE 1.5, 0.20 per kWh, 10 per U-month; old ones fetch 200 each.
//   keep energy    = 10 × 400 W × 8760 h = 35 040 kWh IT × 1.5 = 52 560 kWh × 0.20 = 10 512 a year
//   keep support   = 10 × 500 = 5000;  keep space = 10 U × 10 × 12 = 1200;  keep total = 16 712 a year
//   refresh energy = 7 × 350 W × 8760 h = 21 462 kWh IT × 1.5 = 32 193 kWh × 0.20 = 6438.60 a year
//   refresh support = 7 × 300 = 2100;  space = 7 U × 10 × 12 = 840;  refresh total = 9378.60 a year
//   net purchase   = 7 × 5000 − 10 × 200 = 33 000;  saving = 16 712 − 9378.60 = 7333.40 a year
//   break-even     = 33 000 / 7333.40 = 4.49996 years: in year 5
const base: TcoScenario = {
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
};

describe('tco', () => {
  it('prices a year of each choice by component', () => {
    const r = tco(base);
    expect(r.new_count).toBe(7);
    expect(r.kwh_per_year).toEqual({ keep: 52_560, refresh: 32_193 });
    expect(r.keep_per_year).toEqual({ capex: 0, energy: 10_512, support: 5000, space: 1200, total: 16_712 });
    expect(r.refresh_per_year).toEqual({ capex: 0, energy: 6438.6, support: 2100, space: 840, total: 9378.6 });
    expect(r.net_capex).toBe(33_000);
    expect(r.running_saving_per_year).toBe(7333.4);
  });

  it('adds up year by year from the purchase, and finds the break-even', () => {
    const r = tco(base);
    expect(r.years).toHaveLength(6);
    // year 0: only the purchase
    expect(r.years[0]!.keep.cumulative).toBe(0);
    expect(r.years[0]!.refresh).toEqual({
      capex: 33_000,
      energy: 0,
      support: 0,
      space: 0,
      total: 33_000,
      cumulative: 33_000,
    });
    // year 4: keep 4 × 16 712 = 66 848; refresh 33 000 + 4 × 9378.60 = 70 514.40 (still dearer)
    expect(r.years[4]!.keep.cumulative).toBe(66_848);
    expect(r.years[4]!.refresh.cumulative).toBe(70_514.4);
    // year 5: keep 83 560; refresh 33 000 + 46 893 = 79 893 (cheaper)
    expect(r.years[5]!.keep).toMatchObject({ energy: 52_560, support: 25_000, space: 6000, cumulative: 83_560 });
    expect(r.years[5]!.refresh.cumulative).toBe(79_893);
    expect(r.break_even_years).toBe(4.5);
    expect(r.break_even_year).toBe(5);
    expect(r.fleet_age_at_end).toBe(11);
  });

  it('has no break-even within the horizon when the saving is too small or negative', () => {
    // 3 years: 4.5 is beyond
    expect(tco({ ...base, horizon_years: 3 })).toMatchObject({ break_even_years: null, break_even_year: null });
    // a hungrier replacement: 7 × 1000 W × 8760 × 1.5 / 1000 × 0.2 = 18 396 a year of energy alone > 16 712
    const worse = tco({ ...base, new_power_w: 1000 });
    expect(worse.running_saving_per_year).toBeLessThan(0);
    expect(worse.break_even_years).toBeNull();
  });

  it('breaks even at once when the old servers fetch more than the new ones cost', () => {
    // 7 × 100 − 10 × 200 = −1300: refreshing is cheaper from day one
    const r = tco({ ...base, new_price: 100 });
    expect(r.net_capex).toBe(-1300);
    expect(r.break_even_years).toBe(0);
    expect(r.break_even_year).toBe(0);
  });

  it('needs whole servers: 10 old ones at 1 to 1 need 10, at 3 to 1 need 4', () => {
    expect(tco({ ...base, consolidation_ratio: 1 }).new_count).toBe(10);
    expect(tco({ ...base, consolidation_ratio: 3 }).new_count).toBe(4);
    expect(tco({ ...base, consolidation_ratio: 2 }).new_count).toBe(5);
  });
});

const tariff: TariffIn = {
  id: 1,
  name: 'T',
  datacenter_id: null,
  currency: 'EUR',
  energy_kind: 'time_of_use',
  rate_per_kwh: 0.2,
  bands: [{ from_hour: 8, to_hour: 20, rate_per_kwh: 0.32 }],
  utc_offset_hours: 0,
  space_per_u_month: 10,
  space_per_rack_month: null,
  amortisation_method: 'straight_line',
  amortisation_years: 5,
  declining_factor: null,
};

describe('fleet groups', () => {
  it('averages a time-of-use price over the day', () => {
    // 12 h at 0.32 and 12 h at 0.20: 0.26
    expect(meanPrice(tariff)).toBeCloseTo(0.26, 12);
  });

  it('groups servers by site and model, meters what it can and suggests the newest generation', () => {
    const NOW = Date.parse('2026-01-01T00:00:00Z');
    const server = (id: number, over: Partial<Estate['devices'][number]>) => ({
      kind: 'server' as const,
      id,
      name: `s${id}`,
      rack_id: 1,
      datacenter_id: 1,
      u_size: 1,
      allocated_w: 500,
      purchase_cost: 4000,
      purchase_date: '2018-01-01',
      status: 'active',
      cpu: 16,
      mem: 128,
      ...over,
    });
    const e: Estate = {
      window: { from: NOW - 30 * 86_400_000, to: NOW },
      datacenters: [{ id: 1, name: 'DC', pue_target: 1.4 }],
      racks: [{ id: 1, name: 'R', datacenter_id: 1 }],
      devices: [
        server(1, {}),
        server(2, {}),
        server(3, { status: 'decommissioned' }),
        server(4, { purchase_date: '2025-01-01', purchase_cost: 9000, cpu: 48, allocated_w: 700 }),
      ],
      vms: [],
      contracts: [
        {
          id: 1,
          name: 'care',
          kind: 'support',
          scope_type: 'server',
          scope_id: 1,
          currency: 'EUR',
          amount: 50,
          billing: 'monthly',
          starts_on: '2024-01-01',
          ends_on: null,
        },
      ],
      tariffs: [tariff],
      // server 1: 10 hours metered, 3000 Wh in all: 300 W
      metered: new Map([[1, { wh: [3000, ...new Array(23).fill(0)], hours: [10, ...new Array(23).fill(0)] }]]),
      pue: new Map(),
    };
    const models = new Map([
      [1, { manufacturer: 'Dell', model: 'R630', server_type: 'Compute' }],
      [2, { manufacturer: 'Dell', model: 'R630', server_type: 'Compute' }],
      [3, { manufacturer: 'Dell', model: 'R630', server_type: 'Compute' }],
      [4, { manufacturer: 'Dell', model: 'R760', server_type: 'Compute' }],
    ]);
    const [old, young] = fleetGroups(e, models, NOW);
    expect(old).toMatchObject({
      label: 'Dell R630 · DC',
      count: 2, // the decommissioned one draws nothing
      measured_w: 300,
      measured_servers: 1,
      nameplate_w: 500,
      power_w: 300,
      power_basis: 'measured',
      // 50 a month on one of two servers: 600 / 2 = 300 per server and year
      support_per_year: 300,
      past_write_off: 2,
      pue: 1.4,
      pue_basis: 'design target',
      price_per_kwh: 0.26,
    });
    // 2018-01-01 to 2026-01-01: 2922 days / 365.25 = 8 years
    expect(old!.age_years).toBe(8);
    // the R760 (48 cores) replaces the R630 (16 cores) 3 to 1
    expect(old!.refresh).toMatchObject({
      from_group: 'Dell R760 · DC',
      new_price: 9000,
      new_power_w: 700,
      consolidation_ratio: 3,
    });
    expect(young!.refresh.from_group).toBeNull();
  });

  it('does not take the same model bought later at another site for a new generation', () => {
    const NOW = Date.parse('2026-01-01T00:00:00Z');
    const s = (id: number, dc: number, model: string, date: string) => ({
      kind: 'server' as const,
      id,
      name: `s${id}`,
      rack_id: dc,
      datacenter_id: dc,
      u_size: 1,
      allocated_w: 500,
      purchase_cost: 4000,
      purchase_date: date,
      status: 'active',
      cpu: 16,
      mem: 128,
    });
    const e: Estate = {
      window: { from: NOW - 30 * 86_400_000, to: NOW },
      datacenters: [
        { id: 1, name: 'A', pue_target: null },
        { id: 2, name: 'B', pue_target: null },
      ],
      racks: [],
      devices: [s(1, 1, 'R630', '2018-01-01'), s(2, 2, 'R630', '2025-06-01'), s(3, 1, 'R760', '2025-01-01')],
      vms: [],
      contracts: [],
      tariffs: [tariff],
      metered: new Map(),
      pue: new Map(),
    };
    const models = new Map(
      [1, 2, 3].map((id) => [id, { manufacturer: 'Dell', model: id === 3 ? 'R760' : 'R630', server_type: 'Compute' }]),
    );
    const old = fleetGroups(e, models, NOW).find((g) => g.label === 'Dell R630 · A')!;
    // the R630s bought at B in 2025 are newer purchases, but the same model: the R760 is the refresh
    expect(old.refresh.from_group).toBe('Dell R760 · A');
    // no PUE known: 1, and said
    expect(old).toMatchObject({ pue: 1, pue_basis: 'none known: 1 assumed', power_basis: 'nameplate', power_w: 500 });
  });
});
