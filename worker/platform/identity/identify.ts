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

/** An access JWT's user, re-read on every request so a disabled account, a new role or a revoked session apply at once. */
export async function actorFromAccessToken(ctx: Pick<ServiceContext, 'db' | 'env'>, token: string): Promise<Actor> {
  const claims = await verifyAccessToken(ctx.env, token);
  const row = await ctx.db
    .select({ user: users, session: sessions })
    .from(users)
    .leftJoin(sessions, eq(sessions.id, claims.sid ?? ''))
    .where(eq(users.id, Number(claims.sub)))
    .get();
  if (!row || row.user.disabled) throw unauthorized('This account no longer exists or is disabled.');
  if (claims.sid) {
    const state = row.session ? sessionState(row.session, Date.now(), sessionPolicy(ctx.env)) : 'revoked';
    // idleness is judged at refresh time; a live access token is short anyway
    if (state === 'revoked' || state === 'expired') throw unauthorized('This session has ended; sign in again.');
  }
  return { ...actorOf(row.user), sessionId: claims.sid, stepUpAt: row.session?.step_up_at ?? null };
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
