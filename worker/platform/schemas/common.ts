import * as v from 'valibot';
import { parseDuration } from '../../../util/duration';

// Shared building blocks. Everything under worker/platform/schemas/ and each domain's schemas/ imports only valibot: the UI bundles these files to
// validate forms with exactly the rules the API applies.

export const name = (max = 64) =>
  v.pipe(
    v.string('must be text'),
    v.trim(),
    v.minLength(1, 'is required'),
    v.maxLength(max, `must be at most ${max} characters`),
  );

export const optionalText = (max = 200) =>
  v.optional(
    v.nullable(v.pipe(v.string('must be text'), v.trim(), v.maxLength(max, `must be at most ${max} characters`))),
  );

export const int = (min: number, max: number) =>
  v.pipe(
    v.number('must be a number'),
    v.integer('must be a whole number'),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

export const num = (min: number, max: number) =>
  v.pipe(
    v.number('must be a number'),
    v.finite('must be a finite number'),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );

export const positive = (max: number) =>
  v.pipe(
    v.number('must be a number'),
    v.finite('must be a finite number'),
    v.gtValue(0, 'must be greater than 0'),
    v.maxValue(max, `must be at most ${max}`),
  );

export const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  v.picklist(values, `must be one of: ${values.join(', ')}`);

export const ipAddress = v.optional(
  v.nullable(v.pipe(v.string('must be text'), v.trim(), v.ip('must be a valid IPv4 or IPv6 address'))),
);

export const isoDate = v.optional(
  v.nullable(v.pipe(v.string('must be text'), v.isoDate('must be a date as YYYY-MM-DD'))),
);

export const id = v.pipe(
  v.number('must be a number'),
  v.integer('must be a whole number'),
  v.minValue(1, 'must be a positive id'),
);

export const timestampsOut = {
  id: v.number(),
  created_at: v.pipe(v.string(), v.isoTimestamp()),
  updated_at: v.pipe(v.string(), v.isoTimestamp()),
};

export const LIFECYCLE = ['planned', 'active', 'maintenance', 'decommissioned'] as const;
export const SECURITY_ZONES = ['Public', 'Internal', 'Confidential', 'Top Secret'] as const;
export type SecurityZone = (typeof SECURITY_ZONES)[number];

/** The last instant a Date can hold (ECMAScript: 8.64e15 ms, year 275760); a later one would throw when shown. */
const LAST_DATE_MS = 8.64e15;
/** ms since the epoch, ISO-8601, or relative to now: -1h, -30m, -7d */
export const instant = v.pipe(
  v.string(),
  v.transform((s): number => {
    if (s.startsWith('-')) return Date.now() - parseDuration(s.slice(1));
    if (/^\d+$/.test(s)) return Number(s);
    return Date.parse(s);
  }),
  v.check(
    (n) => Number.isFinite(n) && n >= 0 && n <= LAST_DATE_MS,
    'must be ms since the epoch, an ISO-8601 time, or relative like -1h, between 1970 and the year 275760',
  ),
);

/** A whole number in a query string, from `min` to `max` (a row offset: up to MAX_SAFE_INTEGER). */
export const queryInt = (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,16}$/, `must be a whole number from ${min} to ${max}`),
    v.transform(Number),
    v.minValue(min, `must be from ${min} to ${max}`),
    v.maxValue(max, `must be from ${min} to ${max}`),
  );

/** A row id in a query string. */
export const queryId = (what: string) =>
  v.pipe(v.string(), v.regex(/^\d{1,15}$/, `must be a ${what} id`), v.transform(Number));
