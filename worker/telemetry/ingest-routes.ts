import * as v from 'valibot';
import type { Api, Ctx } from '../platform/http/api';
import { ProblemError } from '../platform/http/problem';
import { IngestDecodeError, type ParsedSample } from './samples';
import { telemetryConfig } from './config';
import { REFUSAL_REASONS, describeRefusals, type RefusalReason } from './sample-window';
import { ingest, type IngestFormat, type IngestOutcome } from './ingest-service';
import { readBodyCapped, bodyText } from './body';
import { decodeJsonBatch, IngestBatchSchema, IngestValidationError } from './ingest/json-batch';
import { checkRemoteWriteHeaders, decodeRemoteWrite } from './ingest/prom-remote-write';
import { parseOtlpJson } from './ingest/otlp-json';
import { INFLUX_PRECISIONS, parseInfluxLines, type InfluxPrecision } from './ingest/influx-line';
import { parsePromText } from './ingest/prom-text';
import type { Actor } from '../platform/context';
import { isProduction } from '../env';

const IngestOutcomeSchema = v.object({
  accepted: v.number(),
  rejected: v.pipe(v.number(), v.description('samples of new series refused: the rack holds its maximum of series')),
  unmatched: v.pipe(v.number(), v.description('samples whose device matched nothing; see GET /api/metrics/unmatched')),
  unmatched_devices: v.array(v.object({ device: v.string(), example_metric: v.string(), samples: v.number() })),
  skipped: v.pipe(
    v.number(),
    v.description('kinds not stored (histograms, string fields, exemplars) and "no value" markers (staleness)'),
  ),
  refused: v.pipe(
    v.number(),
    v.description('samples refused one by one while the rest was stored: outside the accepted time window or NaN/Inf'),
  ),
  refused_reasons: v.object(
    Object.fromEntries(REFUSAL_REASONS.map((r) => [r, v.number()])) as Record<RefusalReason, v.NumberSchema<undefined>>,
  ),
  racks: v.number(),
});

const INGEST_ERRORS = [
  { status: 400, description: 'Undecodable or invalid data (the problem names the first bad line or series)' },
  { status: 401, description: 'No or unknown token' },
  { status: 403, description: 'The token or role does not allow ingest' },
  { status: 413, description: 'Body (or its declared decoded size) over the limit' },
];

/** A decoder's complaint → the API's problem+json (400 naming where, 413, 415). */
function asProblem(e: unknown): never {
  if (e instanceof IngestValidationError) {
    throw new ProblemError(422, 'validation', `Invalid samples: ${e.where}: ${e.message}`, { errors: e.errors });
  }
  if (e instanceof IngestDecodeError) {
    const slug = e.status === 413 ? 'payload-too-large' : e.status === 415 ? 'unsupported-media-type' : 'bad-telemetry';
    throw new ProblemError(e.status, slug, `${e.where}: ${e.message}`, {
      errors: [{ field: e.where, message: e.message }],
    });
  }
  throw e;
}

/**
 * `?bench=noop` (never in production): everything but the rack object's storage work, so bench/ingest.mjs can
 * print ingest throughput next to the ceiling of reaching the object at all.
 */
function benchNoop(c: Ctx): boolean {
  if (c.req.query('bench') !== 'noop') return false;
  if (isProduction(c.env)) throw new ProblemError(400, 'bad-request', 'bench=noop is not available in production.');
  return true;
}

const outcomeHeaders = (o: IngestOutcome): Record<string, string> => ({
  'X-Ingest-Accepted': String(o.accepted),
  'X-Ingest-Unmatched': String(o.unmatched),
  'X-Ingest-Rejected': String(o.rejected),
  'X-Ingest-Skipped': String(o.skipped),
  'X-Ingest-Refused': String(o.refused),
  ...(o.refused ? { 'X-Ingest-Refused-Reasons': describeRefusals(o.refused_reasons) } : {}),
});

async function run(
  c: Ctx,
  user: Actor | null,
  format: IngestFormat,
  decode: () => Promise<{ samples: ParsedSample[]; skipped: number }>,
  opts: { strict?: boolean; where?: (i: number) => string; noop?: boolean } = {},
): Promise<IngestOutcome> {
  try {
    const decoded = await decode();
    return await ingest(c.env, user?.clearance ?? null, format, decoded, opts);
  } catch (e) {
    asProblem(e);
  }
}

