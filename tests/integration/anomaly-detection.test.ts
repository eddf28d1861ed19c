// The streaming detector inside the real rack object: samples in through the ingest API are scored as they
// arrive, an anomaly rule turns a high score into an alert that carries the detector's explanation, the
// per-minute scores are served per server, and an eviction between checkpoints changes no score (the object
// reloads its checkpoint and replays the ring). Expected scores come from the same pure module run here.
import { env } from 'cloudflare:workers';
import { evictDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, apiToken, estate, expectProblem, ingestJson, uniqueName, type Row } from '../helpers';
import { newState, update } from '../../worker/ai/anomaly-detector';

const S = 1000;
const MINUTE = 60 * S;
let admin: string;
let ingest: string;

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
});

const wobble = (i: number) => Math.sin(i * 12.9898) * 0.5 + Math.sin(i * 78.233) * 0.5;

async function send(server: Row, metric: string, points: [number, number][]) {
  for (let i = 0; i < points.length; i += 500) {
    const res = await ingestJson(
      ingest,
      points.slice(i, i + 500).map(([ts, value]) => ({ server: server.id, metric, value, ts })),
    );
    expect(res.status, res.text).toBe(200);
  }
}
const anomaliesOf = async (server: Row, q = '') =>
  (await api(`/api/metrics/servers/anomalies?server_id=${server.id}${q}`, { token: admin })).body as Row[];

/** the scores the pure module gives, and their per-minute maxima */
function expected(points: [number, number][]) {
  const s = newState();
  const scores = points.map(([ts, v]) => update(s, ts, v));
  const minutes = new Map<number, number>();
  points.forEach(([ts], i) => {
    const m = Math.floor(ts / MINUTE) * MINUTE;
    minutes.set(m, Math.max(minutes.get(m) ?? 0, scores[i]!));
  });
  return { scores, minutes: [...minutes] };
}

