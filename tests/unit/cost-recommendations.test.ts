// Cost recommendations on a hand-worked host, site and generation.
import { describe, expect, it } from 'vitest';
import { consolidation, refresh, rightSize, serverCost } from '../../worker/cost/recommend';
import { tco } from '../../worker/cost/tco';
import type { CostLine } from '../../worker/cost/model';

const line = (over: Partial<CostLine>): CostLine => ({
  category: 'energy',
  amount: 0,
  currency: 'EUR',
  resource_type: 'server',
  resource_id: 1,
  resource_name: 'h1',
  datacenter_id: 1,
  rack_id: 1,
  server_id: 1,
  vm_id: null,
  quantity: null,
  unit: null,
  description: '',
  basis: 'measured',
  ...over,
});
const site = { id: 1, name: 'DC', priced: true };

describe('server cost', () => {
  it('adds the host’s own lines, not its VMs’ contracts', () => {
    const lines = [
      line({ amount: 200 }),
      line({ category: 'space', amount: 40, basis: 'per U' }),
      line({ category: 'hardware', amount: 60, basis: 'straight_line' }),
      line({ category: 'licence', amount: 999, resource_type: 'contract', vm_id: 7 }),
      line({ amount: 500, server_id: 2 }),
    ];
    expect(serverCost(lines, 1)).toEqual({
      currency: 'EUR',
      energy: 200,
      space: 40,
      total: 300,
      energy_basis: 'measured',
    });
  });
});

describe('right-sizing', () => {
  // host: 32 cores, 256 GB; vm 1: 16 vCPU, 64 GB; vm 2: 8 vCPU, 32 GB; 300 of host cost over the 30 days
  const host = {
    id: 1,
    name: 'h1',
    cpu: 32,
    mem: 256,
    guests: [
      { id: 1, cpu: 16, mem: 64 },
      { id: 2, cpu: 8, mem: 32 },
    ],
  };
  const cost: ReturnType<typeof serverCost> = {
    currency: 'EUR',
    energy: 200,
    space: 40,
    total: 300,
    energy_basis: 'measured',
  };

  it('sizes a VM down to its host’s measured peak plus 25 %, and prices the share it frees', () => {
    // CPU peak 10 % of 32 = 3.2 cores × 1.25 = 4 vCPU (< 16); memory peak 20 % of 256 = 51.2 GB × 1.25 = 64 GB
    // (not < 64: kept). Share = mean of CPU and memory share: before (16/32 + 64/256) / 2 = 0.375, after
    // (4/32 + 64/256) / 2 = 0.1875; freed 0.1875 × 300 = 56.25 in 30 days → × 365/30 = 684.375 a year, 57.03 a month
    const r = rightSize(
      { id: 1, name: 'vm1', cpu: 16, mem: 64 },
      host,
      { cpu_peak_pct: 10, mem_peak_pct: 20, hours: 720 },
      cost,
      site,
    )!;
    expect(r.kind).toBe('right_size');
    expect(r.saving).toEqual({ currency: 'EUR', per_year: 684.38, per_month: 57.03 });
    expect(r.evidence).toContainEqual({ label: 'vCPU', value: '16 → 4' });
    expect(r.evidence).toContainEqual({ label: 'Memory', value: '64 GB (keep)' });
    expect(r.evidence).toContainEqual({ label: 'Share of the host', value: '37.5 % → 18.75 %' });
    expect(r.assumed.join(' ')).toMatch(/no per-VM telemetry/);
  });

  it('leaves a VM alone when the host was busy enough, and names the missing tariff when unpriced', () => {
    // 50 % of 32 = 16 cores × 1.25 = 20 ≥ 8; 60 % of 256 = 153.6 × 1.25 = 192 ≥ 32
    expect(
      rightSize(
        { id: 2, name: 'vm2', cpu: 8, mem: 32 },
        host,
        { cpu_peak_pct: 50, mem_peak_pct: 60, hours: 48 },
        cost,
        site,
      ),
    ).toBeNull();
    const r = rightSize(
      { id: 1, name: 'vm1', cpu: 16, mem: 64 },
      host,
      { cpu_peak_pct: 10, mem_peak_pct: null, hours: 48 },
      { ...cost, currency: null },
      { ...site, priced: false },
    )!;
    expect(r.saving).toBeNull();
    expect(r.needs).toBe('a tariff for DC to price the host');
  });
});

describe('consolidation', () => {
  it('prices the freed hosts’ energy and space, and links to the placement plan', () => {
    // energy 90 + space 10 + energy 60 = 160 in 30 days → × 365/30 = 1946.67 a year, 162.22 a month
    const costs = new Map([
      [11, { currency: 'EUR', energy: 90, space: 10, total: 500, energy_basis: 'measured' }],
      [12, { currency: 'EUR', energy: 60, space: 0, total: 300, energy_basis: 'allocated' }],
    ]);
    const r = consolidation(
      site,
      {
        hosts_used_before: 4,
        hosts_used_after: 2,
        moves: 3,
        freed: [
          { server_id: 11, name: 'h11' },
          { server_id: 12, name: 'h12' },
        ],
        freed_power_w: 900,
      },
      costs,
    )!;
    expect(r.saving).toEqual({ currency: 'EUR', per_year: 1946.67, per_month: 162.22 });
    expect(r.action).toEqual({ label: 'Make the placement plan', href: '/optimisation?datacenter_id=1&goal=pack' });
    expect(r.evidence).toContainEqual({ label: 'Hosts in use', value: '4 → 2' });
    // one host metered, one not: both said
    expect(r.measured[0]).toMatch(/metered energy/);
    expect(r.assumed.join(' ')).toMatch(/allocated power/);
  });

  it('recommends nothing when packing frees no host', () => {
    expect(
      consolidation(
        site,
        { hosts_used_before: 2, hosts_used_after: 2, moves: 0, freed: [], freed_power_w: 0 },
        new Map(),
      ),
    ).toBeNull();
  });
});

describe('refresh', () => {
  const g = {
    key: '1|Dell|R630',
    label: 'Dell R630 · DC',
    datacenter_id: 1,
    datacenter: 'DC',
    past_write_off: 10,
    write_off_years: 5,
    age_years: 6,
    power_basis: 'measured',
    currency: 'EUR',
    refresh: { from_group: 'Dell R760 · DC', basis: ['price: inventory'] },
  };
  // tests/unit/cost-tco.test.ts's scenario: 7333.40 a year saved once 33 000 is paid, break-even 4.5 years
  const scenario = {
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

  it('recommends a refresh that breaks even within the horizon, with its purchase up front', () => {
    const r = refresh(g, tco(scenario), 5)!;
    // 7333.40 / 12 = 611.12 a month
    expect(r.saving).toEqual({ currency: 'EUR', per_year: 7333.4, per_month: 611.12 });
    expect(r.upfront).toBe(33_000);
    expect(r.evidence).toContainEqual({ label: 'Break-even', value: '4.5 years (horizon 5)' });
    expect(r.action?.href).toBe('/cost/tco?group=1%7CDell%7CR630');
  });

  it('does not when it would not pay back within the horizon', () => {
    expect(refresh(g, tco({ ...scenario, horizon_years: 3 }), 3)).toBeNull();
  });
});
