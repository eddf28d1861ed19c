// Regression: far-future and otherwise impossible samples used to answer 500 (RangeError: Invalid time value) or
// refuse a whole batch. Every ingest format now refuses them one by one, counted per reason, and stores the rest.
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeRemoteWrite } from '../../worker/telemetry/ingest/prom-remote-write';
import { adminToken, api, apiToken, estate, ingestJson, type Row } from '../helpers';
import { BASE, workerFetch } from '../helpers/api';

let admin: string;
let ingest: string;
let servers: Row[];

const post = (path: string, body: Uint8Array | string, headers: Record<string, string> = {}) =>
  workerFetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ingest}`, ...headers },
    body,
  });
/** the X-Ingest-* counts every format answers with */
const counts = (res: Response) => ({
  accepted: res.headers.get('X-Ingest-Accepted'),
  refused: res.headers.get('X-Ingest-Refused'),
  reasons: res.headers.get('X-Ingest-Refused-Reasons'),
});
async function stored(server: Row, metric: string): Promise<number[]> {
  const res = await api(`/api/metrics/latest?server_id=${server.id}&metric=${metric}`, { token: admin });
  expect(res.status, res.text).toBe(200);
  return res.body.map((r: Row) => r.value);
}

const HOUR = 3_600_000;
// year ~287,000: 9.06e15 ms, past the last instant a Date can hold (8.64e15 ms)
const YEAR_287000_S = '9060000000000';

beforeAll(async () => {
  admin = await adminToken();
  ingest = await apiToken(admin, ['ingest']);
  ({ servers } = await estate(admin, 5));
});

describe('the accepted window, in every ingest format', () => {
  it('influx: a timestamp in the year 287,000 at precision=s is refused, the other line stored', async () => {
    const now = Date.now();
    const name = servers[0].name;
    const lines = [
      `win,host=${name} value=1 ${YEAR_287000_S}`,
      `win,host=${name} value=1e999`,
      `win,host=${name} value=2 ${Math.floor((now - 49 * HOUR) / 1000)}`,
      `win,host=${name} value=3 ${Math.floor(now / 1000)}`,
    ].join('\n');
    const res = await post('/api/influx/write?precision=s', lines);
    expect(res.status, await res.text()).toBe(204);
    expect(counts(res)).toEqual({
      accepted: '1',
      refused: '3',
      reasons: 'too_far_in_future=1, too_old=1, non_finite_value=1',
    });
    expect(await stored(servers[0], 'win')).toEqual([3]);
  });

  it('remote_write: far-future and NaN samples are refused, the rest stored (204)', async () => {
    const now = Date.now();
    const body = encodeRemoteWrite([
      {
        labels: { __name__: 'win', server: servers[1].name },
        samples: [
          { value: 1, ts: 9_000_000_000_000_000 },
          { value: 2, ts: now + 11 * 60_000 },
          { value: NaN, ts: now - 1000 },
          { value: 4, ts: now },
        ],
      },
    ]);
    const res = await post('/api/prom/write', body, {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
    });
    expect(res.status, await res.text()).toBe(204);
    expect(counts(res)).toEqual({ accepted: '1', refused: '3', reasons: 'too_far_in_future=2, non_finite_value=1' });
    expect(await stored(servers[1], 'win')).toEqual([4]);
  });

  it('prom text push: refusals are in the JSON outcome as well as the headers', async () => {
    const now = Date.now();
    const text = [`win{k="a"} 1 99999999999999999999`, `win{k="b"} +Inf`, `win{k="c"} 5 ${now}`].join('\n');
    const res = await post(`/api/prom/push?server=${servers[2].id}`, text);
    const body = (await res.json()) as Row;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      accepted: 1,
      refused: 2,
      refused_reasons: { too_far_in_future: 1, too_old: 0, invalid_timestamp: 0, non_finite_value: 1 },
    });
    expect(await stored(servers[2], 'win')).toEqual([5]);
  });

  it('OTLP JSON: refused points are reported in partialSuccess, as OTLP specifies', async () => {
    const now = Date.now();
    const point = (asDouble: number | string, ms: bigint) => ({ asDouble, timeUnixNano: String(ms * 1_000_000n) });
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'dcp.server', value: { stringValue: String(servers[3].id) } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'win',
                  gauge: {
                    dataPoints: [
                      point(1, 18_000_000_000_000n), // 99999999999999999999 ns would not fit; this is year 2540
                      point('Infinity', BigInt(now)),
                      point(6, BigInt(now)),
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await post('/api/otlp/v1/metrics', JSON.stringify(body), { 'Content-Type': 'application/json' });
    const out = (await res.json()) as Row;
    expect(res.status, JSON.stringify(out)).toBe(200);
    expect(out).toEqual({
      partialSuccess: {
        rejectedDataPoints: '2',
        errorMessage: 'refused: too_far_in_future=1, non_finite_value=1',
      },
    });
    expect(await stored(servers[3], 'win')).toEqual([6]);
  });

  it('JSON: the window is applied per sample too; a batch wholly outside it stores nothing and says why', async () => {
    const now = Date.now();
    const res = await ingestJson(ingest, [
      { server: servers[4].id, metric: 'win', value: 1, ts: now + 20 * 60_000 },
      { server: servers[4].id, metric: 'win', value: 2, ts: '2099-12-31T23:59:59Z' },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ accepted: 0, refused: 2, refused_reasons: { too_far_in_future: 2 } });
    expect(await stored(servers[4], 'win')).toEqual([]);
  });
});

describe('metric queries with absurd instants', () => {
  it('answer 422 naming the parameter, never 500', async () => {
    const base = `/api/metrics/servers?server_id=${servers[0].id}&metric=win`;
    for (const [qs, field] of [
      ['from=99999999999999999999', 'query.from'],
      [`to=${'9'.repeat(400)}`, 'query.to'],
      ['from=-99999999999999d', 'query.from'],
      ['from=275761-01-01T00:00:00Z', 'query.from'],
      ['step=99999999999999999999', 'query.step'],
      ['step=-1', 'query.step'],
      ['from=0&to=8640000000000000&step=10', 'query.step'],
    ]) {
      const res = await api(`${base}&${qs}`, { token: admin });
      expect(res.status, `${qs}: ${res.text}`).toBe(422);
      expect(res.body.errors.map((e: Row) => e.field)).toEqual([field]);
    }
    // the last instant a Date holds is a valid "to": it is clamped to now
    const ok = await api(`${base}&from=-1h&to=8640000000000000`, { token: admin });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body).toEqual([{ ...ok.body[0], metric: 'win', server_id: servers[0].id }]);
  });
});
