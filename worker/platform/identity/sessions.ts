import { and, eq, isNull, sql } from 'drizzle-orm';
import type { ServiceContext } from '../context';
import { runBatch, type Statement } from '../db/client';
import { users, type UserRow } from './tables/users';
import { refreshTokens, sessions, type SessionRow } from './tables/sessions';
import { auditEvent, toStatement } from '../audit/trail';
import { unauthorized } from '../http/problem';
import type { Env } from '../../env';
import { randomSecret, sha256Hex } from './secrets';

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export const sessionPolicy = (env: Env): SessionPolicy => ({
  idleMs: Number(env.SESSION_IDLE_MINUTES ?? 60) * 60_000,
  maxMs: Number(env.SESSION_MAX_HOURS ?? 12) * 3_600_000,
});

/** Where a session stands at `now`: only `active` sessions may mint access tokens. */
export function sessionState(
  s: Pick<SessionRow, 'revoked_at' | 'expires_at' | 'last_used_at'>,
  now: number,
  policy: SessionPolicy,
): 'active' | 'revoked' | 'expired' | 'idle' {
  if (s.revoked_at) return 'revoked';
  if (Date.parse(s.expires_at) <= now) return 'expired';
  if (Date.parse(s.last_used_at) + policy.idleMs <= now) return 'idle';
  return 'active';
}

const iso = (ms: number) => new Date(ms).toISOString();
const nowSql = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/** Start a session for a user who just proved who they are; returns it with its first refresh token. */
export async function startSession(
  ctx: ServiceContext,
  user: UserRow,
  amr: string[],
  userAgent: string | null,
  /** a sign-in that itself was a passkey assertion with user verification counts as a step-up */
  opts: { stepUp?: boolean } = {},
): Promise<{ session: SessionRow; refreshToken: string }> {
  const now = Date.now();
  const id = randomSecret(18);
  const refreshToken = randomSecret(32);
  const [rows] = await runBatch(ctx.db, [
    ctx.db
      .insert(sessions)
      .values({
        id,
        user_id: user.id,
        amr,
        auth_time: Math.floor(now / 1000),
        expires_at: iso(now + sessionPolicy(ctx.env).maxMs),
        client_ip: ctx.clientIp,
        user_agent: userAgent?.slice(0, 200) ?? null,
        step_up_at: opts.stepUp ? iso(now) : null,
      })
      .returning() as unknown as Statement,
    ctx.db
      .insert(refreshTokens)
      .values({ session_id: id, token_hash: await sha256Hex(refreshToken) }) as unknown as Statement,
  ]);
  return { session: (rows as SessionRow[])[0], refreshToken };
}

export async function revokeSession(ctx: ServiceContext, id: string, reason: string): Promise<boolean> {
  const [res] = await runBatch(ctx.db, [
    ctx.db
      .update(sessions)
      .set({ revoked_at: nowSql, revoked_reason: reason })
      .where(and(eq(sessions.id, id), isNull(sessions.revoked_at))) as unknown as Statement,
    toStatement(
      ctx,
      auditEvent(ctx, { action: 'session_revoked', entityType: 'session', entityId: id, details: { reason } }),
    ),
  ]);
  return ((res as D1Result).meta?.changes ?? 0) > 0;
}

/** Within this time a reused refresh token is taken as two browser tabs racing, not as theft (cookie flow only). */
const BROWSER_RACE_MS = 60_000;

/**
 * Exchange a refresh token for a new one (rotation). A token used a second time means it was copied: the
 * whole session is revoked, and with it every token minted from it.
 */
export async function rotateRefreshToken(
  ctx: ServiceContext,
  token: string,
  opts: { tolerateBrowserRace?: boolean } = {},
): Promise<{ user: UserRow; session: SessionRow; refreshToken: string | null }> {
  const invalid = () => unauthorized('The refresh token is invalid, expired or revoked; sign in again.');
  const hash = await sha256Hex(token);
  const row = await ctx.db
    .select({ rt: refreshTokens, session: sessions, user: users })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.session_id))
    .innerJoin(users, eq(users.id, sessions.user_id))
    .where(eq(refreshTokens.token_hash, hash))
    .get();
  if (!row || row.user.disabled) throw invalid();
  const now = Date.now();
  if (sessionState(row.session, now, sessionPolicy(ctx.env)) !== 'active') throw invalid();
  const actorCtx = {
    ...ctx,
    actor: { id: row.user.id, username: row.user.username, role: row.user.role, clearance: row.user.clearance },
  };

  if (row.rt.used_at) {
    if (opts.tolerateBrowserRace && now - Date.parse(row.rt.used_at) < BROWSER_RACE_MS) {
      return { user: row.user, session: row.session, refreshToken: null };
    }
    await runBatch(ctx.db, [
      toStatement(
        actorCtx,
        auditEvent(actorCtx, { action: 'refresh_reuse_detected', entityType: 'session', entityId: row.session.id }),
      ),
    ]);
    await revokeSession(actorCtx, row.session.id, 'refresh_token_reuse');
    throw invalid();
  }

  const next = randomSecret(32);
  // the conditional insert makes two concurrent rotations of one token mint a single successor
  const [used] = await runBatch(ctx.db, [
    ctx.db
      .update(refreshTokens)
      .set({ used_at: nowSql })
      .where(and(eq(refreshTokens.id, row.rt.id), isNull(refreshTokens.used_at))) as unknown as Statement,
    toStatement(
      ctx,
      sql`INSERT INTO refresh_tokens (session_id, token_hash) SELECT ${row.session.id}, ${await sha256Hex(next)} WHERE changes() = 1`,
    ),
    ctx.db
      .update(sessions)
      .set({ last_used_at: nowSql })
      .where(eq(sessions.id, row.session.id)) as unknown as Statement,
  ]);
  if (((used as D1Result).meta?.changes ?? 0) === 0) throw invalid();
  return { user: row.user, session: row.session, refreshToken: next };
}

export async function listSessions(ctx: ServiceContext, userId: number) {
  const policy = sessionPolicy(ctx.env);
  const rows = await ctx.db
    .select()
    .from(sessions)
    .where(eq(sessions.user_id, userId))
    .orderBy(sql`${sessions.last_used_at} DESC`)
    .limit(100)
    .all();
  const now = Date.now();
  return rows.map((s) => ({ ...s, state: sessionState(s, now, policy) }));
}

export const getSession = (ctx: ServiceContext, id: string) =>
  ctx.db.select().from(sessions).where(eq(sessions.id, id)).get();