describe('anomaly detection in the rack object', () => {
  it('scores every sample, and an anomaly rule fires with the explanation on the alert', async () => {
    const metric = `ai_cpu_${crypto.randomUUID().slice(0, 8)}`;
    const rule = await api('/api/alert-rules', {
      token: admin,
      json: { name: uniqueName('Unusual'), kind: 'anomaly', metric, threshold: 0.5, severity: 'warning' },
    });
    expect(rule.status, rule.text).toBe(201);
    const { servers } = await estate(admin, 1);
    const t0 = Math.floor((Date.now() - 3 * 3600 * S) / MINUTE) * MINUTE;
    const points: [number, number][] = Array.from({ length: 600 }, (_, i) => [t0 + i * 10 * S, 30 + 4 * wobble(i)]);
    points.push([t0 + 600 * 10 * S, 70]); // far beyond anything seen: new ground
    await send(servers[0], metric, points);

    const want = expected(points);
    expect(want.scores.at(-1)).toBe(1);
    const [series] = (await anomaliesOf(servers[0], `&from=${t0}&to=${t0 + 7000 * S}`)).filter(
      (s) => s.metric === metric,
    );
    expect(series.minutes).toEqual(want.minutes);
    expect(series.last).toMatchObject({ score: 1, ts: points.at(-1)![0] });
    expect(series.last.fired).toContain('new_ground');

    const [alert] = (await api(`/api/alerts?rule_id=${rule.body.id}`, { token: admin })).body as Row[];
    expect(alert).toMatchObject({ status: 'firing', server_id: servers[0].id, metric, value: 1 });
    expect(alert.details).toMatchObject({ observed: 70, score: 1 });
    expect(alert.details.fired).toContain('new_ground');
    expect(alert.details.upper).toBeLessThan(70);
    expect(alert.details.lower).toBeLessThan(alert.details.upper);

    // the anomaly feed: the alert with its explanation and the minute means of the series around the sample
    await env.RACK_TELEMETRY.getByName(String(servers[0].rack_id)).flush(Date.now());
    const feed = await api('/api/analytics/anomalies?limit=100', { token: admin });
    expect(feed.status, feed.text).toBe(200);
    const item = (feed.body as Row[]).find((a) => a.id === alert.id)!;
    const at = points.at(-1)![0];
    expect(item).toMatchObject({ metric, server_id: servers[0].id, at, value: 1 });
    expect(item.details.fired).toContain('new_ground');
    // 30 minutes either side of the burst: the 30 minutes before it (the series ends with the burst's minute)
    const minuteOf = (t: number) => Math.floor(t / MINUTE) * MINUTE;
    expect(item.context[0][0]).toBe(minuteOf(at) - 30 * MINUTE);
    expect(item.context.at(-1)[0]).toBe(minuteOf(at));
    expect(item.context).toHaveLength(31);
    expect(feed.headers.get('x-total-count')).toBe(String((feed.body as Row[]).length));
  });

  it('an eviction between checkpoints changes no score: the checkpoint is reloaded and the ring replayed', async () => {
    const metric = `ai_mem_${crypto.randomUUID().slice(0, 8)}`;
    const { servers, rack } = await estate(admin, 1);
    const t0 = Math.floor((Date.now() - 4 * 3600 * S) / MINUTE) * MINUTE;
    const points: [number, number][] = Array.from({ length: 1200 }, (_, i) => [
      t0 + i * 10 * S,
      50 + 6 * wobble(i) + (i >= 1000 ? 12 : 0),
    ]);
    // batch one leaves a checkpoint (the first ingest crosses the minute); batch two does not (seconds later)
    await send(servers[0], metric, points.slice(0, 400));
    await send(servers[0], metric, points.slice(400, 700));
    await evictDurableObject(env.RACK_TELEMETRY.getByName(String(rack.id)));
    await send(servers[0], metric, points.slice(700));

    const want = expected(points);
    const [series] = (await anomaliesOf(servers[0], `&from=${t0}&to=${t0 + 5 * 3600 * S}`)).filter(
      (s) => s.metric === metric,
    );
    expect(series.minutes).toEqual(want.minutes);
    expect(series.last.score).toBe(want.scores.at(-1));
    // the level shift at sample 1000 scored high after it (at or just under the alarm level: quiet after an alarm)
    expect(Math.max(...want.scores.slice(1000))).toBeGreaterThan(0.45);
  });

  it("finds a server's daily pattern in its hourly rollups, and a rack's own sensors' weekly one", async () => {
    const { servers, rack } = await estate(admin, 1);
    const day = 86_400_000;
    const start = Math.floor((Date.now() - 27 * day) / day) * day;
    const rows: [number, string, number, number][] = [];
    for (let i = 0; i < 27 * 24; i++) {
      const ts = start + i * 3_600_000;
      const h = new Date(ts).getUTCHours();
      // the server's CPU peaks at 15:00 UTC; the rack's PDU draws 30 % less at weekends
      rows.push([servers[0].id, 'cpu_pct', ts, 50 + 20 * Math.sin((2 * Math.PI * (h - 9)) / 24)]);
      const dow = new Date(ts).getUTCDay();
      rows.push([0, 'power_kw', ts, dow === 0 || dow === 6 ? 7 : 10]);
    }
    for (let i = 0; i < rows.length; i += 40) {
      await env.DB.batch(
        rows.slice(i, i + 40).map(([server, metric, ts, v]) =>
          env.DB.prepare(
            `INSERT INTO metric_rollups (rack_id, server_id, metric, labels, step_s, bucket_start, count, sum, min, max, last, last_ts, p95)
               VALUES (?, ?, ?, '', 3600, ?, 360, ?, ?, ?, ?, ?, ?)`,
          ).bind(rack.id, server, metric, ts, v * 360, v, v, v, ts, v),
        ),
      );
    }
    const [cpu] = (await api(`/api/metrics/patterns?server_id=${servers[0].id}`, { token: admin })).body as Row[];
    expect(cpu).toMatchObject({ metric: 'cpu_pct', labels: '', daily: { peak_hour: 15, low_hour: 3 }, weekly: null });
    expect(cpu.summary).toBe('daily pattern, peak 15:00 UTC (+40 %), low 03:00');
    const [pdu] = (await api(`/api/metrics/patterns?rack_id=${rack.id}`, { token: admin })).body as Row[];
    expect(pdu).toMatchObject({ metric: 'power_kw', daily: null });
    expect(pdu.weekly.weekend_pct).toBeCloseTo(-30, 6);
    expect(pdu.summary).toBe('weekly: weekends −30 %');
    await expectProblem(await api('/api/metrics/patterns', { token: admin }), 422, ['query.server_id']);
  });

  it('refuses a server it cannot see, and a bad range, by name', async () => {
    await expectProblem(await api('/api/metrics/servers/anomalies?server_id=999999', { token: admin }), 404);
    await expectProblem(await api('/api/metrics/servers/anomalies', { token: admin }), 422, ['query.server_id']);
    const { servers } = await estate(admin, 1);
    await expectProblem(
      await api(`/api/metrics/servers/anomalies?server_id=${servers[0].id}&from=-1h&to=-2h`, { token: admin }),
      422,
      ['query.from'],
    );
  });
});
