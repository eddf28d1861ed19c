// The nightly forecasting job: every hourly series that matters (FORECAST_METRICS) forecast a week ahead and
// stored (series_forecasts), logged run by run (forecast_runs). The nightly trigger starts a run; a run goes
// rack by rack in id order and stops each invocation after FORECAST_CHUNK_MS of forecasting, leaving its cursor,
// and the minute trigger continues it: 10k series take a handful of invocations, each well inside the Workers
// CPU limit (bench/ai/forecast-job.mjs measures the per-series cost).
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { Env } from '../env';
import { createDb, runBatch, type Db, type Statement } from '../platform/db/client';
import { racks, servers } from '../dcim/tables';
import { forecastRuns, seriesForecasts } from './tables';
import { FORECAST_METRICS, HISTORY_HOURS, forecastSeries, hourlySeries } from './series-forecast';

const HOUR = 3_600_000;
/** a run still "running" after this long died with its invocation: the next start marks it failed */
const STALE_MS = 6 * HOUR;
const RACKS_PER_STEP = 4;

export type ForecastRun = typeof forecastRuns.$inferSelect;

const chunkBudget = (env: Env) => {
  const n = Number(env.FORECAST_CHUNK_MS);
  return Number.isFinite(n) && n > 0 ? n : 5_000;
};

/** The running run, or a new one (a run left running past STALE_MS is marked failed first). */
export async function startRun(db: Db, trigger: 'nightly' | 'manual', now = Date.now()): Promise<ForecastRun> {
  const running = await db.select().from(forecastRuns).where(eq(forecastRuns.status, 'running')).get();
  if (running && now - running.started_at < STALE_MS) return running;
  if (running) {
    await db
      .update(forecastRuns)
      .set({ status: 'failed', finished_at: now, error: 'stopped: no progress for 6 hours' })
      .where(eq(forecastRuns.id, running.id));
  }
  return db.insert(forecastRuns).values({ trigger, started_at: now }).returning().get();
}

interface Row {
  server_id: number;
  metric: string;
  labels: string;
  bucket_start: number;
  mean: number;
}

/** The hourly means of the forecast metrics of some racks (their servers' and their own sensors'), since `from`. */
async function hourlyRows(db: Db, rackIds: number[], from: number): Promise<Map<number, Row[]>> {
  const serverRows = await db
    .select({ id: servers.id, rack_id: servers.rack_id })
    .from(servers)
    .where(sql`${servers.rack_id} IN (SELECT value FROM json_each(${JSON.stringify(rackIds)}))`)
    .all();
  const rackOf = new Map(serverRows.map((s) => [s.id, s.rack_id]));
  const list = (xs: readonly string[]) => JSON.stringify(xs);
  // each query rides an index: servers by (server_id, metric, step_s, bucket_start), rack sensors by the key
  const [byServer, byRack] = await runBatch(db, [
    db.all<Row>(
      sql`SELECT server_id, metric, labels, bucket_start, sum / count AS mean FROM metric_rollups
          WHERE server_id IN (SELECT value FROM json_each(${JSON.stringify(serverRows.map((s) => s.id))}))
            AND metric IN (SELECT value FROM json_each(${list(FORECAST_METRICS.server)}))
            AND step_s = 3600 AND bucket_start >= ${from}`,
    ),
    db.all<Row & { rack_id: number }>(
      sql`SELECT rack_id, server_id, metric, labels, bucket_start, sum / count AS mean FROM metric_rollups
          WHERE rack_id IN (SELECT value FROM json_each(${JSON.stringify(rackIds)})) AND server_id = 0
            AND metric IN (SELECT value FROM json_each(${list(FORECAST_METRICS.rack)}))
            AND step_s = 3600 AND bucket_start >= ${from}`,
    ),
  ]);
  const out = new Map<number, Row[]>(rackIds.map((id) => [id, []]));
  for (const r of byServer) out.get(rackOf.get(r.server_id)!)?.push(r);
  for (const r of byRack) out.get(r.rack_id)?.push(r);
  return out;
}

