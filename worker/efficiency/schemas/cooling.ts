import * as v from 'valibot';
import { n, nn, ns, PricingOut, s, WindowOut } from './common';

export const RACK_STATUSES = ['hot', 'overcooled', 'ok', 'no_data'] as const;

const RackInletOut = v.object({
  rack_id: n,
  rack: s,
  row: ns,
  cooling_type: s,
  /** where the inlet comes from: the rack's own sensor, else the warmest of its servers' inlets each hour */
  source: v.picklist(['rack sensor', 'warmest server inlet', 'none']),
  status: v.picklist(RACK_STATUSES),
  hours: n,
  samples: n,
  mean_c: nn,
  /** coolest and warmest hourly mean */
  min_c: nn,
  max_c: nn,
  latest_c: nn,
  /** highest single sample */
  peak_c: nn,
  hours_above: n,
  hours_below: n,
});

const RackRef = v.nullable(v.object({ rack_id: n, rack: s, mean_c: n }));

const Move = v.object({
  rack_id: n,
  rack: s,
  rack_max_c: nn,
  vm_id: n,
  vm: s,
  vcpu: n,
  ram_gb: n,
  from_server_id: n,
  from_server: s,
  to_server_id: n,
  to_server: s,
  to_rack_id: n,
  to_rack: s,
  to_rack_mean_c: nn,
  text: s,
});

export const CoolingReport = v.object({
  datacenter_id: n,
  datacenter: s,
  window: WindowOut,
  envelope: v.object({ min_c: n, max_c: n, name: s, text: s }),
  pricing: PricingOut,
  racks: v.array(RackInletOut),
  summary: v.object({ racks: n, measured: n, hot: n, overcooled: n, no_data: n }),
  room: v.object({
    coldest: RackRef,
    hottest: RackRef,
    spread_c: nn,
    imbalanced: v.boolean(),
    threshold_c: n,
    text: s,
  }),
  setpoint: v.object({
    recommended: v.boolean(),
    hottest_rack_id: nn,
    hottest_rack: ns,
    hottest_c: nn,
    headroom_c: nn,
    margin_c: n,
    raise_c: n,
    /** central estimate with its range (rule of thumb), kWh and, with a tariff, cost a year; null: no facility meter */
    saving: v.nullable(
      v.object({
        overhead_kw: n,
        overhead_hours: n,
        kwh_year_low: n,
        kwh_year: n,
        kwh_year_high: n,
        cost_year_low: nn,
        cost_year: nn,
        cost_year_high: nn,
        currency: ns,
      }),
    ),
    text: s,
  }),
  rule: v.object({
    pct_per_c: n,
    low_pct_per_c: n,
    high_pct_per_c: n,
    text: s,
    sources: v.array(v.object({ title: s, url: ns })),
  }),
  moves: v.array(Move),
  unplaced: v.array(v.object({ vm_id: n, vm: s, rack: s, reason: s })),
});
