import type { Api } from '../platform/http/api';
import { strictQuery } from '../platform/http/query-params';
import { parseOrThrow } from '../platform/http/validation';
import { unprocessable } from '../platform/http/problem';
import { visibleRack, visibleServer } from '../telemetry/query';
import { devicePatterns } from './patterns';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';
import { AnomalyQuery, PatternQuery, SeriesAnomalies, SeriesPattern } from './schemas/anomalies';
import { AnomalyFeedItem, AnomalyFeedQuery } from './schemas/feed';
import { FailureRiskQuery, ServerFailureRisk, StorageDiskRisk, StorageDiskRiskQuery } from './schemas/risk';
import { IdParams } from '../platform/http/resource';
import { storageDiskRiskOf, storageDiskRisks } from './storage-failure-risk';
import { ForecastRun, PueQuery, PueReport, RunsQuery, SeriesForecast, SeriesForecastQuery } from './schemas/forecast';
import { pueReport } from './pue';
import { failureRisks } from './failure-risk';
import { anomalyFeed } from './anomaly-feed';
import { continueRun, listRuns, startRun } from './forecast-job';
import { storedForecasts } from './series-forecasts';
import { serverForecasts } from './server-forecasts';
import { ServerForecasts } from './schemas/server-forecast';

const HOUR = 3_600_000;

