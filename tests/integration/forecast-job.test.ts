// The nightly forecasting job in workerd, over hourly rollups written as the rack objects write them: a run goes
// rack by rack, stops each invocation at its budget with its cursor in D1 (so a restart loses nothing: the next
// invocation continues), skips series with under two days of hours, stores a week ahead with the interval, and
// logs what it did. Driven by the Worker's own scheduled handler and the API.
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import worker from '../../worker/index';
import { continueRun, startRun } from '../../worker/ai/forecast-job';
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
let racks: Row[];
let s1: Row;
let s2: Row;

/** hourly rollup rows of a daily sine around `base`, the last `hours` complete hours */
async function hourly(rack_id: number, server_id: number, metric: string, hours: number, base: number) {
  const last = Math.floor(Date.now() / HOUR) * HOUR - HOUR;
  const stmts = [];
  for (let h = 0; h < hours; h++) {
    const t = last - h * HOUR;
    const v = base + 10 * Math.sin((2 * Math.PI * (t / HOUR)) / 24);
    stmts.push(
      env.DB.prepare(
        `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
         VALUES (?, ?, ?, '', 3600, ?, 60, ?, ?, ?, ?, ?, ?)`,
      ).bind(rack_id, server_id, metric, t, v * 60, v, v, v, t + HOUR - 1, v),
    );
  }
  await env.DB.batch(stmts);
}

async function tick(cron: string) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron }), env, ctx);
  await waitOnExecutionContext(ctx);
}

beforeAll(async () => {
  admin = await adminToken();
  viewer = await asRole('viewer', admin);
  const dc = await createDatacenter(admin);
  racks = [];
  for (let i = 0; i < 6; i++) racks.push(await createRack(admin, { datacenter_id: dc.id }));
  s1 = await createServer(admin, { rack_id: racks[0]!.id, u_position: 1 });
  s2 = await createServer(admin, { rack_id: racks[5]!.id, u_position: 1 });
  await hourly(racks[0]!.id, s1.id, 'cpu_pct', 96, 50);
  await hourly(racks[5]!.id, s2.id, 'cpu_pct', 10, 30); // too short: skipped
  await hourly(racks[5]!.id, 0, 'power_kw', 72, 5);
  await hourly(racks[5]!.id, s2.id, 'fan_rpm', 96, 3000); // not a forecast metric
});

describe('the forecasting run', () => {
  it('goes rack by rack across invocations with its cursor, then stores and logs', async () => {
    const db = createDb(env.DB);
    const run = await startRun(db, 'manual');
    expect(run).toMatchObject({ status: 'running', cursor_rack_id: 0, chunks: 0 });
    // a budget of 1 ms: each invocation does one step of four racks and leaves the rest
    const tiny = { ...env, FORECAST_CHUNK_MS: '1' };
    const first = await continueRun(tiny);
    expect(first).toMatchObject({ status: 'running', chunks: 1, cursor_rack_id: racks[3]!.id, series: 1 });
    // the same run, joined rather than restarted
    expect((await startRun(db, 'nightly')).id).toBe(run.id);
    let last = first!;
    while (last.status === 'running') last = (await continueRun(tiny))!;
    expect(last).toMatchObject({ status: 'done', cursor_rack_id: racks[5]!.id, series: 2, skipped: 1 });
    expect(last.chunks).toBeGreaterThanOrEqual(2);
    expect(Object.values(last.methods).reduce((a, b) => a + b, 0)).toBe(2);
    expect(await continueRun(tiny)).toBeNull();
  });

  it("serves a server's forecast a week ahead with its interval and the history it continues", async () => {
    const res = await api(`/api/metrics/forecast?server_id=${s1.id}&metric=cpu_pct`, { token: viewer });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toHaveLength(1);
    const f = res.body[0];
    expect(f.points).toHaveLength(168);
    expect(f.history).toHaveLength(96);
    expect(f.history_hours).toBe(96);
    expect(f.start).toBe(Math.floor(Date.now() / HOUR) * HOUR);
    for (const [v, lo, hi] of f.points) expect(lo <= v && v <= hi).toBe(true);
    // a clean daily sine: the forecast 24 h on repeats the first hour's, within the interval's width
    expect(Math.abs(f.points[24][0] - f.points[0][0])).toBeLessThan(1);
    expect((await api(`/api/metrics/forecast?server_id=${s2.id}&metric=cpu_pct`, { token: viewer })).body).toEqual([]);
    const rack = await api(`/api/metrics/forecast?rack_id=${racks[5]!.id}&metric=power_kw`, { token: viewer });
    expect(rack.body).toHaveLength(1);
    expect(rack.body[0].method).toBeTypeOf('string');
  });

  it('refuses a missing metric, both or neither device, and unknown devices', async () => {
    expectProblem(await api(`/api/metrics/forecast?server_id=${s1.id}`, { token: viewer }), 422, ['query.metric']);
    expectProblem(await api('/api/metrics/forecast?metric=cpu_pct', { token: viewer }), 422, ['query.server_id']);
    expectProblem(await api('/api/metrics/forecast?server_id=99999&metric=cpu_pct', { token: viewer }), 404);
    expectProblem(await api('/api/analytics/forecast-runs', { method: 'POST', token: viewer }), 403);
  });

  it('the nightly trigger starts a run that the minute trigger finishes; the API lists them newest first', async () => {
    await tick('0 2 * * *');
    for (let i = 0; i < 5; i++) await tick('* * * * *');
    const res = await api('/api/analytics/forecast-runs', { token: viewer });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('x-total-count')).toBe('2');
    expect(res.body[0]).toMatchObject({ trigger: 'nightly', status: 'done', series: 2, skipped: 1 });
    expect(res.body[1]).toMatchObject({ trigger: 'manual', status: 'done' });
    const now = await api('/api/analytics/forecast-runs', { method: 'POST', token: admin });
    expect(now.status, now.text).toBe(202);
    expect(now.body).toMatchObject({ trigger: 'manual', status: 'done', series: 2 });
  });

  it('marks a run that stopped progressing as failed when the next one starts', async () => {
    const db = createDb(env.DB);
    await env.DB.prepare(`INSERT INTO forecast_runs (trigger, status, started_at) VALUES ('nightly', 'running', ?)`)
      .bind(Date.now() - 7 * HOUR)
      .run();
    const fresh = await startRun(db, 'manual');
    const runs = await api('/api/analytics/forecast-runs?limit=2', { token: viewer });
    expect(runs.body[0].id).toBe(fresh.id);
    expect(runs.body[1]).toMatchObject({ status: 'failed', error: 'stopped: no progress for 6 hours' });
    while ((await continueRun(env))?.status === 'running');
  });
});
