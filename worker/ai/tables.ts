import { sqliteTable, text, integer, real, index, primaryKey } from 'drizzle-orm/sqlite-core';

/**
 * The nightly forecasting job's log: one row per run, moved along by the chunks that continue it (a cursor, so
 * 10k series spread over as many invocations as they need), with what each run cost.
 */
export const forecastRuns = sqliteTable(
  'forecast_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** nightly (the cron) or manual (POST /api/analytics/forecast-runs) */
    trigger: text('trigger').notNull(),
    /** running, done or failed */
    status: text('status').notNull().default('running'),
    started_at: integer('started_at').notNull(),
    finished_at: integer('finished_at'),
    /** the last rack whose series are done (racks are taken in id order) */
    cursor_rack_id: integer('cursor_rack_id').notNull().default(0),
    chunks: integer('chunks').notNull().default(0),
    series: integer('series').notNull().default(0),
    /** series with too little history to forecast (under two days of hours) */
    skipped: integer('skipped').notNull().default(0),
    /** time the chunks took (reads, forecasting, writes), summed, and the longest one's */
    compute_ms: real('compute_ms').notNull().default(0),
    max_chunk_ms: real('max_chunk_ms').notNull().default(0),
    /** methods chosen, by name: counts */
    methods: text('methods', { mode: 'json' }).$type<Record<string, number>>().notNull().default({}),
    error: text('error'),
  },
  (t) => [index('forecast_runs_status_idx').on(t.status, t.id)],
);

/** The latest forecast of each hourly series: the next week hour by hour with its 90 % interval. */
export const seriesForecasts = sqliteTable(
  'series_forecasts',
  {
    rack_id: integer('rack_id').notNull(),
    /** 0 for the rack's own sensors */
    server_id: integer('server_id').notNull(),
    metric: text('metric').notNull(),
    labels: text('labels').notNull(),
    run_id: integer('run_id').notNull(),
    computed_at: integer('computed_at').notNull(),
    /** the first forecast hour (ms) */
    start: integer('start').notNull(),
    method: text('method').notNull(),
    period: integer('period').notNull(),
    /** each method's backtest error, scaled by the daily seasonal naive's in-sample error (MASE) */
    backtest: text('backtest', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    history_hours: integer('history_hours').notNull(),
    /** [forecast, lower, upper] per hour */
    points: text('points', { mode: 'json' }).$type<[number, number, number][]>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.rack_id, t.server_id, t.metric, t.labels] }),
    index('series_forecasts_server_idx').on(t.server_id, t.metric),
  ],
);
