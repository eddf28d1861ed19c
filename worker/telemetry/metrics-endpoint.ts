import type { Env } from '../env';
import type { Actor } from '../platform/context';
import { rawVisibleClause } from '../platform/access/entities';
import { alertEntity } from '../alerting/access';
import { SEVERITIES } from '../alerting/schemas/alert-rule';
import { rackEntity } from '../dcim/access';
import { Exposition } from './exposition';
import { mapLimit } from '../../util/map-limit';
import type { RackSummary } from './protocol';
import type { LatestValue } from './rack-summary';
import { FRESH_MS, isWholeDevice } from './rack-summary';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';
import { datacenterLive } from '../../durable-objects/datacenter-client';

/** Per-server families: our metric name → exposition name, help. */
const SERVER_FAMILIES: [string, string, string][] = [
  ['cpu_pct', 'dcp_server_cpu_percent', 'CPU utilisation (percent), latest sample'],
  ['mem_pct', 'dcp_server_memory_percent', 'Memory utilisation (percent), latest sample'],
  ['disk_pct', 'dcp_server_disk_percent', 'Disk utilisation (percent), latest sample'],
  // promtool wants base units: bytes, so our bit/s samples are divided by 8
  ['net_in_bps', 'dcp_server_network_receive_bytes_per_second', 'Network receive rate (bytes/s), latest sample'],
  ['net_out_bps', 'dcp_server_network_transmit_bytes_per_second', 'Network transmit rate (bytes/s), latest sample'],
  ['power_w', 'dcp_server_power_watts', 'Server power draw (W), latest sample'],
  ['inlet_temp_c', 'dcp_server_inlet_temperature_celsius', 'Server inlet temperature (°C), latest sample'],
  ['outlet_temp_c', 'dcp_server_outlet_temperature_celsius', 'Server outlet temperature (°C), latest sample'],
  ['fan_rpm', 'dcp_server_fan_rpm', 'Fan speed (rpm), latest sample'],
];
/** The /metrics family a server metric is exposed as, and the factor from our unit to its unit (bits to bytes). */
export function exposedFamily(metric: string): { family: string; factor: number } | undefined {
  const f = SERVER_FAMILIES.find(([m]) => m === metric);
  if (!f) return undefined;
  return { family: f[1], factor: metric === 'net_in_bps' || metric === 'net_out_bps' ? 1 / 8 : 1 };
}

const FORMATS = ['json', 'prom_remote_write', 'otlp', 'influx', 'prom_push'];

interface RackRow {
  rack_id: number;
  rack: string;
  datacenter_id: number;
  datacenter: string;
  zone: string;
  u_capacity: number;
  power_capacity_kw: number;
  u_used: number;
}

/**
 * The platform's own gauges for Prometheus to scrape (GET /metrics): inventory from D1, live values from the
 * datacenter and rack objects, filtered by the caller's clearance like every other read.
 */
