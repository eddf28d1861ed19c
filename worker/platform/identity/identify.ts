import { eq } from 'drizzle-orm';
import type { Actor, ServiceContext } from '../context';
import { users, type UserRow } from './tables/users';
import { sessions, type SessionRow } from './tables/sessions';
import { unauthorized } from '../http/problem';
import type { Env } from '../../env';
import { signAccessToken, verifyAccessToken } from './jwt';
import { sessionPolicy, sessionState } from './sessions';
import { actorOf } from './users';
import { resolveApiToken } from './api-tokens';
import { forgetActor, rememberActor } from './actor-cache';

type Claims = Awaited<ReturnType<typeof verifyAccessToken>>;

/**
 * The account and session behind a token: one select, run alone or riding in the request's batch. The columns
 * are picked so that no two share a name: D1 answers a batch with rows as objects, where a second `id` would
 * overwrite the first.
 */
const identityQuery = (ctx: Pick<ServiceContext, 'db'>, claims: Pick<Claims, 'sub' | 'sid'>) =>
  ctx.db
    .select({
      id: users.id,
      username: users.username,
      role: users.role,
      clearance: users.clearance,
      disabled: users.disabled,
      revoked_at: sessions.revoked_at,
      expires_at: sessions.expires_at,
      last_used_at: sessions.last_used_at,
      step_up_at: sessions.step_up_at,
    })
    .from(users)
    .leftJoin(sessions, eq(sessions.id, claims.sid ?? ''))
    .where(eq(users.id, Number(claims.sub)));

type IdentityRow = Pick<UserRow, 'id' | 'username' | 'role' | 'clearance' | 'disabled'> & {
  revoked_at: string | null;
  expires_at: string | null;
  last_used_at: string | null;
  step_up_at: string | null;
};

/** Who the token's account is now; refuses a disabled account or an ended session. */
function actorOfRow(env: Env, claims: Pick<Claims, 'sid'>, row: IdentityRow | undefined): Actor {
  if (!row || row.disabled) throw unauthorized('This account no longer exists or is disabled.');
  // expires_at is NOT NULL on a session row: null means the join found none
  const session =
    row.expires_at === null ? null : { ...row, expires_at: row.expires_at, last_used_at: row.last_used_at ?? '' };
  if (claims.sid) {
    const state = session ? sessionState(session, Date.now(), sessionPolicy(env)) : 'revoked';
    // idleness is judged at refresh time; a live access token is short anyway
    if (state === 'revoked' || state === 'expired') throw unauthorized('This session has ended; sign in again.');
  }
  return { ...actorOf(row), sessionId: claims.sid, stepUpAt: session?.step_up_at ?? null };
}

/** An access JWT's user, re-read on every request so a disabled account, a new role or a revoked session apply at once. */
export async function actorFromAccessToken(ctx: Pick<ServiceContext, 'db' | 'env'>, token: string): Promise<Actor> {
  const claims = await verifyAccessToken(ctx.env, token);
  const actor = actorOfRow(ctx.env, claims, (await identityQuery(ctx, claims).get()) as IdentityRow | undefined);
  rememberActor(ctx.env, token, actor, (claims as { exp?: number }).exp! * 1000);
  return actor;
}

/**
 * The re-read of `actorFromAccessToken` for a token this isolate has already verified, as a statement to run
 * later (riding in the request's first batch). `settle` answers whether the account still resolves to `actor`,
 * and keeps the cache in step with what it found.
 */
export function actorRecheck(
  ctx: Pick<ServiceContext, 'db' | 'env'>,
  token: string,
  actor: Actor,
): { statement: D1PreparedStatement; settle(result: D1Result): boolean } {
  const claims = { sub: String(actor.id), sid: actor.sessionId };
  const prepared = (identityQuery(ctx, claims) as unknown as { _prepare(): PreparedQuery })._prepare();
  const q = prepared.getQuery();
  return {
    statement: ctx.db.$client.prepare(q.sql).bind(...q.params),
    settle(result) {
      const rows = prepared.mapResult(result, true) as IdentityRow[];
      let fresh: Actor;
      try {
        fresh = actorOfRow(ctx.env, claims, rows[0]);
      } catch {
        forgetActor(ctx.env, token);
        return false;
      }
      if (JSON.stringify(fresh) === JSON.stringify(actor)) return true;
      forgetActor(ctx.env, token); // the next request re-reads it from scratch
      return false;
    },
  };
}

interface PreparedQuery {
  getQuery(): { sql: string; params: unknown[] };
  mapResult(result: unknown, isFromBatch: boolean): unknown;
}

export async function actorFromApiToken(
  ctx: Pick<ServiceContext, 'db'>,
  token: string,
): Promise<Actor & { tokenId: number }> {
  const actor = await resolveApiToken(ctx, token);
  if (!actor) throw unauthorized('The API token is unknown, revoked or expired.');
  return actor;
}

/** Mint an access token for a session (after sign-in or a refresh). */
export const accessTokenFor = (env: Env, user: UserRow, session: SessionRow) =>
  signAccessToken(env, {
    sub: String(user.id),
    username: user.username,
    role: user.role,
    amr: session.amr,
    auth_time: session.auth_time,
    sid: session.id,
    ...(session.step_up_at ? { step_up_at: Math.floor(Date.parse(session.step_up_at) / 1000) } : {}),
  });
