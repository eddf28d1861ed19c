/**
 * The one shape every ingest format decodes to (worker/telemetry/ingest/*), before devices are resolved
 * (worker/telemetry/resolve.ts) and samples are routed to rack Durable Objects.
 */

/** Prometheus metric name rules: custom metrics must match this. */
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Prometheus label name rules. */
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export { SERVER_METRICS, RACK_METRICS, DATACENTER_METRICS } from './metric-names';

/**
 * How a sample names its device. Decoders fill what the payload says; the resolver matches it against the
 * inventory. A sample with `server`, `serial` or `instance` is a server sample; with only `rack` it is a rack
 * sample; with only `datacenter` it is a facility sample.
 */
export interface DeviceRef {
  /** server id, name or serial number (our JSON format's "server", label "server") */
  server?: string;
  /** serial number (label "serial") */
  serial?: string;
  /** Prometheus "instance" label: host[:port]; matched against server name, ip_address and management_ip */
  instance?: string;
  /** rack id or name (label "rack") */
  rack?: string;
  /** datacenter id or name (label "datacenter") */
  datacenter?: string;
}

export interface ParsedSample {
  device: DeviceRef;
  /** a Prometheus-valid metric name */
  metric: string;
  value: number;
  /** Unix milliseconds */
  ts: number;
  /** labels other than the ones that named the device (and other than __name__), as sent */
  labels: Record<string, string>;
}

/**
 * A decoder's complaint about its input: becomes a 400 problem (or 413 for size) naming `where` (line number,
 * series index, JSON pointer).
 */
export class IngestDecodeError extends Error {
  constructor(
    message: string,
    /** e.g. "line 12", "timeseries[3]", "resourceMetrics[0].scopeMetrics[0].metrics[2]" */
    readonly where: string,
    readonly status: 400 | 413 | 415 = 400,
  ) {
    super(message);
  }
}

/** Labels that name a device; decoders move them from `labels` into `device`. */
export const DEVICE_LABELS = ['server', 'serial', 'instance', 'rack', 'datacenter'] as const;

export function splitDeviceLabels(all: Record<string, string>): { device: DeviceRef; labels: Record<string, string> } {
  const device: DeviceRef = {};
  const labels: Record<string, string> = {};
  // with a server or instance named, "serial" describes a part (node_disk_info{serial=...}), not the server
  const named = !!(all.server || all.instance);
  for (const [k, v] of Object.entries(all)) {
    if ((DEVICE_LABELS as readonly string[]).includes(k) && v !== '' && !(k === 'serial' && named)) {
      device[k as keyof DeviceRef] = v;
    } else labels[k] = v;
  }
  return { device, labels };
}
