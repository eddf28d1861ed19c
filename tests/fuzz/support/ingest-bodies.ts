// Telemetry bodies in all five ingest formats, built the way real agents build them (tests/helpers/telemetry.ts,
// tests/unit/ingest-decoders.test.ts), then spoiled: absurd timestamps (year 287,000, negative, NaN), NaN/Inf
// values, huge label sets, duplicate series, truncated bodies.
import fc from 'fast-check';
import { compress } from 'snappyjs';
import { encodeRemoteWrite } from '../../../worker/telemetry/ingest/prom-remote-write';
import type { FuzzRequest, Knobs } from './requests';

export interface IngestFixtures {
  servers: { id: number; name: string }[];
  rackId: number;
  datacenterId: number;
}

const NOW = Date.UTC(2026, 0, 1);
/** Year 287,000 in milliseconds: beyond what a JS Date can hold (8.64e15). */
const YEAR_287000_MS = 8_994_000_000_000_000;

interface Point {
  device: string;
  metric: string;
  value: number;
  /** milliseconds; the formats scale it */
  ts: number;
  labels: Record<string, string>;
}

/** Millisecond timestamps: recent ones, and the ones behind the known RangeError class unless told to skip them. */
const tsMs = (knobs: Knobs): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: NOW - 86_400_000, max: NOW + 60_000 }) },
    { weight: 1, arbitrary: fc.constantFrom(946_684_800_000, 0, 1, 1_700_000_000) },
    ...(knobs.skipKnown
      ? []
      : [{ weight: 2, arbitrary: fc.constantFrom(YEAR_287000_MS, -1, -8.64e15 - 1, 8.64e15 + 1, 2 ** 53, 1e300) }]),
  );

const value: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 1),
  },
);

const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,20}$/);
const labels: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(labelName, fc.string({ maxLength: 20 }), { maxKeys: 3 }) },
  // a huge label set, or one huge value
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 50, max: 400 })
      .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`l${i}`, `v${i}`]))),
  },
  { weight: 1, arbitrary: fc.constantFrom('x', '😀', '"', '\\', '\n', '\u0000').map((c) => ({ big: c.repeat(5000) })) },
);

function points(fx: IngestFixtures, knobs: Knobs): fc.Arbitrary<Point[]> {
  const device = fc.oneof(
    fc.constantFrom(...fx.servers.flatMap((s) => [String(s.id), s.name])),
    fc.constantFrom('ghost-host', '0', '-1', '9'.repeat(30), ''),
  );
  const metric = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom('cpu_pct', 'power_w', 'inlet_temp_c', 'custom_depth') },
    { weight: 1, arbitrary: fc.constantFrom('bad-name', '1abc', 'x'.repeat(300), '', 'é') },
  );
  const point = fc.record({ device, metric, value, ts: tsMs(knobs), labels });
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(point, { minLength: 1, maxLength: 6 }) },
    // duplicate series: one series several times at one timestamp
    { weight: 1, arbitrary: fc.tuple(point, fc.integer({ min: 2, max: 50 })).map(([p, n]) => Array<Point>(n).fill(p)) },
  );
}

const truncate = fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 4, nil: undefined });
const cut = (text: string, at: number | undefined) =>
  at === undefined ? text : text.slice(0, Math.floor(text.length * at));
