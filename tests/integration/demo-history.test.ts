// Simulated history (POST /api/demo/history): rollup rows written straight into D1, read back through the
// history API, idempotent, checked as a whole, admin-only and refused in production.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, asRole, estate, expectProblem, type Row } from '../helpers';
import { historyCoverage } from '../../worker/demo/history';

const HOUR = 3_600_000;
let admin: string;
let rack: Row;
let servers: Row[];
let hour0: number;

beforeAll(async () => {
  admin = await adminToken();
  ({ rack, servers } = await estate(admin, 2));
  hour0 = Math.floor(Date.now() / HOUR) * HOUR - 10 * 24 * HOUR; // ten days ago, on the hour
});

// [rack_id, server_id, metric, step_s, bucket_start, count, sum, min, max, last, p95]
const row = (serverId: number, start: number, avg: number, step = 3600) => [
  rack.id,
  serverId,
  'cpu_pct',
  step,
  start,
  4,
  avg * 4,
  avg - 5,
  avg + 5,
  avg,
  avg + 4,
];

describe('POST /api/demo/history', () => {
  it('writes hourly rows that the 30-day history reads back, and a second run changes nothing', async () => {
    const rows = [row(servers[0].id, hour0, 40), row(servers[0].id, hour0 + HOUR, 60), row(0, hour0, 20)];
    rows[2][2] = 'inlet_temp_c';
    const res = await api('/api/demo/history', { token: admin, json: { rows } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ simulated: true, received: 3, written: 3, skipped: 0, pue_written: 0 });

    const again = await api('/api/demo/history', { token: admin, json: { rows } });
    expect(again.body).toEqual({ simulated: true, received: 3, written: 0, skipped: 3, pue_written: 0 });

    const read = await api(
      `/api/metrics/servers?server_id=${servers[0].id}&metric=cpu_pct&from=${hour0}&to=${hour0 + 2 * HOUR}&step=3600`,
      { token: admin },
    );
    expect(read.status, read.text).toBe(200);
    const points = read.body[0].points;
    // avg = sum / count: 160 / 4 = 40 and 240 / 4 = 60; min/max as written
    expect(points.map((p: Row) => [p.ts, p.avg, p.min, p.max, p.count])).toEqual([
      [hour0, 40, 35, 45, 4],
      [hour0 + HOUR, 60, 55, 65, 4],
    ]);
    const cov = await historyCoverage(env.DB);
    expect(cov.first_hour).toBeLessThanOrEqual(hour0);
  });

  it('leaves a bucket that already exists as it is (rows flushed from real samples win)', async () => {
    const start = hour0 + 5 * HOUR;
    await api('/api/demo/history', { token: admin, json: { rows: [row(servers[1].id, start, 30)] } });
    const res = await api('/api/demo/history', { token: admin, json: { rows: [row(servers[1].id, start, 90)] } });
    expect(res.body.written).toBe(0);
    const stored = await env.DB.prepare(
      'SELECT sum, count FROM metric_rollups WHERE server_id = ? AND step_s = 3600 AND bucket_start = ?',
    )
      .bind(servers[1].id, start)
      .first<{ sum: number; count: number }>();
    expect(stored).toEqual({ sum: 120, count: 4 });
  });

  it('refuses the whole request for one bad row, naming it, and writes nothing', async () => {
    const start = hour0 + 20 * HOUR;
    const future = Math.floor(Date.now() / HOUR) * HOUR + HOUR;
    const bad = [
      row(servers[0].id, start, 50),
      row(servers[0].id, start + 1000, 50), // not on the hour
      row(999_999, start, 50), // no such server in this rack
      row(servers[0].id, future, 50), // not over yet
      [rack.id, servers[0].id, 'cpu_pct', 3600, start + HOUR, 4, 1000, 1, 2, 1, 2], // sum above count * max
    ];
    const res = await api('/api/demo/history', { token: admin, json: { rows: bad } });
    const p = expectProblem(res, 422, ['rows[1]', 'rows[2]', 'rows[3]', 'rows[4]']);
    expect(p.errors!.map((e) => e.field)).not.toContain('rows[0]');
    const n = await env.DB.prepare('SELECT COUNT(*) AS n FROM metric_rollups WHERE bucket_start = ? AND server_id = ?')
      .bind(start, servers[0].id)
      .first<{ n: number }>();
    expect(n!.n).toBe(0);

    const shape = await api('/api/demo/history', {
      token: admin,
      json: { rows: [[rack.id, servers[0].id, 'cpu pct', 61, start, 0, 1, 1, 1, 1, 1]] },
    });
    expectProblem(shape, 422, ['rows[0][2]', 'rows[0][3]', 'rows[0][5]']);
    expectProblem(await api('/api/demo/history', { token: admin, json: { rows: [] } }), 422, ['rows']);
  });

  it('is for admins only', async () => {
    const rows = [row(servers[0].id, hour0 + 30 * HOUR, 50)];
    expectProblem(await api('/api/demo/history', { json: { rows } }), 401);
    expectProblem(await api('/api/demo/history', { token: await asRole('operator', admin), json: { rows } }), 403);
    expectProblem(await api('/api/demo/history', { token: await asRole('operator', admin) }), 403);
    const cov = await api('/api/demo/history', { token: admin });
    expect(cov.status).toBe(200);
    expect(cov.body.simulated).toBe(true);
  });
});