export async function renderMetrics(env: Env, actor: Actor | null, now = Date.now()): Promise<string> {
  const zones = rawVisibleClause(actor, rackEntity, 'r', '?1');
  const zoneFilter = zones ? `WHERE ${zones.sql}` : '';
  const bind = zones?.bind ?? [];
  const alertZones = rawVisibleClause(actor, alertEntity, 'a', '?1');
  const [racksRes, serversRes, dcsRes, unmatchedRes, namesRes, alertsRes] = await env.DB.batch([
    env.DB.prepare(
      `SELECT r.id AS rack_id, r.name AS rack, r.datacenter_id, d.name AS datacenter, r.security_zone AS zone,
              r.u_capacity, r.power_capacity_kw,
              COALESCE((SELECT SUM(s.u_size) FROM servers s WHERE s.rack_id = r.id), 0) AS u_used
         FROM racks r JOIN datacenters d ON d.id = r.datacenter_id ${zoneFilter} ORDER BY r.id`,
    ).bind(...bind),
    env.DB.prepare(
      `SELECT d.name AS datacenter, s.status, COUNT(*) AS n FROM servers s JOIN racks r ON r.id = s.rack_id
         JOIN datacenters d ON d.id = r.datacenter_id ${zoneFilter} GROUP BY d.name, s.status ORDER BY d.name, s.status`,
    ).bind(...bind),
    env.DB.prepare('SELECT id, name, power_capacity_mw FROM datacenters ORDER BY id'),
    env.DB.prepare('SELECT format, SUM(samples) AS n FROM ingest_unmatched GROUP BY format'),
    env.DB.prepare(`SELECT s.id, s.name FROM servers s JOIN racks r ON r.id = s.rack_id ${zoneFilter}`).bind(...bind),
    env.DB.prepare(
      `SELECT a.severity, COUNT(*) AS n FROM alerts a WHERE a.status <> 'resolved'${alertZones ? ` AND ${alertZones.sql}` : ''} GROUP BY a.severity`,
    ).bind(...(alertZones?.bind ?? [])),
  ]);
  const serverNames = new Map((namesRes.results as { id: number; name: string }[]).map((s) => [s.id, s.name]));
  const racks = racksRes.results as unknown as RackRow[];
  const dcs = dcsRes.results as unknown as { id: number; name: string; power_capacity_mw: number | null }[];
  const clearance = actor?.clearance ?? null;

  const views = await mapLimit(dcs, 8, (d) => datacenterLive(env, d.id).view(clearance, now, d.id));
  const live = await mapLimit(racks, 32, (r) => rackTelemetry(env, r.rack_id).latest());
  const summaries = new Map<number, RackSummary>();
  for (const v of views) for (const r of v.racks) summaries.set(r.rack_id, r);

  const x = new Exposition();
  x.family('dcp_rack_power_kw', 'gauge', 'Rack IT power (kW): PDU when metered, else the sum of its servers')
    .family('dcp_rack_power_capacity_kw', 'gauge', 'Rack power budget (kW)')
    .family('dcp_rack_power_utilization_ratio', 'gauge', 'Rack power draw over its budget')
    .family('dcp_rack_inlet_temperature_celsius', 'gauge', 'Hottest inlet temperature in the rack (°C)')
    .family('dcp_rack_outlet_temperature_celsius', 'gauge', 'Hottest outlet temperature in the rack (°C)')
    .family('dcp_rack_humidity_percent', 'gauge', 'Rack relative humidity (percent)')
    .family('dcp_rack_u_used', 'gauge', 'Rack units occupied')
    .family('dcp_rack_u_capacity', 'gauge', 'Rack units in the rack')
    .family('dcp_rack_u_utilization_ratio', 'gauge', 'Rack units occupied over capacity')
    .family('dcp_rack_samples_ingested_total', 'counter', 'Samples accepted by the rack since it was created');
  const formatTotals: Record<string, number> = {};
  racks.forEach((r, i) => {
    const l = { datacenter: r.datacenter, rack: r.rack, rack_id: r.rack_id, zone: r.zone };
    const s = summaries.get(r.rack_id) ?? live[i].summary;
    const fresh = s && now - s.ts <= FRESH_MS;
    x.sample('dcp_rack_power_capacity_kw', l, r.power_capacity_kw)
      .sample('dcp_rack_u_used', l, r.u_used)
      .sample('dcp_rack_u_capacity', l, r.u_capacity)
      .sample('dcp_rack_u_utilization_ratio', l, r.u_capacity ? round(r.u_used / r.u_capacity) : null)
      .sample('dcp_rack_samples_ingested_total', l, live[i].summary?.samples_total ?? 0);
    if (fresh) {
      x.sample('dcp_rack_power_kw', l, s.power_kw)
        .sample(
          'dcp_rack_power_utilization_ratio',
          l,
          s.power_kw !== null && r.power_capacity_kw ? round(s.power_kw / r.power_capacity_kw) : null,
        )
        .sample('dcp_rack_inlet_temperature_celsius', l, s.inlet_temp_c)
        .sample('dcp_rack_outlet_temperature_celsius', l, s.outlet_temp_c)
        .sample('dcp_rack_humidity_percent', l, s.humidity_pct);
    }
    for (const [f, n] of Object.entries(live[i].format_totals)) formatTotals[f] = (formatTotals[f] ?? 0) + n;
  });

  x.family('dcp_datacenter_it_power_kw', 'gauge', 'Datacenter IT power (kW), sum of its racks')
    .family('dcp_datacenter_facility_power_kw', 'gauge', 'Datacenter facility power (kW), metered')
    .family('dcp_datacenter_pue', 'gauge', 'Power usage effectiveness: facility over IT power, both metered')
    .family('dcp_datacenter_power_capacity_kw', 'gauge', 'Datacenter power capacity (kW)');
  dcs.forEach((d, i) => {
    const l = { datacenter: d.name };
    const sum = views[i].summary;
    x.sample('dcp_datacenter_it_power_kw', l, sum.racks_reporting ? sum.it_power_kw : null)
      .sample('dcp_datacenter_facility_power_kw', l, sum.facility_power_kw)
      .sample('dcp_datacenter_pue', l, sum.pue)
      .sample('dcp_datacenter_power_capacity_kw', l, d.power_capacity_mw === null ? null : d.power_capacity_mw * 1000);
  });

  x.family('dcp_servers', 'gauge', 'Servers by datacenter and status');
  for (const r of serversRes.results as { datacenter: string; status: string; n: number }[]) {
    x.sample('dcp_servers', { datacenter: r.datacenter, status: r.status }, r.n);
  }
  x.family('dcp_racks', 'gauge', 'Racks by datacenter');
  const rackCounts = new Map<string, number>();
  for (const r of racks) rackCounts.set(r.datacenter, (rackCounts.get(r.datacenter) ?? 0) + 1);
  for (const [dc, n] of rackCounts) x.sample('dcp_racks', { datacenter: dc }, n);
  x.family('dcp_alerts_active', 'gauge', 'Open alerts (firing or acknowledged) by severity');
  const openBySeverity = new Map(
    (alertsRes.results as { severity: string; n: number }[]).map((r) => [r.severity, r.n]),
  );
  for (const severity of SEVERITIES) x.sample('dcp_alerts_active', { severity }, openBySeverity.get(severity) ?? 0);

  for (const [, name, help] of SERVER_FAMILIES) x.family(name, 'gauge', help);
  const byMetric = new Map(SERVER_FAMILIES.map(([m, name]) => [m, name]));
  live.forEach((l, i) => {
    const r = racks[i];
    for (const v of l.values as LatestValue[]) {
      const family = v.server_id !== null && isWholeDevice(v.labels) ? byMetric.get(v.metric) : undefined;
      if (!family || now - v.ts > FRESH_MS) continue;
      const server = serverNames.get(v.server_id!);
      if (server === undefined) continue;
      const value = v.metric === 'net_in_bps' || v.metric === 'net_out_bps' ? v.value / 8 : v.value;
      x.sample(family, { datacenter: r.datacenter, rack: r.rack, server, server_id: v.server_id! }, value);
    }
  });

  x.family('dcp_ingest_samples_total', 'counter', 'Samples accepted, by ingest format');
  for (const f of FORMATS) x.sample('dcp_ingest_samples_total', { format: f }, formatTotals[f] ?? 0);
  x.family('dcp_ingest_unmatched_series_total', 'counter', 'Samples whose device matched nothing, by format');
  const unmatched = new Map((unmatchedRes.results as { format: string; n: number }[]).map((u) => [u.format, u.n]));
  for (const f of FORMATS) x.sample('dcp_ingest_unmatched_series_total', { format: f }, unmatched.get(f) ?? 0);
  return x.toString();
}

const round = (v: number) => Math.round(v * 10_000) / 10_000;