export function mountAi(api: Api) {
  api.op(
    {
      method: 'get',
      path: '/metrics/servers/anomalies',
      summary: "A server's anomaly scores: per series, the highest score of each minute and why the last one scored",
      description:
        'Every series of the server (standard metrics and custom ones) is scored in its rack object by the ' +
        'streaming detector, sample by sample, in [0, 1]. from/to: ms, ISO 8601 or relative (-6h); default the ' +
        'last 6 hours; per-minute scores are kept 24 h. `last` explains the latest sample: the band the detector ' +
        'expected, which of its parts fired, and how unusual (likelihood).',
      tags: ['AI operations'],
      access: 'inventory:read',
      query: AnomalyQuery,
      rawQuery: true,
      responses: [
        { status: 200, description: 'Scores per series', schema: SeriesAnomalies, name: 'SeriesAnomalies', list: true },
      ],
    },
    async (c, { ctx }) => {
      const q = parseOrThrow(AnomalyQuery, strictQuery(c.req.url), 'query.');
      const server = await visibleServer(ctx, q.server_id);
      const to = q.to ?? Date.now();
      const from = q.from ?? to - 6 * HOUR;
      if (from >= to) throw unprocessable([{ field: 'query.from', message: 'must be before "to"' }]);
      const series = await rackTelemetry(ctx.env, server.rack_id).anomalies({ server_id: server.server_id, from, to });
      return c.json(series.sort((a, b) => a.metric.localeCompare(b.metric)));
    },
  );
  api.op(
    {
      method: 'get',
      path: '/metrics/patterns',
      summary: "Daily and weekly patterns of a server's series (server_id) or of a rack's own sensors (rack_id)",
      description:
        'Found by autocorrelation in the last 28 days of hourly averages: a daily pattern (its peak and low hour, ' +
        'UTC, against the mean) from 3 days of data, a weekly one (the weekend against the working days) from ' +
        '14. `summary` says it in words. The streaming detector learns the same rhythms as its hourly bands.',
      tags: ['AI operations'],
      access: 'inventory:read',
      query: PatternQuery,
      rawQuery: true,
      responses: [
        { status: 200, description: 'Patterns per series', schema: SeriesPattern, name: 'SeriesPattern', list: true },
      ],
    },
    async (c, { ctx }) => {
      const q = parseOrThrow(PatternQuery, strictQuery(c.req.url), 'query.');
      if ((q.server_id === undefined) === (q.rack_id === undefined)) {
        throw unprocessable([{ field: 'query.server_id', message: 'give server_id or rack_id (one of them)' }]);
      }
      const device =
        q.server_id !== undefined
          ? await visibleServer(ctx, q.server_id)
          : { ...(await visibleRack(ctx, q.rack_id!)), server_id: 0 };
      return c.json(await devicePatterns(ctx, { rack_id: device.rack_id, server_id: device.server_id }));
    },
  );
  api.op(
    {
      method: 'get',
      path: '/analytics/forecast-runs',
      summary: 'The nightly forecasting job log: one row per run, newest first',
      description:
        'A run forecasts every hourly series of utilisation, power and temperature (servers: cpu_pct, mem_pct, ' +
        'power_w, inlet_temp_c; racks: power_kw, inlet_temp_c) a week ahead, rack by rack; each invocation stops ' +
        'after FORECAST_CHUNK_MS and the next continues from `cursor_rack_id`. `compute_ms` sums the chunks, ' +
        '`max_chunk_ms` is the longest; `methods` counts the methods the backtests chose.',
      tags: ['AI operations'],
      access: 'inventory:read',
      query: RunsQuery,
      responses: [{ status: 200, description: 'Runs', schema: ForecastRun, name: 'ForecastRun', list: true }],
    },
    async (c, { ctx, query }) => {
      const { rows, total } = await listRuns(ctx.db, query.limit, query.offset);
      c.header('X-Total-Count', String(total));
      return c.json(rows);
    },
  );
  api.op(
    {
      method: 'post',
      path: '/analytics/forecast-runs',
      summary: 'Forecast now: start a run (or join the one running) and do its first chunk',
      description: 'The minute trigger continues the run until every rack is done.',
      tags: ['AI operations'],
      access: 'inventory:write',
      responses: [
        { status: 202, description: 'The run after its first chunk', schema: ForecastRun, name: 'ForecastRun' },
      ],
    },
    async (c, { ctx }) => {
      const run = await startRun(ctx.db, 'manual');
      return c.json((await continueRun(ctx.env)) ?? run, 202);
    },
  );
  api.op(
    {
      method: 'get',
      path: '/metrics/forecast',
      summary: "The latest nightly forecast of a server's metric (server_id) or a rack sensor's (rack_id)",
      description:
        'A week ahead, hour by hour, with the 90 % interval, the method its backtest chose, and the last week of ' +
        'hourly means it continues. One element per label set; empty before the first run or with under two days ' +
        'of history.',
      tags: ['AI operations'],
      access: 'inventory:read',
      query: SeriesForecastQuery,
      responses: [
        { status: 200, description: 'Forecasts', schema: SeriesForecast, name: 'SeriesForecast', list: true },
      ],
    },
    async (c, { ctx, query }) => {
      if ((query.server_id === undefined) === (query.rack_id === undefined)) {
        throw unprocessable([{ field: 'query.server_id', message: 'give server_id or rack_id (one of them)' }]);
      }
      const device =
        query.server_id !== undefined
          ? await visibleServer(ctx, query.server_id)
          : { ...(await visibleRack(ctx, query.rack_id!)), server_id: 0 };
      const rows = await storedForecasts(
        ctx.db,
        { rack_id: device.rack_id, server_id: device.server_id },
        query.metric,
      );
      c.header('X-Total-Count', String(rows.length));
      return c.json(rows);
    },
  );
  api.op(
    {
      method: 'get',
      path: '/servers/{id}/forecasts',
      summary: "Every nightly forecast of a server's series, with when each reaches its limit",
      description:
        'The same forecasts as `GET /metrics/forecast`, every metric at once (one element per series), each with ' +
        'the last week of hourly means it continues. `limit`: disk_pct against 100 % (as the disk_full_forecast ' +
        'inventory check counts it) and cpu_pct against 90 %, with the hours from now until the forecast reaches ' +
        'it. Empty `forecasts` before the first run (`last_run_at` null) or with under two days of history.',
      tags: ['AI operations'],
      access: 'inventory:read',
      params: IdParams,
      responses: [
        { status: 200, description: 'Forecasts', schema: ServerForecasts, name: 'ServerForecasts' },
        { status: 404, description: 'No such server (or not visible to the caller)' },
      ],
    },
    async (c, { ctx, params }) => {
      const server = await visibleServer(ctx, params.id);
      return c.json(await serverForecasts(ctx.db, server, Date.now()));
    },
  );
  api.op(
    {
      method: 'get',
      path: '/analytics/pue',
      summary: "A site's PUE hour by hour over the last `days` (28), and a week ahead with its 90 % interval",
      description:
        "Each hour is facility energy over IT energy as the site's live object summed them from the facility " +
        "meter's readings and the site's IT power at each (all its racks', whatever the caller may see). The " +
        'forecast learns the daily rhythm (cooling follows the outside temperature) from the last four weeks.',
      tags: ['AI operations'],
      access: 'inventory:read',
      query: PueQuery,
      responses: [{ status: 200, description: 'PUE history and forecast', schema: PueReport, name: 'PueReport' }],
    },
    async (c, { ctx, query }) => c.json(await pueReport(ctx, query)),
  );
  api.op(
    {
      method: 'get',
      path: '/analytics/failure-risk',
      summary: 'Servers most likely to fail, highest first, each with the evidence behind its risk',
      description:
        'Evidence: EDAC memory errors (node_edac_*), IPMI power supply and fan sensors (ipmi_sensor_state), ' +
        'stopped fans (fan_rpm), hours of inlet above 27 °C in 7 days, disks at risk from SMART ' +
        '(smartctl_device_attribute or smart_<id>_raw|normalized series, scored by the trained disk model), ' +
        'age past five years, alerts in 30 days, reported health; warranty is shown, not counted. Each kind is a ' +
        'stated chance set by hand (there are no labelled server failures to learn from), combined as ' +
        'independent causes; `coverage` says what data there was.',
      tags: ['AI operations'],
      access: 'inventory:read',
      query: FailureRiskQuery,
      responses: [
        { status: 200, description: 'Servers', schema: ServerFailureRisk, name: 'ServerFailureRisk', list: true },
      ],
    },
    async (c, { ctx, query }) => {
      const { total, rows } = await failureRisks(ctx, query);
      c.header('X-Total-Count', String(total));
      return c.json(rows);
    },
  );
  const storageRiskDescription =
    "Each member disk is scored by the trained disk model from the SMART series that landed on the array's rack " +
    '(smartctl_device_attribute or smart_<id>_raw|normalized, sent naming the array by name, serial or management ' +
    "address; the sender's `device` label names the disk). level high: members at risk as many as the RAID layout " +
    'may lose; medium: fewer; low: an error counter moved on a disk not flagged; none: nothing, or no SMART data ' +
    '(`coverage` says which).';
  api.op(
    {
      method: 'get',
      path: '/analytics/storage-disk-risk',
      summary: 'Storage systems by the disk risk of their members, highest first, with the evidence',
      description: `${storageRiskDescription} Every level is listed by default, so that an array without SMART data shows.`,
      tags: ['AI operations'],
      access: 'inventory:read',
      query: StorageDiskRiskQuery,
      responses: [
        { status: 200, description: 'Storage systems', schema: StorageDiskRisk, name: 'StorageDiskRisk', list: true },
      ],
    },
    async (c, { ctx, query }) => {
      const { total, rows } = await storageDiskRisks(ctx, query);
      c.header('X-Total-Count', String(total));
      return c.json(rows);
    },
  );
  api.op(
    {
      method: 'get',
      path: '/storage/{id}/disk-risk',
      summary: "A storage system's disk risk: members at risk, the worst, and the evidence",
      description: storageRiskDescription,
      tags: ['Storage'],
      access: 'inventory:read',
      params: IdParams,
      responses: [
        { status: 200, description: 'The disk risk', schema: StorageDiskRisk, name: 'StorageDiskRisk' },
        { status: 404, description: 'No such storage system' },
      ],
    },
    async (c, { ctx, params }) => c.json(await storageDiskRiskOf(ctx, params.id)),
  );
  api.op(
    {
      method: 'get',
      path: '/analytics/anomalies',
      summary: 'The anomaly feed: alerts of anomaly rules, newest first, each with its explanation and context',
      description:
        "Each carries the detector's explanation (the band it expected, what it saw, the parts that fired, how " +
        'unusual) and the minute means of its series from 30 minutes before to 30 after (what the rack objects ' +
        'have flushed to D1: the last minutes of a fresh anomaly follow within a minute).',
      tags: ['AI operations'],
      access: 'alerts:read',
      query: AnomalyFeedQuery,
      responses: [
        { status: 200, description: 'Anomalies', schema: AnomalyFeedItem, name: 'AnomalyFeedItem', list: true },
      ],
    },
    async (c, { ctx, query }) => {
      const { total, items } = await anomalyFeed(ctx, query);
      c.header('X-Total-Count', String(total));
      return c.json(items);
    },
  );
}
