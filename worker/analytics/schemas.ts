// Output shapes of the capacity report and the dashboard, declared for the OpenAPI document and the UI's
// generated types; service.ts and capacity.ts build them.
import * as v from 'valibot';

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
