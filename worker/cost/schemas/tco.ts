import * as v from 'valibot';
import { int, num } from '../../platform/schemas/common';
import { currency, money } from './common';

// Only valibot here: the TCO page validates its form with TcoRequest.

const watts = v.pipe(
  v.number('must be a number'),
  v.finite('must be a finite number'),
  v.gtValue(0, 'must be more than 0 W'),
  v.maxValue(100_000, 'must be at most 100000 W'),
);

/** A keep-or-refresh scenario: the generation kept, its replacement, the prices. Amounts per server. */
export const TcoRequest = v.object({
  horizon_years: int(3, 5),
  count: int(1, 100_000),
  power_w: watts,
  age_years: num(0, 50),
  support_per_year: money(1e9),
  u_per_server: int(1, 20),
  new_price: money(1e9),
  new_power_w: watts,
  /** how many old servers one new one replaces (1.5: two new ones do the work of three old ones) */
  consolidation_ratio: num(0.1, 100),
  new_support_per_year: money(1e9),
  new_u_per_server: int(1, 20),
  price_per_kwh: money(100),
  pue: num(1, 5),
  space_per_u_month: money(1e6),
  residual_value: v.optional(v.nullable(money(1e9))),
  currency: v.optional(currency),
});

const components = v.object({
  capex: v.number(),
  energy: v.number(),
  support: v.number(),
  space: v.number(),
  total: v.number(),
});
const cumulative = v.object({ ...components.entries, cumulative: v.number() });

export const TcoResult = v.object({
  currency: v.nullable(v.string()),
  new_count: v.number(),
  keep_per_year: components,
  refresh_per_year: components,
  net_capex: v.number(),
  running_saving_per_year: v.number(),
  years: v.array(v.object({ year: v.number(), keep: cumulative, refresh: cumulative })),
  break_even_years: v.nullable(v.number()),
  break_even_year: v.nullable(v.number()),
  kwh_per_year: v.object({ keep: v.number(), refresh: v.number() }),
  fleet_age_at_end: v.number(),
  formula: v.string(),
});

const refreshDefault = v.object({
  /** the generation it is taken from (the newest one bought), or null when the estate has none newer */
  from_group: v.nullable(v.string()),
  new_price: v.nullable(v.number()),
  new_power_w: v.nullable(v.number()),
  new_support_per_year: v.number(),
  new_u_per_server: v.number(),
  consolidation_ratio: v.number(),
  /** what each default rests on: measured, inventory, or assumed */
  basis: v.array(v.string()),
});

export const TcoGroup = v.object({
  key: v.string(),
  label: v.string(),
  manufacturer: v.nullable(v.string()),
  model: v.nullable(v.string()),
  count: v.number(),
  server_ids: v.array(v.number()),
  datacenter_id: v.number(),
  datacenter: v.string(),
  u_per_server: v.number(),
  cpu_cores: v.nullable(v.number()),
  /** mean age of those with a purchase date; null when none has one */
  age_years: v.nullable(v.number()),
  oldest_purchase: v.nullable(v.string()),
  purchase_cost: v.nullable(v.number()),
  nameplate_w: v.number(),
  /** the mean metered draw of those metered over the last 30 days */
  measured_w: v.nullable(v.number()),
  measured_servers: v.number(),
  power_w: v.number(),
  power_basis: v.picklist(['measured', 'nameplate']),
  support_per_year: v.number(),
  /** servers older than the tariff's write-off period */
  past_write_off: v.number(),
  write_off_years: v.nullable(v.number()),
  currency: v.nullable(v.string()),
  price_per_kwh: v.nullable(v.number()),
  pue: v.number(),
  pue_basis: v.string(),
  space_per_u_month: v.number(),
  refresh: refreshDefault,
});
export const TcoFleet = v.object({ groups: v.array(TcoGroup), notes: v.array(v.string()) });
