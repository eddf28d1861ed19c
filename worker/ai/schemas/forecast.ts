import * as v from 'valibot';
import { queryId, queryInt } from '../../platform/schemas/common';

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
  offset: v.optional(queryInt(0), '0'),
});

/** A server's series (server_id) or a rack's own sensors (rack_id), one metric. */
export const SeriesForecastQuery = v.strictObject({
  server_id: v.optional(queryId('server')),
  rack_id: v.optional(queryId('rack')),
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

export const PueQuery = v.strictObject({
  datacenter_id: queryId('datacenter'),
  days: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, 'must be a whole number of days from 1 to 400'),
      v.transform(Number),
      v.minValue(1, 'must be from 1 to 400'),
      v.maxValue(400, 'must be from 1 to 400'),
    ),
    '28',
  ),
});

const PueHour = v.object({ ts: n, pue: n, min: n, max: n, it_kw: n, facility_kw: n });
export const PueReport = v.object({
  datacenter_id: n,
  datacenter: v.string(),
  design_target: v.nullable(n),
  /** facility energy over IT energy across the hours shown */
  mean: v.nullable(n),
  hours: v.array(PueHour),
  /** the hour under way, from the site's live object (null: no live readings this hour) */
  current: v.nullable(PueHour),
  /** a week ahead, hour by hour, with the 90 % interval (null: under two days of history) */
  forecast: v.nullable(
    v.object({
      start: n,
      method: v.string(),
      period: n,
      backtest: v.record(v.string(), n),
      history_hours: n,
      points: v.array(v.tuple([n, n, n])),
    }),
  ),
});
