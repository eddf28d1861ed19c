import * as v from 'valibot';
import { parseDuration } from '../../util/duration';
import { instant } from '../platform/schemas/common';
import type { Api } from '../platform/http/api';
import { IdParams } from '../platform/http/resource';
import { notFound, unprocessable } from '../platform/http/problem';
import { METRIC_NAME } from './samples';
import { STEPS } from './series-math';
import { latestValues, querySeries, visibleRack, visibleRacks, visibleServer } from './query';
import { latestByServer, latestListQuery, ServerLatest } from './latest-by-server';
import { strictQuery } from '../platform/http/query-params';
import { parseOrThrow } from '../platform/http/validation';
import { paginationLinks } from '../platform/http/pagination';
import { MAX_LIST_VALUES } from '../platform/http/list-query';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';
import { datacenterLive } from '../../durable-objects/datacenter-client';

const idList = (what: string) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+(,\d+)*$/, `must be a comma-separated list of ${what} ids`),
    v.transform((s) => s.split(',').map(Number)),
    v.check((ids) => ids.length <= MAX_LIST_VALUES, `at most ${MAX_LIST_VALUES} ids`),
  );
const metricList = v.pipe(
  v.string(),
  v.transform((s) => s.split(',').map((m) => m.trim())),
  v.check((ms) => ms.length > 0 && ms.length <= 50 && ms.every((m) => METRIC_NAME.test(m)), 'must be metric names'),
);
const step = v.pipe(
  v.string(),
  v.transform((s) => parseDuration(s) / 1000),
  v.check(
    (n) => (STEPS as readonly number[]).includes(n),
    `must be one of ${STEPS.join(', ')} seconds (or 1m, 5m, 1h…)`,
  ),
);

const RangeQuery = v.object({
  metric: metricList,
  from: v.optional(instant),
  to: v.optional(instant),
  step: v.optional(step),
});
const ServerRange = v.object({
  server_id: v.pipe(v.string(), v.regex(/^\d+$/, 'must be a server id'), v.transform(Number)),
  ...RangeQuery.entries,
});
const RackRange = v.object({
  rack_id: v.pipe(v.string(), v.regex(/^\d+$/, 'must be a rack id'), v.transform(Number)),
  ...RangeQuery.entries,
});

const Point = v.object({
  ts: v.number(),
  avg: v.number(),
  min: v.number(),
  max: v.number(),
  p95: v.number(),
  last: v.number(),
  count: v.number(),
});
const Series = v.object({
  server_id: v.nullable(v.number()),
  rack_id: v.number(),
  metric: v.string(),
  labels: v.record(v.string(), v.string()),
  step_s: v.number(),
  points: v.array(Point),
});
const Latest = v.object({
  server_id: v.nullable(v.number()),
  rack_id: v.number(),
  metric: v.string(),
  labels: v.record(v.string(), v.string()),
  ts: v.number(),
  value: v.number(),
});

const HOUR = 3_600_000;
/** any of these asks GET /metrics/servers for one server's history rather than the latest of all */
const HISTORY_PARAMS = Object.keys(ServerRange.entries);

