import * as v from 'valibot';

// Only valibot here: the UI imports these.

const n = v.number();
export const ForecastRun = v.object({
  id: n,
  trigger: v.string(),
  status: v.picklist(['running', 'done', 'failed']),
  started_at: n,
  finished_at: v.nullable(n),
  cursor_rack_id: n,
  chunks: n,
  series: n,
  skipped: n,
  compute_ms: n,
  max_chunk_ms: n,
  methods: v.record(v.string(), n),
  error: v.nullable(v.string()),
});

export const RunsQuery = v.strictObject({
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d+$/, 'must be a whole number'), v.transform(Number), v.minValue(1), v.maxValue(100)),
    '20',
  ),
  offset: v.optional(v.pipe(v.string(), v.regex(/^\d+$/, 'must be a whole number'), v.transform(Number)), '0'),
});

/** A server's series (server_id) or a rack's own sensors (rack_id), one metric. */
export const SeriesForecastQuery = v.strictObject({
  server_id: v.optional(v.pipe(v.string(), v.regex(/^\d+$/, 'must be a server id'), v.transform(Number))),
  rack_id: v.optional(v.pipe(v.string(), v.regex(/^\d+$/, 'must be a rack id'), v.transform(Number))),
  metric: v.pipe(v.string(), v.minLength(1, 'is required'), v.maxLength(200)),
});

export const SeriesForecast = v.object({
  metric: v.string(),
  labels: v.string(),
  run_id: n,
  computed_at: n,
  start: n,
  method: v.string(),
  period: n,
  backtest: v.record(v.string(), n),
  history_hours: n,
  /** [forecast, lower, upper] for each hour from `start` */
  points: v.array(v.tuple([n, n, n])),
  /** the last week of hourly means, [hour start, mean], for the chart */
  history: v.array(v.tuple([n, n])),
});
