import type { ServiceContext } from '../platform/context';
import { canSee } from '../platform/access/zones';
import { rawVisibleClause } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';
import { requireStepUp } from '../platform/identity/step-up';
import { notFound, unprocessable } from '../platform/http/problem';
import { canonicalLabels, telemetryConfig } from './config';
import {
  MAX_POINTS,
  autoStep,
  combineSources,
  rawAsAgg,
  rebucket,
  type AggPoint,
  type SeriesPoint,
} from './series-math';
import type { RackMeta } from '../../durable-objects/rack-telemetry';
import type { LatestValue } from './rack-summary';
import { mapLimit } from '../../util/map-limit';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';

export interface RackRef {
  rack_id: number;
  datacenter_id: number;
  name: string;
  zone: string;
  power_capacity_kw: number;
}

export const rackMeta = (r: RackRef): RackMeta => ({
  rack_id: r.rack_id,
  datacenter_id: r.datacenter_id,
  name: r.name,
  zone: r.zone,
  power_capacity_kw: r.power_capacity_kw,
});

const RACK_SELECT = `SELECT r.id AS rack_id, r.datacenter_id, r.name, r.security_zone AS zone, r.power_capacity_kw FROM racks r`;

/** A rack the caller may see, or 404 (whether it does not exist or is above their clearance). */
export async function visibleRack(ctx: ServiceContext, rackId: number): Promise<RackRef> {
  const row = await ctx.env.DB.prepare(`${RACK_SELECT} WHERE r.id = ?`).bind(rackId).first<RackRef>();
  if (!row || !canSee(ctx.actor, row.zone)) throw notFound('rack', rackId);
  return row;
}

export async function visibleServer(ctx: ServiceContext, serverId: number): Promise<RackRef & { server_id: number }> {
  const row = await ctx.env.DB.prepare(
    `SELECT s.id AS server_id, r.id AS rack_id, r.datacenter_id, r.name, r.security_zone AS zone, r.power_capacity_kw
       FROM servers s JOIN racks r ON r.id = s.rack_id WHERE s.id = ?`,
  )
    .bind(serverId)
    .first<RackRef & { server_id: number }>();
  if (!row || !canSee(ctx.actor, row.zone)) throw notFound('server', serverId);
  return row;
}

/** Racks of a datacenter (or of some ids) the caller may see. */
export async function visibleRacks(ctx: ServiceContext, where: { datacenter_id?: number; rack_ids?: number[] }) {
  const zones = rawVisibleClause(ctx.actor, rackEntity, 'r');
  const clauses: string[] = [];
  const binds: unknown[] = [];
  if (where.datacenter_id !== undefined) {
    clauses.push('r.datacenter_id = ?');
    binds.push(where.datacenter_id);
  }
  if (where.rack_ids) {
    clauses.push('r.id IN (SELECT value FROM json_each(?))');
    binds.push(JSON.stringify(where.rack_ids));
  }
  if (zones) {
    clauses.push(zones.sql);
    binds.push(...zones.bind);
  }
  const sql = `${RACK_SELECT}${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''} ORDER BY r.id`;
  const { results } = await ctx.env.DB.prepare(sql)
    .bind(...binds)
    .all<RackRef>();
  return results;
}

export interface SeriesResult {
  server_id: number | null;
  rack_id: number;
  metric: string;
  labels: Record<string, string>;
  step_s: number;
  points: SeriesPoint[];
}

export interface RangeQuery {
  metrics: string[];
  from: number;
  to: number;
  step?: number;
}

/**
 * History of some metrics of one server (or of a rack's own sensors): D1 rollups for what was flushed, the rack
 * object's memory for the last minutes, its raw ring for 10-second steps.
 */
