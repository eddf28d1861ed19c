// Output shapes of the computed reports (elevation, capacity, dashboard), declared for the OpenAPI document and
// the UI's generated types; the services build them (worker/dcim/elevation.ts, worker/analytics/).
import * as v from 'valibot';
import { Rack } from './rack';

const n = v.number();
const nullableText = v.nullable(v.string());

export const ElevationDevice = v.object({
  id: n,
  name: v.string(),
  u_position: n,
  u_size: n,
  power_supply_w: n,
  server_type: v.string(),
  status: v.string(),
  health: v.string(),
  manufacturer: nullableText,
  model: nullableText,
});

export const Elevation = v.object({
  // the stored row, without the list's computed fields
  rack: v.omit(Rack, ['datacenter_name', 'server_count', 'used_u', 'allocated_w']),
  rack_id: n,
  u_capacity: n,
  used_u: n,
  free_u: n,
  utilization_pct: n,
  power: v.object({ capacity_w: n, allocated_w: n, utilization_pct: n }),
  units: v.array(v.object({ u: n, device_id: v.nullable(n) })),
  devices: v.array(ElevationDevice),
  free_ranges: v.array(v.object({ from: n, to: n, size: n })),
});

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
  rack_space: Utilization,
  power: Utilization,
  warranty: v.object({ expired: n, expiring_90d: n }),
  datacenters: v.array(DatacenterCapacity),
  generated_at: v.string(),
});
