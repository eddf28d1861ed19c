import type { MiddlewareHandler } from 'hono';
import { createDb, type Schema } from '../db/client';
import type { AppEnv } from './api';

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Request id (echoed when the client sent a sane one), client address, database handle over `schema`. */
export const requestContext =
  (schema: Schema): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const incoming = c.req.header('X-Request-Id');
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    c.set('clientIp', c.req.header('CF-Connecting-IP') ?? c.req.header('X-Real-IP') ?? null);
    c.set('db', createDb(c.env.DB, schema));
    c.set('user', null);
    await next();
    c.res.headers.set('X-Request-Id', id);
    c.res.headers.append('Access-Control-Expose-Headers', 'X-Total-Count, Link, X-Request-Id, Location');
  };
