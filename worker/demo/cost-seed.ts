import type { ServiceContext } from '../platform/context';
import { tariffsResource } from '../cost/tariffs';
import { contractsResource } from '../cost/contracts';
import { budgetsResource } from '../cost/budgets';
import { costRate } from '../cost/report';
import { createRows } from '../platform/http/resource';

/**
 * Demo prices, not real ones: one estate-wide time-of-use tariff (a day rate from 07:00 to 21:00 local time), a
 * yearly licence contract, and a monthly estate budget of about 110 % of the estate's run rate once priced, so
 * the budget page has something to track; it alerts when the forecast overruns it (the load grew).
 */
export async function seedCost(ctx: ServiceContext, now = new Date()) {
  await createRows(ctx, tariffsResource, [
    {
      name: 'Demo grid',
      datacenter_id: null,
      currency: 'EUR',
      energy_kind: 'time_of_use',
      rate_per_kwh: 0.18,
      bands: [{ from_hour: 7, to_hour: 21, rate_per_kwh: 0.27 }],
      utc_offset_hours: 1,
      space_per_u_month: 12,
      space_per_rack_month: 400,
      amortisation_method: 'straight_line',
      amortisation_years: 5,
    },
  ]);
  await createRows(ctx, contractsResource, [
    {
      name: 'Hypervisor licences',
      kind: 'licence',
      vendor: 'Demo',
      scope_type: 'estate',
      currency: 'EUR',
      amount: 24000,
      billing: 'yearly',
      starts_on: `${now.getUTCFullYear()}-01-01`,
    },
  ]);
  const rate = (await costRate(ctx, {}, now.getTime())).rates.find((r) => r.currency === 'EUR');
  const budget = rate ? Math.max(1000, Math.round((rate.per_month * 1.1) / 1000) * 1000) : 0;
  if (budget) {
    await createRows(ctx, budgetsResource, [
      { name: 'Estate, monthly', period: 'month', amount: budget, currency: 'EUR', alert_at_pct: 100 },
    ]);
  }
  return { cost_tariffs: 1, cost_contracts: 1, cost_budgets: budget ? 1 : 0 };
}
