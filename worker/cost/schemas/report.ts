import * as v from 'valibot';
import { instant, oneOf, queryId, queryInt } from '../../platform/schemas/common';
import { BREAKDOWN_BY_VALUES } from './breakdown-by';

// Only valibot here: the cost pages read these shapes through the generated API types.

/** A window of time: from (default: the start of this month, UTC) to (default: now). */
export const WindowQuery = v.object({
  from: v.optional(instant),
  to: v.optional(instant),
  datacenter_id: v.optional(queryId('datacenter')),
});
export const BreakdownQuery = v.object({ ...WindowQuery.entries, by: v.optional(oneOf(BREAKDOWN_BY_VALUES)) });
export const HistoryQuery = v.object({ days: v.optional(queryInt(1, 7)) });
export const FocusQuery = v.object({
  /** the billing period: a calendar month, YYYY-MM (default: this month, to date) */
  month: v.optional(v.pipe(v.string(), v.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month as YYYY-MM'))),
});

const categories = {
  energy: v.number(),
  hardware: v.number(),
  space: v.number(),
  licence: v.number(),
  support: v.number(),
  total: v.number(),
  /** kWh at the facility meter: IT energy × PUE */
  energy_kwh: v.number(),
  /** the share of the IT energy that was metered (the rest is each device's allocated power); null: no energy */
  measured_pct: v.nullable(v.number()),
};
export const CostTotals = v.object({ currency: v.string(), ...categories });

export const SiteEvidence = v.object({
  datacenter_id: v.number(),
  datacenter: v.string(),
  tariff: v.nullable(v.string()),
  currency: v.nullable(v.string()),
  pue: v.nullable(v.number()),
  pue_basis: v.picklist(['measured', 'design target', 'none: IT energy only']),
});

const windowOut = v.object({ from: v.string(), to: v.string() });

export const CostRate = v.object({
  /** the mean hourly cost over the last 24 complete hours, and that × 24 × the days of this month */
  rates: v.array(v.object({ currency: v.string(), per_hour: v.number(), per_month: v.number() })),
  window: windowOut,
  days_in_month: v.number(),
  measured_pct: v.nullable(v.number()),
  basis: v.picklist(['measured', 'allocated', 'mixed', 'none']),
  formula: v.string(),
});

export const CostSummary = v.object({
  window: windowOut,
  totals: v.array(CostTotals),
  sites: v.array(SiteEvidence),
  /** what could not be costed, and why */
  gaps: v.array(v.string()),
  basis: v.picklist(['measured', 'allocated', 'mixed', 'none']),
  tariffs: v.number(),
});

export const BreakdownRow = v.object({
  key: v.string(),
  id: v.nullable(v.number()),
  label: v.string(),
  currency: v.string(),
  ...categories,
});
export const CostBreakdown = v.object({
  by: v.picklist(BREAKDOWN_BY_VALUES),
  window: windowOut,
  rows: v.array(BreakdownRow),
  totals: v.array(CostTotals),
  gaps: v.array(v.string()),
  /** how the rows are formed: VM shares, overlapping tags */
  method: v.string(),
});

export const CostHistory = v.object({
  window: windowOut,
  points: v.array(
    v.object({
      ts: v.number(),
      currency: v.string(),
      energy: v.number(),
      fixed: v.number(),
      total: v.number(),
      measured_pct: v.nullable(v.number()),
    }),
  ),
  formula: v.string(),
});
