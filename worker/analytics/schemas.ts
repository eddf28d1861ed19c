// Output shapes of the capacity report and the dashboard, declared for the OpenAPI document and the UI's
// generated types; service.ts and capacity.ts build them.
import * as v from 'valibot';
import { queryId, queryInt } from '../platform/schemas/common';

const n = v.number();
const nullableText = v.nullable(v.string());

export const Utilization = v.object({ total: n, used: n, free: n, utilization_pct: n, unit: v.string() });

export const DatacenterCapacity = v.object({
  id: n,
  name: v.string(),
  location: nullableText,
  racks: n,
  servers: n,
  rack_space: Utilization,
  power: Utilization,
});

export const CapacityReport = v.object({
  rack_space: Utilization,
  power: Utilization,
  racks: n,
  servers: n,
  datacenters: v.array(DatacenterCapacity),
});

const counts = v.record(v.string(), n);
export const DashboardMetrics = v.object({
  total_datacenters: n,
  total_racks: n,
  total_servers: n,
  active_servers: n,
  servers_by_status: counts,
  servers_by_type: counts,
  servers_by_health: counts,
  pue: v.nullable(n),
  pue_source: v.string(),
  active_alerts: n,
  active_alerts_by_severity: v.record(v.string(), n),
  rack_space: Utilization,
  power: Utilization,
  warranty: v.object({ expired: n, expiring_90d: n }),
  datacenters: v.array(DatacenterCapacity),
  generated_at: v.string(),
});

const id = queryId;
const intIn = queryInt;

/** months 3–12 ahead; headroom_pct: the share of each rack's space and power kept free when planning (15). */
export const ForecastQuery = v.strictObject({
  months: v.optional(intIn(3, 12), '6'),
  datacenter_id: v.optional(id('datacenter')),
  headroom_pct: v.optional(intIn(0, 50), '15'),
});

const Bound = v.object({ servers: n, u_used: n, power_kw: n, cooling_kw: n, racks_needed: n });
export const ForecastMonth = v.object({
  /** YYYY-MM: the state at the end of that month */
  month: v.string(),
  servers: n,
  u_used: n,
  power_kw: n,
  /** the heat load the cooling plant must remove (kW thermal): all IT power becomes heat */
  cooling_kw: n,
  /** racks it takes to hold u_used and power_kw with the headroom kept free, racks of the estate's mean size */
  racks_needed: n,
  racks_to_add: n,
  vcpus: n,
  /** the 90 % interval */
  lower: Bound,
  upper: Bound,
});

const Method = v.object({
  method: v.string(),
  history_months: n,
  /** each method's backtest error against assuming no growth (1 = no better) */
  backtest: v.record(v.string(), n),
});
export const GrowthReport = v.object({
  datacenter_id: v.nullable(n),
  headroom_pct: n,
  capacity: v.object({
    racks: n,
    total_u: n,
    rack_power_kw: n,
    cooling_kw: v.nullable(n),
    vcpu_capacity: n,
  }),
  history: v.object({
    months: v.array(v.string()),
    servers: v.array(n),
    u_used: v.array(n),
    power_kw: v.array(n),
    vcpus: v.array(n),
  }),
  series: v.object({ servers: Method, u_used: Method, power_kw: Method, vcpus: Method }),
  forecast: v.array(ForecastMonth),
});

/** horizon_months: how far ahead to look for exhaustion (24). */
export const ExhaustionQuery = v.strictObject({
  datacenter_id: v.optional(id('datacenter')),
  horizon_months: v.optional(intIn(1, 60), '24'),
  headroom_pct: v.optional(intIn(0, 50), '15'),
});
export const ExhaustionRow = v.object({
  datacenter_id: n,
  datacenter: v.string(),
  resource: v.picklist(['space', 'power', 'cooling', 'compute']),
  unit: v.string(),
  capacity: v.nullable(n),
  usable: v.nullable(n),
  used: n,
  utilization_pct: v.nullable(n),
  status: v.picklist(['exhausted', 'runs_out', 'not_within_horizon', 'no_capacity']),
  /** ISO date the forecast reaches the usable capacity, and its 90 % interval (null: not within the horizon) */
  date: v.nullable(v.string()),
  earliest: v.nullable(v.string()),
  latest: v.nullable(v.string()),
  method: v.string(),
  message: v.string(),
});

const headroom = v.optional(intIn(0, 50), '15');

export const StrandedQuery = v.strictObject({ datacenter_id: v.optional(id('datacenter')), headroom_pct: headroom });
export const StrandedRow = v.object({
  rack_id: n,
  rack: v.string(),
  datacenter_id: n,
  datacenter: v.string(),
  kind: v.picklist(['space_without_power', 'power_without_space']),
  free_u: n,
  largest_free_block_u: n,
  free_kw: n,
  stranded: n,
  unit: v.picklist(['U', 'kW']),
  message: v.string(),
});

/** Where the next `count` servers of `u_size` U drawing `power_w` W would go. */
export const PlacementQuery = v.strictObject({
  count: intIn(1, 500),
  u_size: v.optional(intIn(1, 10), '1'),
  power_w: intIn(1, 20_000),
  datacenter_id: v.optional(id('datacenter')),
  headroom_pct: headroom,
});
export const PlacementPlan = v.object({
  requested: n,
  placed: n,
  unplaced: n,
  reason: v.nullable(v.string()),
  placements: v.array(
    v.object({
      rack_id: n,
      rack: v.string(),
      datacenter_id: n,
      datacenter: v.string(),
      u_position: n,
      free_u_after: n,
      free_kw_after: n,
    }),
  ),
});

/** months: the planning horizon (12); lead_time_days: from order to installed (90). */
export const ProcurementQuery = v.strictObject({
  datacenter_id: v.optional(id('datacenter')),
  months: v.optional(intIn(3, 24), '12'),
  lead_time_days: v.optional(intIn(0, 730), '90'),
  headroom_pct: headroom,
});
export const ProcurementLine = v.object({
  datacenter_id: n,
  datacenter: v.string(),
  item: v.picklist(['racks', 'pdus', 'power', 'cooling']),
  quantity: n,
  unit: v.string(),
  needed_by: v.string(),
  order_by: v.string(),
  overdue: v.boolean(),
  message: v.string(),
});

/** min_headroom_months: datacenters with less headroom than this are at risk (6). */
export const RiskQuery = v.strictObject({
  datacenter_id: v.optional(id('datacenter')),
  min_headroom_months: v.optional(intIn(1, 36), '6'),
  headroom_pct: headroom,
});
export const CapacityRisk = v.object({
  kind: v.picklist(['headroom', 'feed_load', 'single_point_of_failure']),
  severity: v.picklist(['critical', 'warning']),
  datacenter_id: n,
  datacenter: v.string(),
  subject: v.string(),
  message: v.string(),
  evidence: v.record(v.string(), v.nullable(v.union([n, v.string()]))),
});
