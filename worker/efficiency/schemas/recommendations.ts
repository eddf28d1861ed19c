import * as v from 'valibot';
import { n, nn, ns, PricingOut, s, WindowOut } from './common';

const Saving = v.object({
  it_kwh_year: n,
  facility_kwh_year: n,
  /** null without a tariff */
  cost_year: nn,
  currency: ns,
  basis: s,
});

const IdleServer = v.object({
  server_id: n,
  server: s,
  rack_id: n,
  rack: ns,
  status: s,
  vm_count: n,
  /** consolidate: it carries VMs to move first; power_down: nothing known runs on it */
  action: v.picklist(['consolidate', 'power_down']),
  evidence: v.object({
    hours: n,
    hours_expected: n,
    samples: n,
    mean_cpu_pct: n,
    max_hourly_cpu_pct: n,
    peak_cpu_pct: n,
    /** mean measured draw; null: power not measured, so no saving */
    mean_power_w: nn,
    power_hours: n,
  }),
  /** a year of its measured draw; null when its power is not measured */
  saving: v.nullable(Saving),
  text: s,
});

const Insufficient = v.object({ server_id: n, server: s, hours: n, hours_expected: n, reason: s });

const CapServer = v.object({
  server_id: n,
  server: s,
  rack_id: n,
  rack: ns,
  nameplate_w: n,
  peak_w: n,
  p95_w: n,
  hours: n,
  samples: n,
  cap_w: n,
  freed_w: n,
  peak_pct_of_nameplate: n,
  text: s,
});

const Period = v.object({ from: n, to: n, hours: n, pue: n, it_kw: n, facility_kw: n, overhead_kw: n });

export const EfficiencyRecommendations = v.object({
  datacenter_id: n,
  datacenter: s,
  window: WindowOut,
  pricing: PricingOut,
  idle: v.object({ rule: s, servers: v.array(IdleServer), insufficient: v.array(Insufficient) }),
  capping: v.object({ rule: s, servers: v.array(CapServer), not_enough_data: n }),
  pue: v.object({
    design_target: nn,
    /** the last 7 days, energy-weighted */
    recent: v.nullable(Period),
    /** the 7 days before */
    previous: v.nullable(Period),
    /** day by day (UTC) over both weeks */
    days: v.array(Period),
    /** the change from the previous week, split between overhead and IT load (each needs 24 h of data) */
    drivers: v.nullable(
      v.object({
        previous: Period,
        recent: Period,
        delta_pue: n,
        overhead_effect: n,
        it_effect: n,
        main_driver: v.picklist(['overhead', 'it_load', 'none']),
        text: s,
      }),
    ),
    /** overhead above the design target for the same IT load */
    excess: v.nullable(v.object({ overhead_kw: n, kwh_year: n, cost_year: nn, currency: ns, text: s })),
    note: ns,
  }),
});
