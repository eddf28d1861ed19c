import * as v from 'valibot';
import type { ServiceContext } from '../platform/context';
import { serversResource } from '../dcim/servers';
import { listQuerySchema, parseListQuery, type ListQuery } from '../platform/http/list-query';
import { listRows, type ResourceDef } from '../platform/http/resource';
import { isWholeDevice } from './rack-summary';
import { SERVER_METRICS } from './samples';
import { latestValues, visibleRacks } from './query';

/**
 * GET /api/metrics/servers without a server: the latest standard metrics of every server the caller may see, a
 * page at a time. The page of servers comes from the servers list machinery (clearance scope, filters, sorting,
 * total), so this endpoint pages, filters and hides exactly like GET /api/servers.
 */
const base = serversResource;
const def: ResourceDef = {
  ...base,
  filters: {
    datacenter_id: base.filters.datacenter_id,
    rack_id: base.filters.rack_id,
    type: { ...base.filters.server_type, column: 'server_type', description: 'Server types (comma-separated).' },
  },
  sortable: ['name', 'id', 'rack_id'],
  defaultSort: 'name',
  searchable: ['name'],
  // the per-row figures of the servers list (rack and datacenter names, cost) are not wanted here
  computed: undefined,
};
const listOpts = { filters: def.filters, sortable: def.sortable, defaultSort: def.defaultSort };
export const latestListQuery = listQuerySchema({ ...listOpts, searchable: def.searchable });

type MetricName = (typeof SERVER_METRICS)[number];
export const ServerLatest = v.object({
  server_id: v.number(),
  name: v.string(),
  rack_id: v.number(),
  datacenter_id: v.number(),
  server_type: v.string(),
  status: v.string(),
  ts: v.pipe(v.nullable(v.number()), v.description('ms of the newest of these readings; null: none yet')),
  metrics: v.pipe(
    v.object(
      Object.fromEntries(SERVER_METRICS.map((m) => [m, v.nullable(v.number())])) as Record<
        MetricName,
        v.NullableSchema<v.NumberSchema<undefined>, undefined>
      >,
    ),
    v.description('latest value of each standard metric (the whole-server series, not per-part ones); null: none'),
  ),
});
export type ServerLatest = v.InferOutput<typeof ServerLatest>;

export async function latestByServer(
  ctx: ServiceContext,
  params: Record<string, string>,
): Promise<{ rows: ServerLatest[]; total: number; query: ListQuery }> {
  const query = parseListQuery(params, listOpts);
  const { rows: servers, total } = await listRows(ctx, def, query);
  if (!servers.length) return { rows: [], total, query };
  const racks = await visibleRacks(ctx, { rack_ids: [...new Set(servers.map((s) => s.rack_id as number))] });
  const values = await latestValues(ctx, racks, {
    server_ids: servers.map((s) => s.id as number),
    metrics: [...SERVER_METRICS],
  });
  const newest = new Map<number, Map<string, { ts: number; value: number }>>();
  for (const l of values) {
    if (l.server_id === null || !isWholeDevice(l.labels)) continue;
    const byMetric = newest.get(l.server_id) ?? new Map();
    newest.set(l.server_id, byMetric);
    const cur = byMetric.get(l.metric);
    if (!cur || l.ts > cur.ts) byMetric.set(l.metric, { ts: l.ts, value: l.value });
  }
  const dcOf = new Map(racks.map((r) => [r.rack_id, r.datacenter_id]));
  const rows = servers.map((s): ServerLatest => {
    const got = newest.get(s.id) ?? new Map<string, { ts: number; value: number }>();
    const readings = [...got.values()];
    return {
      server_id: s.id,
      name: s.name,
      rack_id: s.rack_id,
      datacenter_id: dcOf.get(s.rack_id)!,
      server_type: s.server_type,
      status: s.status,
      ts: readings.length ? Math.max(...readings.map((r) => r.ts)) : null,
      metrics: Object.fromEntries(SERVER_METRICS.map((m) => [m, got.get(m)?.value ?? null])) as ServerLatest['metrics'],
    };
  });
  return { rows, total, query };
}