export async function querySeries(
  ctx: ServiceContext,
  target: { server_id: number | null; rack: RackRef },
  q: RangeQuery,
  now = Date.now(),
): Promise<SeriesResult[]> {
  const cfg = telemetryConfig(ctx.env);
  requireStepUp(ctx, target.rack.zone);
  const to = Math.min(q.to, now + 60_000);
  if (q.from >= to) throw unprocessable([{ field: 'query.from', message: 'must be before "to"' }]);
  const step = q.step ?? autoStep(to - q.from, q.from >= now - cfg.rawRetentionMs ? 10 : 60);
  if ((to - q.from) / (step * 1000) > MAX_POINTS) {
    throw unprocessable([{ field: 'query.step', message: `gives more than ${MAX_POINTS} points for this range` }]);
  }
  const raw = step < 60;
  if (raw && q.from < now - cfg.rawRetentionMs) {
    throw unprocessable([
      { field: 'query.step', message: `steps under 60 s read raw samples, kept ${cfg.rawRetentionMs / 3_600_000} h` },
    ]);
  }
  const serverKey = target.server_id ?? 0;
  const stub = rackTelemetry(ctx.env, target.rack.rack_id);
  const live = await stub.range({ server_id: target.server_id, metrics: q.metrics, from: q.from, to, raw });

  const series = new Map<string, { metric: string; labels: Record<string, string>; parts: AggPoint[] }>();
  const keyOf = (metric: string, labels: string) => `${metric}|${labels}`;
  if (raw) {
    for (const s of live) {
      series.set(keyOf(s.metric, JSON.stringify(s.labels)), {
        metric: s.metric,
        labels: s.labels,
        parts: rawAsAgg(s.raw as [number, number][]),
      });
    }
  } else {
    // hours when the range reaches past the 1-minute retention or the step is an hour or more
    const useHours = step >= 3600 || q.from < now - cfg.rollup1mRetentionMs;
    const minuteFrom = useHours ? Math.max(q.from, Math.floor(now / 3_600_000) * 3_600_000 - 3_600_000) : q.from;
    const { results } = await ctx.env.DB.prepare(
      `SELECT metric, labels, step_s, bucket_start AS ts, count, sum, min, max, last, p95 FROM metric_rollups
        WHERE server_id = ?1 AND (?2 = 0 OR rack_id = ?3) AND metric IN (SELECT value FROM json_each(?4))
          AND ((step_s = 3600 AND ?5 = 1 AND bucket_start >= ?6 AND bucket_start <= ?7)
            OR (step_s = 60 AND bucket_start >= ?8 AND bucket_start <= ?7))
        ORDER BY bucket_start`,
    )
      .bind(
        serverKey,
        target.server_id === null ? 1 : 0,
        target.rack.rack_id,
        JSON.stringify(q.metrics),
        useHours ? 1 : 0,
        Math.floor(q.from / 3_600_000) * 3_600_000,
        to,
        Math.floor(minuteFrom / 60_000) * 60_000,
      )
      .all<AggPoint & { metric: string; labels: string; step_s: number }>();
    const stored = new Map<string, { metric: string; labels: string; hours: AggPoint[]; minutes: AggPoint[] }>();
    for (const r of results) {
      const k = keyOf(r.metric, r.labels);
      let e = stored.get(k);
      if (!e) stored.set(k, (e = { metric: r.metric, labels: r.labels, hours: [], minutes: [] }));
      (r.step_s === 3600 ? e.hours : e.minutes).push(r);
    }
    const liveByKey = new Map(live.map((s) => [keyOf(s.metric, labelsText(s.labels)), s]));
    for (const k of new Set([...stored.keys(), ...liveByKey.keys()])) {
      const st = stored.get(k);
      const lv = liveByKey.get(k);
      const metric = st?.metric ?? lv!.metric;
      const labels = lv?.labels ?? parseLabels(st!.labels);
      series.set(k, { metric, labels, parts: combineSources(st?.hours ?? [], st?.minutes ?? [], lv?.minutes ?? []) });
    }
  }
  return [...series.values()]
    .map((s) => ({
      server_id: target.server_id,
      rack_id: target.rack.rack_id,
      metric: s.metric,
      labels: s.labels,
      step_s: step,
      points: rebucket(
        s.parts.filter((p) => p.ts >= q.from - step * 1000 && p.ts <= to),
        step * 1000,
      ).filter((p) => p.ts + step * 1000 > q.from),
    }))
    .sort((a, b) => a.metric.localeCompare(b.metric) || labelsText(a.labels).localeCompare(labelsText(b.labels)));
}

const labelsText = canonicalLabels;

function parseLabels(text: string): Record<string, string> {
  if (!text) return {};
  const out: Record<string, string> = {};
  const re = /([a-zA-Z_][a-zA-Z0-9_]*)=("(?:[^"\\]|\\.)*")/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out[m[1]] = JSON.parse(m[2]);
  return out;
}

export interface LatestRow extends LatestValue {
  rack_id: number;
}

/** Latest values for many servers at once (tables), gathered from their racks' objects in parallel. */
/**
 * The raw samples of some rack-level series (a device's, labelled device=) over the last `windowMs`, from the
 * racks' objects: what a counter needs to become a rate. Aggregate views only, like latestValues.
 */
export async function recentRaw(
  ctx: ServiceContext,
  racks: RackRef[],
  metrics: string[],
  windowMs: number,
  now = Date.now(),
): Promise<{ rack_id: number; metric: string; labels: Record<string, string>; raw: [number, number][] }[]> {
  const rows = await mapLimit(racks, 32, async (r) => {
    const series = await rackTelemetry(ctx.env, r.rack_id).range({
      server_id: null,
      metrics,
      from: now - windowMs,
      to: now,
      raw: true,
    });
    // tuples come back from the RPC as plain arrays
    return series.map((s) => ({
      rack_id: r.rack_id,
      metric: s.metric,
      labels: s.labels,
      raw: s.raw as [number, number][],
    }));
  });
  return rows.flat();
}

export async function latestValues(
  ctx: ServiceContext,
  racks: RackRef[],
  opts: { server_ids?: number[]; metrics?: string[] },
): Promise<LatestRow[]> {
  const rows = await mapLimit(racks, 32, async (r) => {
    const { values } = await rackTelemetry(ctx.env, r.rack_id).latest(opts.server_ids);
    return values
      .filter((v) => !opts.metrics || opts.metrics.includes(v.metric))
      .map((v) => ({ rack_id: r.rack_id, ...v }));
  });
  return rows.flat();
}
