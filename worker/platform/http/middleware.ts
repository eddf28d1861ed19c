import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createDb } from '../db/client';
import { withRiderSlot } from '../db/rider';
import type { AppEnv } from './api';
import { ProblemError } from './problem';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Request id (echoed when the client sent a sane one), client address, database handle. The handle is made
 * without the schema: nothing uses drizzle's relational queries, and registering ~100 tables cost every
 * request about a tenth of its CPU (a profile of the list benchmark).
 */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const incoming = c.req.header('X-Request-Id');
  const id = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set('requestId', id);
  c.set('clientIp', c.req.header('CF-Connecting-IP') ?? c.req.header('X-Real-IP') ?? null);
  const { d1, slot } = withRiderSlot(c.env.DB);
  c.set('db', createDb(d1));
  c.set('riders', slot);
  c.set('user', null);
  await next();
  c.res.headers.set('X-Request-Id', id);
  c.res.headers.append('Access-Control-Expose-Headers', 'X-Total-Count, X-Next-Cursor, Link, X-Request-Id, Location');
};

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export function maxBodyBytes(env: { MAX_BODY_BYTES?: string }): number {
  const n = Number(env.MAX_BODY_BYTES);
  return Number.isSafeInteger(n) && n > 0 ? n : DEFAULT_MAX_BODY_BYTES;
}

/**
 * Refuses a request body over MAX_BODY_BYTES with 413 before anything parses it: from Content-Length without
 * reading, or, for a chunked body, as soon as the stream passes the limit (what was read is kept for the
 * route). `exempt` routes read their bodies under their own caps (telemetry ingest: INGEST_MAX_BODY_BYTES).
 */
export function limitBody(
  exempt: (c: Context<AppEnv>) => boolean,
  ownCap: (c: Context<AppEnv>) => number | undefined = () => undefined,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.req.raw.body || exempt(c)) return next();
    // a route may declare a larger cap of its own (imports); never a smaller one than the platform's
    const max = Math.max(ownCap(c) ?? 0, maxBodyBytes(c.env));
    const limit = bodyLimit({
      maxSize: max,
      onError: () => {
        throw new ProblemError(413, 'body-too-large', `The request body is larger than ${max} bytes.`, {
          errors: [{ field: '(body)', message: `must be at most ${max} bytes` }],
        });
      },
    });
    return limit(c, next);
  };
}