export function mountQueryRoutes(api: Api) {
  api.op(
    {
      method: 'get',
      path: '/metrics/servers',
      summary: "Server metrics: the latest of every visible server, or one server's history (with server_id)",
      description:
        'Without server_id: a page of servers (limit/offset, X-Total-Count, Link; filters datacenter_id, rack_id, ' +
        'type) with the latest value of each standard metric. With server_id and metric: its history, one ' +
        'series per metric and label set. from/to: ms, ISO-8601 or relative (-24h); default the last hour. step ' +
        '(s): 10 reads raw samples (last 48 h), 60 and up read 1-minute rollups, 3600 and up 1-hour rollups; ' +
        'default: ~720 points. The last minutes come from the rack object, so the series ends now.',
      tags: ['Telemetry'],
      access: 'inventory:read',
      query: v.object({ ...latestListQuery.entries, ...v.partial(ServerRange).entries }),
      rawQuery: true,
      responses: [
        {
          status: 200,
          description: 'Latest per server, or series',
          schema: v.union([ServerLatest, Series]),
          list: true,
        },
      ],
    },
    async (c, { ctx }) => {
      const params = strictQuery(c.req.url);
      if (!HISTORY_PARAMS.some((p) => p in params)) {
        const { rows, total, query } = await latestByServer(ctx, params);
        c.header('X-Total-Count', String(total));
        c.header('Link', paginationLinks(new URL(c.req.url), total, query.limit, query.offset));
        return c.json(rows);
      }
      const query = parseOrThrow(ServerRange, params, 'query.');
      const server = await visibleServer(ctx, query.server_id);
      const now = Date.now();
      const series = await querySeries(
        ctx,
        { server_id: server.server_id, rack: server },
        { metrics: query.metric, from: query.from ?? now - HOUR, to: query.to ?? now, step: query.step },
        now,
      );
      return c.json(series);
    },
  );

  api.op(
    {
      method: 'get',
      path: '/metrics/racks',
      summary: "A rack's own metric history (PDU power_kw, rack inlet_temp_c, humidity_pct)",
      tags: ['Telemetry'],
      access: 'inventory:read',
      query: RackRange,
      responses: [{ status: 200, description: 'Series', schema: Series, name: 'MetricSeries', list: true }],
    },
    async (c, { ctx, query }) => {
      const rack = await visibleRack(ctx, query.rack_id);
      const now = Date.now();
      const series = await querySeries(
        ctx,
        { server_id: null, rack },
        { metrics: query.metric, from: query.from ?? now - HOUR, to: query.to ?? now, step: query.step },
        now,
      );
      return c.json(series);
    },
  );

  api.op(
    {
      method: 'get',
      path: '/metrics/latest',
      summary: 'Latest value of every series of some servers, racks or a datacenter (for tables)',
      tags: ['Telemetry'],
      access: 'inventory:read',
      query: v.object({
        server_id: v.optional(idList('server')),
        rack_id: v.optional(idList('rack')),
        datacenter_id: v.optional(v.pipe(v.string(), v.regex(/^\d+$/, 'must be a datacenter id'), v.transform(Number))),
        metric: v.optional(metricList),
      }),
      responses: [{ status: 200, description: 'Latest values', schema: Latest, name: 'LatestSample', list: true }],
    },
    async (c, { ctx, query }) => {
      if (!query.server_id && !query.rack_id && query.datacenter_id === undefined) {
        throw unprocessable([{ field: 'query.server_id', message: 'name server_id, rack_id or datacenter_id' }]);
      }
      let rackIds = query.rack_id;
      if (query.server_id) {
        const servers = await Promise.all(query.server_id.map((id) => visibleServer(ctx, id).catch(() => null)));
        rackIds = [...new Set([...(rackIds ?? []), ...servers.flatMap((s) => (s ? [s.rack_id] : []))])];
      }
      const racks = await visibleRacks(ctx, { datacenter_id: query.datacenter_id, rack_ids: rackIds });
      if (racks.length > 2000) throw unprocessable([{ field: 'query', message: 'more than 2000 racks: narrow it' }]);
      const rows = await latestValues(ctx, racks, { server_ids: query.server_id, metrics: query.metric });
      c.header('X-Total-Count', String(rows.length));
      return c.json(rows);
    },
  );

  api.op(
    {
      method: 'get',
      path: '/metrics/racks/{id}/storage',
      summary: "A rack object's storage: series, raw ring rows, database size, rollup buckets waiting for D1",
      tags: ['Telemetry'],
      access: 'inventory:read',
      params: IdParams,
      responses: [
        { status: 200, description: 'Storage figures' },
        { status: 404, description: 'No such rack' },
      ],
    },
    async (c, { ctx, params }) => {
      const rack = await visibleRack(ctx, params.id);
      return c.json(await rackTelemetry(ctx.env, rack.rack_id).stats());
    },
  );

  api.op(
    {
      method: 'get',
      path: '/metrics/unmatched',
      summary: 'Devices named by ingested series that match no server, rack or datacenter',
      tags: ['Telemetry'],
      access: 'inventory:read',
      responses: [
        {
          status: 200,
          description: 'Unmatched devices, most recent first',
          list: true,
          schema: v.object({
            format: v.string(),
            device: v.string(),
            example_metric: v.string(),
            samples: v.number(),
            first_seen: v.string(),
            last_seen: v.string(),
          }),
        },
      ],
    },
    async (c, { ctx }) => {
      const { results } = await ctx.env.DB.prepare(
        'SELECT format, device, example_metric, samples, first_seen, last_seen FROM ingest_unmatched ORDER BY last_seen DESC LIMIT 500',
      ).all();
      c.header('X-Total-Count', String(results.length));
      return c.json(results);
    },
  );

  api.op(
    {
      method: 'get',
      path: '/live/datacenters/{id}/summary',
      summary: "A datacenter's live summary (IT power, PUE, hottest racks) and its racks' summaries",
      tags: ['Telemetry'],
      access: 'inventory:read',
      params: IdParams,
      responses: [
        { status: 200, description: 'Summary' },
        { status: 404, description: 'No such datacenter' },
      ],
    },
    async (c, { ctx, params }) => {
      const dc = await ctx.env.DB.prepare('SELECT id FROM datacenters WHERE id = ?').bind(params.id).first();
      if (!dc) throw notFound('datacenter', params.id);
      const view = await datacenterLive(ctx.env, params.id).view(ctx.actor?.clearance ?? null, Date.now(), params.id);
      return c.json(view);
    },
  );
}
