import type { Env } from '../env';

/** Telemetry limits and retention, from Worker vars (README § Configuration), with the defaults below. */
export interface TelemetryConfig {
  /** raw ring resolution: one sample per series per slot (the newest wins) */
  rawResolutionMs: number;
  /** raw ring length: slots = retention / resolution, so storage is bounded by construction */
  rawRetentionMs: number;
  /** series a rack object accepts; samples of further series are rejected and counted */
  maxSeriesPerRack: number;
  rollup1mRetentionMs: number;
  rollup1hRetentionMs: number;
  /** at most one WebSocket message per socket per this interval (updates in between are coalesced) */
  pushIntervalMs: number;
  /** request body caps: compressed/raw body, and the declared decoded size of a snappy body */
  maxBodyBytes: number;
  maxDecodedBytes: number;
  maxSamplesPerRequest: number;
  /** samples timestamped further than this in the future are refused one by one (clock skew allowance) */
  maxFutureSkewMs: number;
}

const num = (v: string | undefined, fallback: number, min = Number.MIN_VALUE) => {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) && n >= min ? n : fallback;
};

export function telemetryConfig(env: Partial<Env>): TelemetryConfig {
  return {
    rawResolutionMs: num(env.TELEMETRY_RAW_RESOLUTION_SECONDS, 10) * 1000,
    rawRetentionMs: num(env.TELEMETRY_RAW_RETENTION_HOURS, 48) * 3_600_000,
    maxSeriesPerRack: num(env.TELEMETRY_MAX_SERIES_PER_RACK, 5000),
    rollup1mRetentionMs: num(env.TELEMETRY_ROLLUP_1M_RETENTION_DAYS, 7) * 86_400_000,
    rollup1hRetentionMs: num(env.TELEMETRY_ROLLUP_1H_RETENTION_DAYS, 400) * 86_400_000,
    pushIntervalMs: num(env.TELEMETRY_PUSH_INTERVAL_MS, 250),
    maxBodyBytes: num(env.INGEST_MAX_BODY_BYTES, 10 * 1024 * 1024),
    maxDecodedBytes: num(env.INGEST_MAX_DECODED_BYTES, 64 * 1024 * 1024),
    maxSamplesPerRequest: num(env.INGEST_MAX_SAMPLES_PER_REQUEST, 100_000),
    maxFutureSkewMs: num(env.INGEST_MAX_FUTURE_SECONDS, 600, 0) * 1000,
  };
}

/** Canonical text of a label set: sorted, k="v" joined by ",". Part of a series' identity. */
export function canonicalLabels(labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return keys.map((k) => `${k}=${JSON.stringify(labels[k])}`).join(',');
}

export const seriesKey = (serverId: number | null, metric: string, labels: string) =>
  `${serverId ?? 'rack'}|${metric}|${labels}`;
