import type { RackSummary } from './protocol';

export interface LatestValue {
  server_id: number | null;
  metric: string;
  labels: Record<string, string>;
  ts: number;
  value: number;
}

/**
 * Labels that say where a sample came from, not what it measures: a `cpu_pct{job="node"}` pushed by Prometheus
 * is still the server's CPU. Any other label (fan="2", psu="1") makes a series a part, not the whole.
 */
const PROVENANCE = new Set(['job', 'exported_job', 'service_name', 'service_namespace', 'service_instance_id', 'host']);
export const isWholeDevice = (labels: Record<string, string>) => Object.keys(labels).every((k) => PROVENANCE.has(k));

/** A reading older than this no longer describes the rack (the sender stopped). */
export const FRESH_MS = 5 * 60_000;

/**
 * The rack's live summary from its latest values: IT power from the PDU when it is metered (it includes what
 * the servers do not report), otherwise the servers' own power; the hottest inlet of rack sensor and servers.
 */
export function summarizeRack(
  meta: { rack_id: number; datacenter_id: number; name: string; zone: string; power_capacity_kw: number },
  latest: LatestValue[],
  samplesTotal: number,
  now: number,
): RackSummary {
  let ts = 0;
  let pdu: number | null = null;
  let serverPowerW = 0;
  let serverPowerSeen = false;
  let inlet: number | null = null;
  let outlet: number | null = null;
  let humidity: number | null = null;
  const reporting = new Set<number>();
  const hi = (cur: number | null, v: number) => (cur === null || v > cur ? v : cur);
  for (const l of latest) {
    if (now - l.ts > FRESH_MS) continue;
    if (l.ts > ts) ts = l.ts;
    if (l.server_id !== null) reporting.add(l.server_id);
    if (!isWholeDevice(l.labels)) continue;
    if (l.server_id === null) {
      if (l.metric === 'power_kw') pdu = l.value;
      else if (l.metric === 'inlet_temp_c') inlet = hi(inlet, l.value);
      else if (l.metric === 'humidity_pct') humidity = l.value;
    } else if (l.metric === 'power_w') {
      serverPowerW += l.value;
      serverPowerSeen = true;
    } else if (l.metric === 'inlet_temp_c') inlet = hi(inlet, l.value);
    else if (l.metric === 'outlet_temp_c') outlet = hi(outlet, l.value);
  }
  const power_kw = pdu ?? (serverPowerSeen ? serverPowerW / 1000 : null);
  return {
    rack_id: meta.rack_id,
    datacenter_id: meta.datacenter_id,
    name: meta.name,
    zone: meta.zone,
    ts,
    power_kw: power_kw === null ? null : round(power_kw, 3),
    power_source: pdu !== null ? 'pdu' : serverPowerSeen ? 'servers' : null,
    power_capacity_kw: meta.power_capacity_kw,
    inlet_temp_c: inlet === null ? null : round(inlet, 2),
    outlet_temp_c: outlet === null ? null : round(outlet, 2),
    humidity_pct: humidity === null ? null : round(humidity, 1),
    servers_reporting: reporting.size,
    samples_total: samplesTotal,
  };
}

const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
