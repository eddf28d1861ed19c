// A server's nightly forecasts, all metrics at once (GET /api/servers/{id}/forecasts), as the server page draws
// them: the job runs over hourly rollups written as the rack objects write them, and the forecasts are read back
// with the week they continue; CPU read against 90 % and disk against 100 % with the very count the
// disk_full_forecast inventory check makes; the empty state before the job ran; a server above the caller's
// clearance is a 404.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { continueRun, startRun } from '../../worker/ai/forecast-job';
import { measure } from '../../worker/alerting/inventory';
import { createDb } from '../../worker/platform/db/client';
import {
  adminToken,
  api,
  asRole,
  createDatacenter,
  createRack,
  createServer,
  expectProblem,
  type Row,
} from '../helpers';

const HOUR = 3_600_000;
let admin: string;
let viewer: string;
let rack: Row;
let secretRack: Row;
let busy: Row;
let quiet: Row;
let secret: Row;

/** hourly rollups of the last `hours` complete hours, value(h) for h hours before the last one */
async function hourly(rack_id: number, server_id: number, metric: string, hours: number, value: (h: number) => number) {
  const last = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  const stmts = [];
  for (let h = 0; h < hours; h++) {
    const t = last - h * HOUR;
    const v = value(h);
    stmts.push(
      env.DB.prepare(
        `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
         VALUES (?, ?, ?, '', 3600, ?, 60, ?, ?, ?, ?, ?, ?)`,
      ).bind(rack_id, server_id, metric, t, v * 60, v, v, v, t + HOUR - 1, v),
    );
  }
  await env.DB.batch(stmts);
}

const forecastsOf = (id: number, token = viewer) => api(`/api/servers/${id}/forecasts`, { token });

beforeAll(async () => {
  admin = await adminToken();
  viewer = await asRole('viewer', admin);
  const dc = await createDatacenter(admin);
  rack = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Internal' });
  secretRack = await createRack(admin, { datacenter_id: dc.id, security_zone: 'Confidential' });
  busy = await createServer(admin, { rack_id: rack.id, u_position: 1 });
  quiet = await createServer(admin, { rack_id: rack.id, u_position: 3 });
  secret = await createServer(admin, { rack_id: secretRack.id, u_position: 1 });
  // CPU climbing 0.5 points an hour to 85 % now: a trend that reaches 90 % within the week
  await hourly(rack.id, busy.id, 'cpu_pct', 96, (h) => 85 - 0.5 * h);
  // power with a daily rhythm: forecast, no limit of its own
  await hourly(rack.id, busy.id, 'power_w', 96, (h) => 400 + 80 * Math.sin((2 * Math.PI * h) / 24));
  await hourly(rack.id, quiet.id, 'cpu_pct', 10, () => 20); // too short to forecast
  await hourly(secretRack.id, secret.id, 'cpu_pct', 96, (h) => 40 + Math.sin(h));
});

describe("a server's forecasts", () => {
  it('is empty, saying the job has not run, before the first run', async () => {
    const res = await forecastsOf(busy.id);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ server_id: busy.id, last_run_at: null, forecasts: [] });
  });

  it('after a run: every forecast metric with its interval, method, backtest and the week it continues', async () => {
    const db = createDb(env.DB);
    await startRun(db, 'manual');
    let run = await continueRun(env);
    while (run && run.status === 'running') run = await continueRun(env);
    expect(run?.status).toBe('done');

    const res = await forecastsOf(busy.id);
    expect(res.status, res.text).toBe(200);
    expect(res.body.last_run_at).toBe(run!.finished_at);
    expect(res.body.forecasts.map((f: Row) => f.metric)).toEqual(['cpu_pct', 'power_w']);
    const [cpu, power] = res.body.forecasts;
    for (const f of [cpu, power]) {
      expect(f.points).toHaveLength(168);
      expect(f.history).toHaveLength(96);
      expect(f.start).toBe(Math.floor(Date.now() / HOUR) * HOUR);
      expect(Object.keys(f.backtest)).toContain(f.method);
      for (const [v, lo, hi] of f.points) expect(lo <= v && v <= hi).toBe(true);
    }
    // the history is the rollups written: the last hour at 85 %, the first at 85 - 0.5 · 95
    expect(cpu.history.at(-1)[1]).toBeCloseTo(85, 6);
    expect(cpu.history[0][1]).toBeCloseTo(85 - 0.5 * 95, 6);
    // the same forecast as the per-metric read
    const one = await api(`/api/metrics/forecast?server_id=${busy.id}&metric=cpu_pct`, { token: viewer });
    expect(one.body[0].points).toEqual(cpu.points);

    // CPU against 90 %: the first forecast hour at or above it, counted from now
    const first = cpu.points.findIndex((p: number[]) => p[0] >= 90);
    expect(first, `a climbing CPU reaches 90 % within the week (${cpu.method})`).toBeGreaterThanOrEqual(0);
    expect(cpu.limit.value).toBe(90);
    expect(cpu.limit.hours).toBeCloseTo((cpu.start + first * HOUR - Date.now()) / HOUR, 0);
    expect(power.limit).toBeNull();

    // too little history: nothing yet, though the job ran
    const q = await forecastsOf(quiet.id);
    expect(q.body.forecasts).toEqual([]);
    expect(q.body.last_run_at).toBe(run!.finished_at);
  });

  it('reads a disk forecast against 100 % as the disk_full_forecast check does', async () => {
    // a disk forecast as the job stores it: hour i at 90 + 0.5·i %, full at hour 20
    await env.DB.prepare(
      `INSERT OR REPLACE INTO series_forecasts (rack_id, server_id, metric, labels, run_id, computed_at, start, method,
         period, backtest, history_hours, points) VALUES (?, ?, 'disk_pct', '', 1, ?, ?, 'drift', 24, '{"drift":0.4}', 72, ?)`,
    )
      .bind(
        rack.id,
        busy.id,
        Date.now(),
        Math.floor(Date.now() / HOUR) * HOUR,
        JSON.stringify(Array.from({ length: 168 }, (_, i) => [90 + 0.5 * i, 88 + 0.5 * i, 92 + 0.5 * i])),
      )
      .run();
    const now = Date.now();
    const [res, findings] = await Promise.all([forecastsOf(busy.id), measure(env, 'disk_full_forecast', now)]);
    const disk = res.body.forecasts.find((f: Row) => f.metric === 'disk_pct');
    expect(disk.limit).toMatchObject({ value: 100, label: 'disk full' });
    const check = findings.find((f) => f.server_id === busy.id);
    expect(check).toBeDefined();
    // both count from their own `now`, a few ms apart, to a tenth of an hour
    expect(Math.abs(disk.limit.hours - check!.value)).toBeLessThanOrEqual(0.1);
    expect(disk.limit.hours).toBeGreaterThan(19);
    expect(disk.limit.hours).toBeLessThanOrEqual(20);
  });

  it("404 for a server that does not exist or is above the caller's clearance; 401 without a token", async () => {
    expectProblem(await forecastsOf(999_999), 404);
    expect((await forecastsOf(secret.id, admin)).status).toBe(200);
    expectProblem(await forecastsOf(secret.id), 404);
    expect((await api(`/api/servers/${busy.id}/forecasts`)).status).toBe(401);
  });
});
