// The standard telemetry metric names (units in the name), the one list shared by the Worker, the UI, the
// simulator, the benchmarks and the tests. No imports and erasable TypeScript only, so Node scripts can import it.

/** Standard per-server metrics. */
export const SERVER_METRICS = [
  'cpu_pct',
  'mem_pct',
  'disk_pct',
  'net_in_bps',
  'net_out_bps',
  'power_w',
  'inlet_temp_c',
  'outlet_temp_c',
  'fan_rpm',
] as const;
/** Standard per-rack metrics (PDU and rack sensors). */
export const RACK_METRICS = ['power_kw', 'inlet_temp_c', 'humidity_pct'] as const;
/** Standard per-datacenter metrics (facility meters), used for PUE. */
export const DATACENTER_METRICS = ['facility_power_kw'] as const;

export type ServerMetric = (typeof SERVER_METRICS)[number];
export type RackMetric = (typeof RACK_METRICS)[number];
export type MetricName = ServerMetric | RackMetric | (typeof DATACENTER_METRICS)[number];
