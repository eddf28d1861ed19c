import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { forbidden, unauthorized } from '../http/problem';
import { serviceContext, type AppEnv } from '../http/api';
import { actorOf } from './users';
import { ACCESS_COOKIE, REFRESH_COOKIE, clearSessionCookies, setSessionCookies } from './cookies';
import { accessTokenFor, actorFromAccessToken, actorFromApiToken, actorRecheck } from './identify';
import { cachedActor } from './actor-cache';
import { API_TOKEN_PREFIX, touchApiToken } from './api-tokens';
import { rotateRefreshToken } from './sessions';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Runs the whole app again for a request (after its identity turned out stale). */
export type Redispatch = (request: Request, c: Context<AppEnv>) => Promise<Response>;

// requests already run once with a stale identity: the second run re-reads it before anything else
const rerun = new WeakSet<Request>();

/**
 * Resolves the caller: `Authorization: Bearer` with an access JWT or a personal API token (scripts, agents),
 * or the browser's HttpOnly cookies. An expired access cookie is renewed from the refresh cookie on the fly, so
 * a session lasts until it is idle or reaches its absolute lifetime.
 *
 * Every request re-reads the account behind an access token, so a disabled account, a new role or a revoked
 * session apply at once. A write reads it before anything runs. A read-only request whose token this isolate
 * already verified runs with the actor it resolved to last time and re-reads the account in its own first D1
 * batch (one round trip instead of two); its answer is held until that re-read is settled, and if the account
 * changed meanwhile the answer is thrown away and the request runs again with the account as it is now.
 */
export function authenticate(redispatch: Redispatch): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const recheck = await identify(c);
    await next();
    if (!recheck) return;
    const unseated = c.get('riders').unseated();
    if (unseated) {
      // the request made no batch: the re-read travels alone, before the answer leaves
      unseated.settle(await unseated.statement.all());
    }
    if (recheck.current()) return;
    const again = new Request(c.req.raw);
    rerun.add(again);
    const res = await redispatch(again, c);
    c.res = undefined; // replace, not merge: nothing of the stale answer may survive
    c.res = res;
  };
}

const deferrable = (c: Context<AppEnv>) =>
  (c.req.method === 'GET' || c.req.method === 'HEAD') && !c.req.header('Upgrade') && !rerun.has(c.req.raw);

/** The actor from an access token: re-read now, or (read-only requests, known token) in the request's batch. */
async function fromAccessToken(c: Context<AppEnv>, token: string): Promise<{ current(): boolean } | undefined> {
  const ctx = serviceContext(c);
  const known = deferrable(c) ? cachedActor(c.env, token) : undefined;
  if (!known) {
    c.set('user', await actorFromAccessToken(ctx, token));
    return undefined;
  }
  const check = actorRecheck(ctx, token, known);
  let verdict: boolean | undefined;
  c.get('riders').seat({ statement: check.statement, settle: (r) => void (verdict = check.settle(r)) });
  c.set('user', known);
  return { current: () => verdict === true };
}

/**
 * A WebSocket client cannot set an Authorization header: programs that dial a socket (the site agent) offer the
 * subprotocols `dcp-agent, bearer.<token>` instead, read here as `Bearer <token>`.
 */
function bearerOf(c: Context<AppEnv>): string | undefined {
  const header = c.req.header('Authorization');
  if (header || c.req.header('Upgrade')?.toLowerCase() !== 'websocket') return header;
  const offered = (c.req.header('Sec-WebSocket-Protocol') ?? '').split(',').map((p) => p.trim());
  const token = offered.find((p) => p.startsWith('bearer.'))?.slice('bearer.'.length);
  return token ? `Bearer ${token}` : undefined;
}

async function identify(c: Context<AppEnv>): Promise<{ current(): boolean } | undefined> {
  const ctx = serviceContext(c);
  const header = bearerOf(c);
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw unauthorized('The Authorization header must be "Bearer <token>".');
    if (m[1].startsWith(API_TOKEN_PREFIX)) {
      const actor = await actorFromApiToken(ctx, m[1]);
      c.set('user', actor);
      waitUntil(c, touchApiToken(ctx, actor.tokenId));
      return undefined;
    }
    return fromAccessToken(c, m[1]);
  }

  const access = getCookie(c, ACCESS_COOKIE);
  const refresh = getCookie(c, REFRESH_COOKIE);
  if (!access && !refresh) return undefined;
  if (UNSAFE.has(c.req.method)) {
    // SameSite=Strict already keeps other sites' requests cookieless; this also refuses a mismatched Origin
    const origin = c.req.header('Origin');
    if (origin && origin !== new URL(c.req.url).origin) throw forbidden(`Cross-origin request from ${origin} refused.`);
  }
  if (access) {
    try {
      return await fromAccessToken(c, access);
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
      return undefined;
    } catch {
      // the session is over: behave as signed out
    }
  }
  clearSessionCookies(c);
  return undefined;
}

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
