import { sqliteTable, text, integer, real, index, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * Completed aggregates flushed by each rack's Durable Object (durable-objects/rack-telemetry.ts): 1-minute
 * buckets, kept TELEMETRY_ROLLUP_1M_RETENTION_DAYS, and 1-hour buckets kept TELEMETRY_ROLLUP_1H_RETENTION_DAYS
 * (compaction by cron). A bucket is written once when it completes; samples arriving later for it are merged in
 * (counts and sums add, min/max/last combine, p95 keeps the larger: an upper bound for such buckets).
 */
export const metricRollups = sqliteTable(
  'metric_rollups',
  {
    rack_id: integer('rack_id').notNull(),
    /** 0 for rack-level series (PDU, rack sensors) */
    server_id: integer('server_id').notNull(),
    metric: text('metric').notNull(),
    /** canonical label set (sorted k="v" joined by ","), '' when none */
    labels: text('labels').notNull(),
    /** 60 or 3600 */
    step_s: integer('step_s').notNull(),
    /** Unix ms, aligned to step_s */
    bucket_start: integer('bucket_start').notNull(),
    count: integer('count').notNull(),
    sum: real('sum').notNull(),
    min: real('min').notNull(),
    max: real('max').notNull(),
    last: real('last').notNull(),
    /** when `last` was sampled: a later flush of the same bucket (late samples) keeps the newer one */
    last_ts: integer('last_ts').notNull(),
    p95: real('p95').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.rack_id, t.server_id, t.metric, t.step_s, t.bucket_start, t.labels] }),
    index('metric_rollups_server').on(t.server_id, t.metric, t.step_s, t.bucket_start),
    index('metric_rollups_age').on(t.step_s, t.bucket_start),
  ],
);

/**
 * How far each rack object has flushed, written in the same batch as the rollups: after a restart the object
 * re-aggregates exactly the samples after these marks, so a flush is never counted twice or lost.
 */
export const rollupWatermarks = sqliteTable('rollup_watermarks', {
  rack_id: integer('rack_id').primaryKey(),
  flushed_1m: integer('flushed_1m').notNull(),
  flushed_1h: integer('flushed_1h').notNull(),
});

/** Series that named no known device: counted and listed (GET /api/metrics/unmatched), never silently dropped. */
export const ingestUnmatched = sqliteTable(
  'ingest_unmatched',
  {
    format: text('format').notNull(),
    /** how the series named its device, e.g. instance="10.0.0.9:9100" */
    device: text('device').notNull(),
    example_metric: text('example_metric').notNull(),
    samples: integer('samples').notNull(),
    first_seen: text('first_seen').notNull(),
    last_seen: text('last_seen').notNull(),
  },
  (t) => [primaryKey({ columns: [t.format, t.device] })],
);

/**
 * Each datacenter's PUE hour by hour: the facility meter's readings and the site's IT power at each of them
 * (all its racks', as the live view computes it), summed over the hour by its DatacenterLive object and written
 * when the hour is over; the demo's simulated history writes them too. PUE for the hour is facility_sum / it_sum.
 */
export const pueRollups = sqliteTable(
  'pue_rollups',
  {
    datacenter_id: integer('datacenter_id').notNull(),
    /** Unix ms, on the hour */
    bucket_start: integer('bucket_start').notNull(),
    count: integer('count').notNull(),
    facility_sum: real('facility_sum').notNull(),
    it_sum: real('it_sum').notNull(),
    pue_min: real('pue_min').notNull(),
    pue_max: real('pue_max').notNull(),
  },
  (t) => [primaryKey({ columns: [t.datacenter_id, t.bucket_start] }), index('pue_rollups_age').on(t.bucket_start)],
);