const esc = (s: string) => s.replace(/[\\"]/g, (m) => '\\' + m).replace(/\n/g, '\\n');
const num = (n: number) => (Number.isNaN(n) ? 'NaN' : n === Infinity ? '+Inf' : n === -Infinity ? '-Inf' : String(n));

function json(pts: Point[]): unknown {
  return pts.map((p) => ({
    server: /^\d+$/.test(p.device) ? Number(p.device) : p.device,
    metric: p.metric,
    // JSON has no NaN/Inf: send the strings agents send instead
    value: Number.isFinite(p.value) ? p.value : num(p.value),
    ts: p.ts,
    ...(Object.keys(p.labels).length ? { labels: p.labels } : {}),
  }));
}

const influx = (pts: Point[]) =>
  pts
    .map((p) => {
      const tags = Object.entries({ server: p.device, ...p.labels })
        .map(([k, v]) => `${k}=${v.replace(/[ ,=\\]/g, (m) => '\\' + m).replace(/\n/g, '')}`)
        .join(',');
      return `${p.metric || 'm'},${tags} value=${num(p.value)} ${BigInt(Math.trunc(Number.isFinite(p.ts) ? p.ts : 0)) * 1_000_000n}`;
    })
    .join('\n');

const promText = (pts: Point[]) =>
  pts
    .map((p) => {
      const lbl = Object.entries({ server: p.device, ...p.labels })
        .map(([k, v]) => `${k}="${esc(v)}"`)
        .join(',');
      return `${p.metric || 'm'}{${lbl}} ${num(p.value)} ${Math.trunc(p.ts)}`;
    })
    .join('\n');

function otlp(pts: Point[]): unknown {
  const attr = (key: string, v: string) => ({ key, value: { stringValue: v } });
  return {
    resourceMetrics: pts.map((p) => ({
      resource: { attributes: [attr('dcp.server', p.device)] },
      scopeMetrics: [
        {
          metrics: [
            {
              name: p.metric,
              gauge: {
                dataPoints: [
                  {
                    asDouble: Number.isFinite(p.value)
                      ? p.value
                      : num(p.value).replace('+Inf', 'Infinity').replace('-Inf', '-Infinity'),
                    timeUnixNano: (BigInt(Math.trunc(Number.isFinite(p.ts) ? p.ts : 0)) * 1_000_000n).toString(),
                    attributes: Object.entries(p.labels).map(([k, v]) => attr(k, v)),
                  },
                ],
              },
            },
          ],
        },
      ],
    })),
  };
}

function remoteWrite(pts: Point[]): Uint8Array {
  return encodeRemoteWrite(
    pts.map((p) => ({
      labels: { ...p.labels, __name__: p.metric || 'm', server: p.device },
      samples: [{ value: p.value, ts: Math.trunc(Math.max(Math.min(p.ts, 2 ** 62), -(2 ** 62))) }],
    })),
  );
}

const RW_HEADERS = 'application/x-protobuf';
const RW_EXTRA = { 'Content-Encoding': 'snappy', 'X-Prometheus-Remote-Write-Version': '0.1.0' };
const PRECISION = { ns: 1_000_000n, us: 1_000n, ms: 1n, s: 0n } as const;

/**
 * One well-formed sample for a real server, except its timestamp: year 287,000, before 1970 or past what a Date
 * holds, in every format's own unit (the known RangeError class, left out with `skipKnown`).
 */
function absurdTimestamp(fx: IngestFixtures): fc.Arbitrary<FuzzRequest> {
  const server = fc.constantFrom(...fx.servers.map((s) => s.name));
  const ms = fc.constantFrom(YEAR_287000_MS, 8.64e15 + 1, 2 ** 53, -1, -8.64e15 - 1, 1e17);
  const base = { method: 'POST', as: 'admin' as const, query: '' };
  return fc
    .tuple(server, ms, fc.constantFrom<keyof typeof PRECISION>('ns', 'us', 'ms', 's'))
    .chain(([s, t, precision]) => {
      const whole = BigInt(Math.trunc(t));
      const scaled = precision === 's' ? whole / 1000n : whole * PRECISION[precision];
      const point: Point = { device: s, metric: 'cpu_pct', value: 1, ts: t, labels: {} };
      return fc.constantFrom<FuzzRequest>(
        {
          ...base,
          path: '/api/influx/write',
          query: `precision=${precision}`,
          contentType: 'text/plain',
          body: `cpu_pct,server=${s} value=1 ${scaled}`,
        },
        { ...base, path: '/api/prom/push', contentType: 'text/plain', body: `cpu_pct{server="${s}"} 1 ${whole}` },
        {
          ...base,
          path: '/api/metrics/ingest',
          contentType: 'application/json',
          body: JSON.stringify([{ server: s, metric: 'cpu_pct', value: 1, ts: t }]),
        },
        {
          ...base,
          path: '/api/otlp/v1/metrics',
          contentType: 'application/json',
          body: JSON.stringify(otlp([point])).replace(
            /"timeUnixNano":"-?\d+"/,
            `"timeUnixNano":"${whole * 1_000_000n}"`,
          ),
        },
        {
          ...base,
          path: '/api/prom/write',
          contentType: RW_HEADERS,
          headers: RW_EXTRA,
          body: compress(remoteWrite([point])),
        },
      );
    });
}

/** One ingest request in one of the five formats, spoiled in the ways listed above. */
export function ingestRequests(fx: IngestFixtures, knobs: Knobs): fc.Arbitrary<FuzzRequest> {
  const base = { method: 'POST', as: 'admin' as const, query: '' };
  const bad = fc.constantFrom('0', '-1', 'abc', '1e999', 'NaN', '99999999999999999999999999');
  const spoiled = fc.tuple(points(fx, knobs), truncate, bad).chain(([pts, at, badNum]) =>
    fc.constantFrom(
      {
        ...base,
        path: '/api/metrics/ingest',
        contentType: 'application/json',
        body: cut(JSON.stringify(json(pts)), at),
      },
      {
        ...base,
        path: '/api/metrics/ingest',
        contentType: 'application/json',
        body: JSON.stringify(json(pts)).replace(/"ts":-?[\d.e+]+/, `"ts":"${badNum}"`),
      },
      {
        ...base,
        path: '/api/influx/write',
        query: 'precision=ns',
        contentType: 'text/plain',
        body: cut(influx(pts), at),
      },
      {
        ...base,
        path: '/api/influx/write',
        query: `precision=s`,
        contentType: 'text/plain',
        body: influx(pts).replace(/ \d+$/m, ` ${badNum}`),
      },
      {
        ...base,
        path: '/api/prom/push',
        query: `server=${encodeURIComponent(pts[0].device)}`,
        contentType: 'text/plain',
        body: cut(promText(pts), at),
      },
      {
        ...base,
        path: '/api/prom/push',
        contentType: 'text/plain',
        body: promText(pts).replace(/ -?\d+$/m, ` ${badNum}`),
      },
      {
        ...base,
        path: '/api/otlp/v1/metrics',
        contentType: 'application/json',
        body: cut(JSON.stringify(otlp(pts)), at),
      },
      {
        ...base,
        path: '/api/otlp/v1/metrics',
        contentType: 'application/json',
        body: JSON.stringify(otlp(pts)).replace(/"timeUnixNano":"\d+"/, `"timeUnixNano":"${badNum}"`),
      },
      {
        ...base,
        path: '/api/prom/write',
        contentType: RW_HEADERS,
        headers: RW_EXTRA,
        body: ((b: Uint8Array) => (at === undefined ? b : b.slice(0, Math.floor(b.length * at))))(
          compress(remoteWrite(pts)),
        ),
      },
    ),
  );
  return knobs.skipKnown
    ? spoiled
    : fc.oneof({ weight: 4, arbitrary: spoiled }, { weight: 1, arbitrary: absurdTimestamp(fx) });
}
