/** What the Worker knows about the rack, sent with every batch (the object has no D1 reads on its hot path). */
export interface RackMeta {
  rack_id: number;
  datacenter_id: number;
  name: string;
  zone: string;
  power_capacity_kw: number;
}

export interface IngestSample {
  server_id: number | null;
  metric: string;
  labels: Record<string, string>;
  ts: number;
  value: number;
}

export interface IngestResult {
  accepted: number;
  /** samples of series refused because the rack already holds TELEMETRY_MAX_SERIES_PER_RACK series */
  rejected: number;
  samples_total: number;
}

export interface RollupPoint {
  ts: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  p95: number;
}

export interface SeriesRange {
  server_id: number | null;
  metric: string;
  labels: Record<string, string>;
  /** 1-minute buckets kept in memory (the last hour, the current partial minute included), oldest first */
  minutes: RollupPoint[];
  /** raw samples (one per slot) from `from`, when asked */
  raw: [number, number][];
}

export interface RackStorageStats {
  series: number;
  /** rough size of the in-memory aggregates (buckets and sketch bins), for capacity planning */
  memory_estimate_bytes: number;
  ring_rows: number;
  database_bytes: number;
  ring_slots_per_series: number;
  samples_total: number;
  /** (series, bucket) rollups touched by accepted samples and not yet written to D1 */
  rollups_pending: number;
}

/** One series of a rack: its identity (server, metric, labels) and its id in the object's storage. */
export interface SeriesRef {
  id: number;
  key: string;
  server_id: number | null;
  metric: string;
  labels: Record<string, string>;
}

/** A series' anomaly scores as the rack object keeps them (worker/ai/rack-anomalies.ts). */
export interface SeriesAnomalies {
  metric: string;
  labels: Record<string, string>;
  /** [minute start (ms), highest score in that minute], oldest first */
  minutes: [number, number][];
  /** why its last sample scored what it did (null: none since the object started) */
  last: {
    ts: number;
    score: number;
    likelihood: number;
    lower: number | null;
    upper: number | null;
    fired: string[];
    surprise: number;
  } | null;
}
