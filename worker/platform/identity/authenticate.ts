import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { forbidden, unauthorized } from '../http/problem';
import { serviceContext, type AppEnv } from '../http/api';
import { actorOf } from './users';
import { ACCESS_COOKIE, REFRESH_COOKIE, clearSessionCookies, setSessionCookies } from './cookies';
import { accessTokenFor, actorFromAccessToken, actorFromApiToken } from './identify';
import { API_TOKEN_PREFIX, touchApiToken } from './api-tokens';
import { rotateRefreshToken } from './sessions';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the caller: `Authorization: Bearer` with an access JWT or a personal API token (scripts, agents),
 * or the browser's HttpOnly cookies. An expired access cookie is renewed from the refresh cookie on the fly, so
 * a session lasts until it is idle or reaches its absolute lifetime.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const ctx = serviceContext(c);
  const header = c.req.header('Authorization');
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw unauthorized('The Authorization header must be "Bearer <token>".');
    if (m[1].startsWith(API_TOKEN_PREFIX)) {
      const actor = await actorFromApiToken(ctx, m[1]);
      c.set('user', actor);
      waitUntil(c, touchApiToken(ctx, actor.tokenId));
    } else {
      c.set('user', await actorFromAccessToken(ctx, m[1]));
    }
    return next();
  }

  const access = getCookie(c, ACCESS_COOKIE);
  const refresh = getCookie(c, REFRESH_COOKIE);
  if (!access && !refresh) return next();
  if (UNSAFE.has(c.req.method)) {
    // SameSite=Strict already keeps other sites' requests cookieless; this also refuses a mismatched Origin
    const origin = c.req.header('Origin');
    if (origin && origin !== new URL(c.req.url).origin) throw forbidden(`Cross-origin request from ${origin} refused.`);
  }
  if (access) {
    try {
      c.set('user', await actorFromAccessToken(ctx, access));
      return next();
    } catch {
      // stale: fall through to the refresh cookie
    }
  }
  if (refresh) {
    try {
      const r = await rotateRefreshToken(ctx, refresh, { tolerateBrowserRace: true });
      const minted = await accessTokenFor(c.env, r.user, r.session);
      setSessionCookies(
        c,
        minted,
        r.refreshToken ? { token: r.refreshToken, expiresAt: r.session.expires_at } : undefined,
      );
      c.set('user', { ...actorOf(r.user), sessionId: r.session.id, stepUpAt: r.session.step_up_at });
      return next();
    } catch {
      // the session is over: behave as signed out
    }
  }
  clearSessionCookies(c);
  return next();
};

function waitUntil(c: Context<AppEnv>, p: Promise<unknown>) {
  let ec: { waitUntil(p: Promise<unknown>): void } | undefined;
  try {
    ec = c.executionCtx;
  } catch {
    ec = undefined; // no execution context (direct app.fetch calls)
  }
  if (ec) ec.waitUntil(p.catch(() => undefined));
  else void p.catch(() => undefined);
}
