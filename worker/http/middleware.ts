import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { eq } from 'drizzle-orm';
import { createDb } from '../db/client';
import { users } from '../db/schema';
import { verifyAccessToken } from '../auth/jwt';
import { actorOf } from '../auth/users';
import { forbidden, unauthorized } from './problem';
import type { AppEnv } from './api';

export const SESSION_COOKIE = 'dc_session';
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Request id (echoed when the client sent a sane one), client address, database handle. */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const incoming = c.req.header('X-Request-Id');
  const id = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set('requestId', id);
  c.set('clientIp', c.req.header('CF-Connecting-IP') ?? c.req.header('X-Real-IP') ?? null);
  c.set('db', createDb(c.env.DB));
  c.set('user', null);
  await next();
  c.res.headers.set('X-Request-Id', id);
  c.res.headers.set('X-Content-Type-Options', 'nosniff');
  c.res.headers.set('Referrer-Policy', 'no-referrer');
  c.res.headers.append('Access-Control-Expose-Headers', 'X-Total-Count, Link, X-Request-Id, Location');
};

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the caller from `Authorization: Bearer` (API clients) or the HttpOnly session cookie (the browser
 * UI). The user row is read on every request so that a disabled account or a changed role applies at once.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('Authorization');
  let token: string | undefined;
  let viaCookie = false;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw unauthorized('The Authorization header must be "Bearer <token>".');
    token = m[1];
  } else {
    token = getCookie(c, SESSION_COOKIE);
    viaCookie = token !== undefined;
  }
  if (token) {
    if (viaCookie && UNSAFE.has(c.req.method)) {
      // SameSite=Strict already keeps other sites' requests cookieless; this also refuses a mismatched Origin
      const origin = c.req.header('Origin');
      if (origin && origin !== new URL(c.req.url).origin) {
        throw forbidden(`Cross-origin request from ${origin} refused.`);
      }
    }
    let claims: Awaited<ReturnType<typeof verifyAccessToken>> | undefined;
    try {
      claims = await verifyAccessToken(c.env, token);
    } catch (e) {
      // an explicit bad Bearer token is an error; a stale session cookie just means "signed out", so that the
      // login page and public routes keep working after the session expired
      if (!viaCookie) throw e;
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
    }
    if (claims) {
      const user = await c
        .get('db')
        .select()
        .from(users)
        .where(eq(users.id, Number(claims.sub)))
        .get();
      if (!user || user.disabled) throw unauthorized('This account no longer exists or is disabled.');
      c.set('user', actorOf(user));
    }
  }
  await next();
};