/**
 * One invocation's share of the running run, if there is one: racks after the cursor until FORECAST_CHUNK_MS of
 * forecasting is spent or none is left. Returns the run as it stands afterwards (null: nothing running).
 */
export async function continueRun(env: Env, now = Date.now()): Promise<ForecastRun | null> {
  const db = createDb(env.DB);
  const run = await db.select().from(forecastRuns).where(eq(forecastRuns.status, 'running')).get();
  if (!run) return null;
  const budget = chunkBudget(env);
  let cursor = run.cursor_rack_id;
  let series = 0;
  let skipped = 0;
  // a Worker's clock stands still while it computes and catches up at its next I/O, so the budget is checked
  // after each step's reads and writes: it then counts the forecasting done in between too
  const began = Date.now();
  let done = false;
  const methods = { ...run.methods };
  try {
    while (Date.now() - began < budget) {
      const next = await db
        .select({ id: racks.id })
        .from(racks)
        .where(gt(racks.id, cursor))
        .orderBy(racks.id)
        .limit(RACKS_PER_STEP)
        .all();
      if (!next.length) {
        done = true;
        break;
      }
      const rows = await hourlyRows(
        db,
        next.map((r) => r.id),
        now - HISTORY_HOURS * HOUR - HOUR,
      );
      const writes: Statement[] = [];
      for (const [rackId, list] of rows) {
        const bySeries = new Map<string, { key: Row; points: [number, number][] }>();
        for (const r of list) {
          const k = `${r.server_id}\u0000${r.metric}\u0000${r.labels}`;
          const s = bySeries.get(k) ?? { key: r, points: [] };
          s.points.push([r.bucket_start, r.mean]);
          bySeries.set(k, s);
        }
        for (const { key, points } of bySeries.values()) {
          const hourly = hourlySeries(points, now);
          if (!hourly) {
            skipped++;
            continue;
          }
          const f = forecastSeries(hourly);
          series++;
          methods[f.method] = (methods[f.method] ?? 0) + 1;
          const row = {
            rack_id: rackId,
            server_id: key.server_id,
            metric: key.metric,
            labels: key.labels,
            run_id: run.id,
            computed_at: now,
            ...f,
          };
          writes.push(
            db
              .insert(seriesForecasts)
              .values(row)
              .onConflictDoUpdate({
                target: [
                  seriesForecasts.rack_id,
                  seriesForecasts.server_id,
                  seriesForecasts.metric,
                  seriesForecasts.labels,
                ],
                set: row,
              }),
          );
        }
      }
      cursor = next[next.length - 1]!.id;
      for (let i = 0; i < writes.length; i += 50) {
        await runBatch(db, writes.slice(i, i + 50));
      }
    }
  } catch (e) {
    await db
      .update(forecastRuns)
      .set({ status: 'failed', finished_at: Date.now(), error: e instanceof Error ? e.message : String(e) })
      .where(eq(forecastRuns.id, run.id));
    throw e;
  }
  const spent = Date.now() - began;
  return db
    .update(forecastRuns)
    .set({
      cursor_rack_id: cursor,
      chunks: run.chunks + 1,
      series: run.series + series,
      skipped: run.skipped + skipped,
      compute_ms: run.compute_ms + spent,
      max_chunk_ms: Math.max(run.max_chunk_ms, spent),
      methods,
      ...(done ? { status: 'done', finished_at: Date.now() } : {}),
    })
    .where(and(eq(forecastRuns.id, run.id), eq(forecastRuns.status, 'running')))
    .returning()
    .get()
    .then((r) => r ?? null);
}

/** Runs, newest first. */
export async function listRuns(db: Db, limit: number, offset: number) {
  const [rows, [{ n }]] = await runBatch(db, [
    db.select().from(forecastRuns).orderBy(desc(forecastRuns.id)).limit(limit).offset(offset),
    db.select({ n: sql<number>`count(*)` }).from(forecastRuns),
  ] as const);
  return { rows, total: n };
}