export function mountIngestRoutes(api: Api) {
  api.op(
    {
      method: 'post',
      path: '/metrics/ingest',
      summary: 'Ingest a JSON batch of samples (servers, racks, datacenter facility meters)',
      description:
        'Each sample names its device by `server` (id, name or serial), `rack` (id or name) or `datacenter`. ' +
        'All-or-nothing for validity: one invalid sample or unknown device refuses the whole batch. Samples ' +
        'stamped outside the accepted window (raw retention back, INGEST_MAX_FUTURE_SECONDS ahead) are refused ' +
        'one by one and counted in `refused_reasons`, as in every ingest format. Needs a token with the ' +
        '`ingest` scope (or an operator/admin session).',
      tags: ['Telemetry'],
      access: 'metrics:ingest',
      body: IngestBatchSchema,
      rawBody: true,
      responses: [{ status: 200, description: 'Accepted', schema: IngestOutcomeSchema }, ...INGEST_ERRORS],
    },
    async (c, { user }) => {
      const cfg = telemetryConfig(c.env);
      const now = Date.now();
      const outcome = await run(
        c,
        user,
        'json',
        async () => {
          const type = c.req.header('content-type') ?? '';
          if (type && !/json/i.test(type)) {
            throw new IngestDecodeError(`Content-Type must be application/json, got "${type}"`, 'Content-Type', 415);
          }
          const text = bodyText(await readBodyCapped(c.req.raw, cfg.maxBodyBytes, cfg.maxDecodedBytes, true));
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch (e) {
            throw new IngestDecodeError(`not valid JSON: ${(e as Error).message}`, 'body');
          }
          return decodeJsonBatch(body, { now });
        },
        { strict: true, where: (i) => `[${i}]`, noop: benchNoop(c) },
      );
      return c.json(outcome, 200, outcomeHeaders(outcome));
    },
  );

  api.op(
    {
      method: 'post',
      path: '/prom/write',
      summary: 'Prometheus remote_write 1.0 receiver (snappy-compressed protobuf WriteRequest)',
      description:
        'Series name their device with the labels `server`, `serial`, `instance` (host matched against server ' +
        'names and addresses), `rack` or `datacenter`. Unmatched series are counted (X-Ingest-Unmatched) and ' +
        'listed at GET /api/metrics/unmatched. remote_write 2.0 is refused with 415.',
      tags: ['Telemetry'],
      access: 'metrics:ingest',
      responses: [
        { status: 204, description: 'Accepted (counts in X-Ingest-* headers)' },
        ...INGEST_ERRORS,
        { status: 415, description: 'Not remote_write 1.0 (wrong Content-Type / Content-Encoding, or 2.0)' },
      ],
    },
    async (c, { user }) => {
      const cfg = telemetryConfig(c.env);
      const outcome = await run(c, user, 'prom_remote_write', async () => {
        checkRemoteWriteHeaders({
          contentType: c.req.header('content-type'),
          contentEncoding: c.req.header('content-encoding'),
          version: c.req.header('x-prometheus-remote-write-version'),
        });
        // snappy is the payload's own encoding here, not a transport one: read the bytes as they are
        const declared = Number(c.req.header('content-length'));
        if (Number.isFinite(declared) && declared > cfg.maxBodyBytes) {
          throw new IngestDecodeError(`the body is ${declared} bytes; at most ${cfg.maxBodyBytes}`, 'body', 413);
        }
        const body = new Uint8Array(await c.req.arrayBuffer());
        if (body.length > cfg.maxBodyBytes) {
          throw new IngestDecodeError(`the body exceeds ${cfg.maxBodyBytes} bytes`, 'body', 413);
        }
        return decodeRemoteWrite(body, { maxDecodedBytes: cfg.maxDecodedBytes, now: Date.now() });
      });
      return c.body(null, 204, outcomeHeaders(outcome));
    },
  );

  api.op(
    {
      method: 'post',
      path: '/otlp/v1/metrics',
      summary: 'OTLP/HTTP JSON metrics receiver (gauge and sum data points)',
      description:
        'Resource attributes name the device: host.name (→ instance), host.id / dcp.server (→ server), ' +
        'dcp.rack, dcp.datacenter. Histograms and summaries are skipped. Unmatched points are reported in ' +
        'partialSuccess, as OTLP specifies.',
      tags: ['Telemetry'],
      access: 'metrics:ingest',
      responses: [{ status: 200, description: 'ExportMetricsServiceResponse' }, ...INGEST_ERRORS],
    },
    async (c, { user }) => {
      const cfg = telemetryConfig(c.env);
      const outcome = await run(c, user, 'otlp', async () => {
        const type = c.req.header('content-type') ?? '';
        if (/protobuf/i.test(type)) {
          throw new IngestDecodeError('OTLP/HTTP protobuf is not supported; send JSON', 'Content-Type', 415);
        }
        const text = bodyText(await readBodyCapped(c.req.raw, cfg.maxBodyBytes, cfg.maxDecodedBytes, true));
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch (e) {
          throw new IngestDecodeError(`not valid JSON: ${(e as Error).message}`, 'body');
        }
        return parseOtlpJson(body, { now: Date.now() });
      });
      const rejected = outcome.unmatched + outcome.rejected + outcome.refused;
      const why = [
        outcome.unmatched ? `no device matches ${outcome.unmatched_devices.map((u) => u.device).join('; ')}` : '',
        outcome.rejected ? 'the rack holds its maximum number of series' : '',
        outcome.refused ? `refused: ${describeRefusals(outcome.refused_reasons)}` : '',
      ];
      const response =
        rejected > 0
          ? { partialSuccess: { rejectedDataPoints: String(rejected), errorMessage: why.filter(Boolean).join('; ') } }
          : {};
      return c.json(response, 200, outcomeHeaders(outcome));
    },
  );

  api.op(
    {
      method: 'post',
      path: '/influx/write',
      summary: 'InfluxDB line protocol receiver (as Telegraf sends it)',
      description:
        'Metric name = measurement_field (just the measurement for a field named "value"); tags are labels; ' +
        'the host tag names the server when no server/serial/instance tag does.',
      tags: ['Telemetry'],
      access: 'metrics:ingest',
      query: v.object({
        precision: v.optional(v.picklist(INFLUX_PRECISIONS, `must be one of ${INFLUX_PRECISIONS.join(', ')}`)),
        db: v.optional(v.string()),
        bucket: v.optional(v.string()),
        org: v.optional(v.string()),
      }),
      responses: [{ status: 204, description: 'Accepted (counts in X-Ingest-* headers)' }, ...INGEST_ERRORS],
    },
    async (c, { user, query }) => {
      const cfg = telemetryConfig(c.env);
      const outcome = await run(
        c,
        user,
        'influx',
        async () => {
          const text = bodyText(await readBodyCapped(c.req.raw, cfg.maxBodyBytes, cfg.maxDecodedBytes, true));
          return parseInfluxLines(text, { precision: (query.precision ?? 'ns') as InfluxPrecision, now: Date.now() });
        },
        { where: (i) => `sample ${i + 1}` },
      );
      return c.body(null, 204, outcomeHeaders(outcome));
    },
  );

  api.op(
    {
      method: 'post',
      path: '/prom/push',
      summary: 'Push Prometheus text exposition 0.0.4 (curl --data-binary @metrics.prom)',
      description:
        'Name the device with query parameters (?server=web-01, ?rack=R-A01, ?instance=, ?serial=) or labels in ' +
        'the body; query parameters win. Other query parameters become labels on every sample.',
      tags: ['Telemetry'],
      access: 'metrics:ingest',
      responses: [{ status: 200, description: 'Accepted', schema: IngestOutcomeSchema }, ...INGEST_ERRORS],
    },
    async (c, { user }) => {
      const cfg = telemetryConfig(c.env);
      const outcome = await run(c, user, 'prom_push', async () => {
        const text = bodyText(await readBodyCapped(c.req.raw, cfg.maxBodyBytes, cfg.maxDecodedBytes, true));
        return parsePromText(text, { now: Date.now(), extraLabels: c.req.query() });
      });
      return c.json(outcome, 200, outcomeHeaders(outcome));
    },
  );
}
