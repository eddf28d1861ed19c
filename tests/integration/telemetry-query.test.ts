// Reading telemetry back: history from D1 rollups joined with the rack object's latest minutes, raw 10 s steps,
// and the Prometheus exposition at /metrics (auth, clearance, format).
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, apiToken, createUser, estate, expectProblem, ingestJson, type Row } from '../helpers';

const MINUTE = 60_000;
let admin: string;
let ingest: string;

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
});

describe('GET /api/metrics/servers', () => {
  it('joins flushed 1-minute rollups with the minutes still in the rack object, ending now', async () => {
    const { rack, servers } = await estate(admin, 1);
    const now = Date.now();
    // ten complete minutes ending two minutes ago: past the flush's grace period whatever the second
    const m0 = Math.floor(now / MINUTE) * MINUTE - 12 * MINUTE;
    // ten complete minutes: minute i holds i*10 and i*10+2 (avg i*10+1), then one sample in the current minute
    const samples: Row[] = [];
    for (let i = 0; i < 10; i++) {
      samples.push({ server: servers[0].id, metric: 'cpu_pct', value: i * 10, ts: m0 + i * MINUTE });
      samples.push({ server: servers[0].id, metric: 'cpu_pct', value: i * 10 + 2, ts: m0 + i * MINUTE + 30_000 });
    }
    samples.push({ server: servers[0].id, metric: 'cpu_pct', value: 77, ts: now });
    expect((await ingestJson(ingest, samples)).status).toBe(200);
    await env.RACK_TELEMETRY.getByName(String(rack.id)).flush(Date.now());
    const { results } = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM metric_rollups WHERE rack_id = ? AND step_s = 60',
    )
      .bind(rack.id)
      .all<{ n: number }>();
    expect(results[0].n).toBe(10);

    const res = await api(
      `/api/metrics/servers?server_id=${servers[0].id}&metric=cpu_pct&from=${m0}&to=${now}&step=60`,
      {
        token: admin,
      },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body).toHaveLength(1);
    const points = res.body[0].points as Row[];
    expect(res.body[0]).toMatchObject({ server_id: servers[0].id, rack_id: rack.id, metric: 'cpu_pct', step_s: 60 });
    expect(points).toHaveLength(11);
    expect(points.slice(0, 10).map((p) => p.avg)).toEqual([1, 11, 21, 31, 41, 51, 61, 71, 81, 91]);
    expect(points[3]).toMatchObject({ ts: m0 + 3 * MINUTE, min: 30, max: 32, last: 32, count: 2 });
    expect(points[10]).toMatchObject({ last: 77, count: 1 });

    // five-minute steps merge the minutes exactly (count, sum, min, max, last)
    const five = await api(
      `/api/metrics/servers?server_id=${servers[0].id}&metric=cpu_pct&from=${m0}&to=${now}&step=5m`,
      {
        token: admin,
      },
    );
    const merged = (five.body[0].points as Row[]).reduce((n, p) => n + p.count, 0);
    expect(merged).toBe(21);

    const raw = await api(`/api/metrics/servers?server_id=${servers[0].id}&metric=cpu_pct&from=${m0}&step=10`, {
      token: admin,
    });
    expect((raw.body[0].points as Row[]).map((p) => p.last)).toEqual(samples.map((s) => s.value));
  });

  it('answers 422 for a bad step, an inverted range or a missing metric, 404 for a hidden server', async () => {
    const { servers } = await estate(admin, 1, { security_zone: 'Confidential' });
    const base = `/api/metrics/servers?server_id=${servers[0].id}`;
    expectProblem(await api(`${base}&metric=cpu_pct&step=7`, { token: admin }), 422, ['query.step']);
    expectProblem(await api(`${base}&metric=cpu_pct&from=-1h&to=-2h`, { token: admin }), 422, ['query.from']);
    expectProblem(await api(base, { token: admin }), 422, ['query.metric']);
    const viewer = await createUser('viewer', admin);
    expectProblem(await api(`${base}&metric=cpu_pct`, { token: viewer.token }), 404);
  });
});

describe('GET /metrics (Prometheus exposition)', () => {
  it('needs a token that may read; serves the exposition format with the live values', async () => {
    const { rack, servers } = await estate(admin, 1);
    await ingestJson(ingest, [
      { server: servers[0].id, metric: 'cpu_pct', value: 33, ts: Date.now() },
      { rack: rack.id, metric: 'power_kw', value: 2.5, ts: Date.now() },
    ]);
    expectProblem(await api('/metrics'), 401);
    expectProblem(await api('/metrics', { token: ingest }), 403);
    const read = await apiToken(admin, ['read']);
    const res = await api('/metrics', { token: read });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = res.text as string;
    expect(text).toContain('# TYPE dcp_rack_power_kw gauge');
    expect(text).toMatch(new RegExp(`dcp_rack_power_kw\\{[^}]*rack_id="${rack.id}"[^}]*\\} 2\\.5\\n`));
    expect(text).toMatch(new RegExp(`dcp_server_cpu_percent\\{[^}]*server="${servers[0].name}"[^}]*\\} 33\\n`));
    expect(text).toMatch(/# TYPE dcp_ingest_samples_total counter\ndcp_ingest_samples_total\{format="json"\} \d+/);
    // every family once: HELP then TYPE, samples after
    const types = text.match(/^# TYPE (\S+)/gm)!;
    expect(new Set(types).size).toBe(types.length);
  });

  it('leaves out racks above the reader’s clearance', async () => {
    const { rack } = await estate(admin, 1, { security_zone: 'Confidential' });
    const viewer = await createUser('viewer', admin);
    const text = (await api('/metrics', { token: viewer.token })).text as string;
    expect(text).toContain('dcp_rack_u_capacity');
    expect(text).not.toContain(`rack_id="${rack.id}"`);
  });
});
