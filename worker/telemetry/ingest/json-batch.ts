import * as v from 'valibot';
import { issuesToFieldErrors } from '../../platform/http/validation';
import type { FieldError } from '../../platform/http/problem';
import { IngestDecodeError, LABEL_NAME, METRIC_NAME, splitDeviceLabels, type ParsedSample } from '../samples';

// Our own JSON format: one object per sample, the device named by id/name rather than by label.

/** 2000-01-01 and 2100-01-01 in ms: a timestamp outside is almost always seconds or microseconds by mistake. */
const MIN_TS = 946_684_800_000;
const MAX_TS = 4_102_444_800_000;
const MAX_ERRORS = 100;
export const MAX_BATCH = 50_000;

// numbers first: agents send ids, and a union pays for every branch that fails before the one that matches
const deviceId = v.union(
  [
    v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1, 'must be a positive id')),
    v.pipe(
      v.string(),
      v.trim(),
      v.minLength(1, 'must not be empty'),
      v.maxLength(128, 'must be at most 128 characters'),
    ),
  ],
  'must be an id (number) or a name (text)',
);

const tsMs = v.pipe(
  v.number(),
  v.integer('must be whole Unix milliseconds'),
  v.minValue(MIN_TS, 'must be Unix milliseconds (this looks like seconds)'),
  v.maxValue(MAX_TS, 'must be Unix milliseconds (this is after the year 2100)'),
);
const tsIso = v.pipe(
  v.string(),
  v.isoTimestamp('must be an ISO 8601 timestamp such as 2025-01-31T12:00:00Z'),
  v.check((s) => {
    const ms = Date.parse(s);
    return ms >= MIN_TS && ms <= MAX_TS;
  }, 'must be a timestamp between 2000 and 2100'),
);

export const IngestSampleSchema = v.pipe(
  v.strictObject(
    {
      server: v.optional(deviceId),
      rack: v.optional(deviceId),
      datacenter: v.optional(deviceId),
      metric: v.pipe(
        v.string('must be text'),
        v.maxLength(200, 'must be at most 200 characters'),
        v.regex(METRIC_NAME, 'must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)'),
      ),
      value: v.pipe(v.number('must be a number'), v.finite('must be a finite number')),
      ts: v.optional(v.union([tsMs, tsIso], 'must be Unix milliseconds or an ISO 8601 timestamp')),
      labels: v.optional(
        v.pipe(
          v.record(
            v.pipe(
              v.string(),
              v.regex(LABEL_NAME, 'must be a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)'),
              v.check((k) => k !== '__name__', 'is reserved'),
            ),
            v.pipe(v.string('must be text'), v.maxLength(1024, 'must be at most 1024 characters')),
            'must be an object of text labels',
          ),
          v.check((r) => Object.keys(r).length <= 32, 'must have at most 32 labels'),
        ),
      ),
    },
    (issue) => (issue.expected === 'never' ? 'is not a known field' : 'must be an object'),
  ),
  // reported on "server": that is the field a sender most likely forgot
  v.forward(
    v.check(
      (s) => s.server !== undefined || s.rack !== undefined || s.datacenter !== undefined,
      'one of server, rack or datacenter is required',
    ),
    ['server'],
  ),
);

export const IngestBatchSchema = v.pipe(
  v.array(IngestSampleSchema, 'must be a JSON array of samples'),
  v.minLength(1, 'must contain at least one sample'),
  v.maxLength(MAX_BATCH, `must contain at most ${MAX_BATCH} samples`),
);

export type IngestSample = v.InferInput<typeof IngestSampleSchema>;

/** A JSON batch that failed its schema: `where` is the first bad field, `errors` lists up to 100 of them. */
export class IngestValidationError extends IngestDecodeError {
  constructor(
    message: string,
    where: string,
    readonly errors: FieldError[],
  ) {
    super(message, where, 400);
  }
}

export function decodeJsonBatch(body: unknown, opts: { now: number }): { samples: ParsedSample[]; skipped: number } {
  const result = v.safeParse(IngestBatchSchema, body, { abortPipeEarly: true });
  if (!result.success) {
    const all = issuesToFieldErrors(result.issues);
    const errors = all.slice(0, MAX_ERRORS);
    const first = errors[0];
    // like every decoder's message, this one leaves the location to `where`
    const more = all.length > 1 ? ` (${all.length - 1} more invalid field${all.length > 2 ? 's' : ''})` : '';
    throw new IngestValidationError(`${first.message}${more}`, first.field, errors);
  }
  const samples: ParsedSample[] = result.output.map((item) => {
    const all: Record<string, string> = {};
    // an empty label value means "no such label", as in Prometheus
    for (const [k, val] of Object.entries(item.labels ?? {})) if (val !== '') all[k] = val;
    if (item.server !== undefined) all.server = String(item.server);
    if (item.rack !== undefined) all.rack = String(item.rack);
    if (item.datacenter !== undefined) all.datacenter = String(item.datacenter);
    const { device, labels } = splitDeviceLabels(all);
    const ts = item.ts === undefined ? opts.now : typeof item.ts === 'number' ? item.ts : Date.parse(item.ts);
    return { device, metric: item.metric, value: item.value, ts, labels };
  });
  return { samples, skipped: 0 };
}
