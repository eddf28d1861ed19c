import { and, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import * as v from 'valibot';
import type { Actor, ServiceContext } from '../context';
import { runBatch, type Statement } from '../db/client';
import { users, type UserRow } from './tables/users';
import { sessions } from './tables/sessions';
import { mfaPolicy, mfaTickets, recoveryCodes, totpFactors, type MfaTicketRow } from './tables/mfa';
import { auditEvent, toStatement } from '../audit/trail';
import { ProblemError, conflict, notFound, unauthorized, unprocessable } from '../http/problem';
import { issuesToFieldErrors } from '../http/validation';
import { password as passwordRule } from './schemas/user';
import { hashPassword, verifyPassword } from './passwords';
import { randomSecret, sha256Hex } from './secrets';
import { ROLES } from '../access/roles';
import { actorOf } from './users';
import { passkeyCount } from './passkeys';
import { stepUpFresh } from './step-up';
import { throttle } from './throttle';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp';
import { openTotpSecret, sealTotpSecret } from './totp-crypto';

export const MFA_TICKET_TTL_SECONDS = 300;
export const RECOVERY_CODE_COUNT = 10;
export type TicketPurpose = 'second_factor' | 'enroll' | 'password_change';
export type Via = 'session' | 'token';
export type SecondFactorMethod = 'totp' | 'recovery_code' | 'passkey';

const nowIso = () => new Date().toISOString();
const asActor = (ctx: ServiceContext, user: UserRow): ServiceContext => ({ ...ctx, actor: actorOf(user) });

// ---- state and policy ---------------------------------------------------------------------------------------

export async function requiredByRole(ctx: ServiceContext, role: string): Promise<boolean> {
  const row = await ctx.db.select().from(mfaPolicy).where(eq(mfaPolicy.role, role)).get();
  return !!row?.required;
}

export async function getPolicy(ctx: ServiceContext): Promise<Record<string, boolean>> {
  const rows = await ctx.db.select().from(mfaPolicy).all();
  return Object.fromEntries(ROLES.map((r) => [r, !!rows.find((x) => x.role === r)?.required]));
}

export async function setPolicy(ctx: ServiceContext, next: Record<string, boolean>) {
  const before = await getPolicy(ctx);
  const after = { ...before, ...next };
  await runBatch(ctx.db, [
    ...ROLES.map(
      (role) =>
        ctx.db
          .insert(mfaPolicy)
          .values({ role, required: after[role] })
          .onConflictDoUpdate({
            target: mfaPolicy.role,
            set: { required: after[role], updated_at: nowIso() },
          }) as unknown as Statement,
    ),
    toStatement(
      ctx,
      auditEvent(ctx, { action: 'mfa_policy_updated', entityType: 'mfa_policy', details: { before, after } }),
    ),
  ]);
  return after;
}

async function factorsOf(ctx: ServiceContext, userId: number) {
  const [factor, codes, keys] = await Promise.all([
    ctx.db.select().from(totpFactors).where(eq(totpFactors.user_id, userId)).get(),
    ctx.db
      .select({ n: sql<number>`count(*)` })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.user_id, userId), isNull(recoveryCodes.used_at)))
      .get(),
    passkeyCount(ctx, userId),
  ]);
  return { factor, totp: !!factor?.confirmed_at, recoveryCodes: codes?.n ?? 0, passkeys: keys };
}

export async function mfaStatus(ctx: ServiceContext, actor: Actor) {
  const f = await factorsOf(ctx, actor.id);
  return {
    totp: { enabled: f.totp, confirmed_at: f.factor?.confirmed_at ?? null },
    recovery_codes_remaining: f.recoveryCodes,
    passkeys: f.passkeys,
    required_by_role: await requiredByRole(ctx, actor.role),
  };
}

// ---- tickets (mfa_token) ------------------------------------------------------------------------------------

async function issueTicket(ctx: ServiceContext, userId: number, purpose: TicketPurpose, via: Via) {
  const token = `mfa_${randomSecret(24)}`;
  const now = Date.now();
  await runBatch(ctx.db, [
    // housekeeping: tickets are worthless once expired
    ctx.db
      .delete(mfaTickets)
      .where(lt(mfaTickets.expires_at, new Date(now - 3_600_000).toISOString())) as unknown as Statement,
    ctx.db.insert(mfaTickets).values({
      token_hash: await sha256Hex(token),
      user_id: userId,
      purpose,
      via,
      expires_at: new Date(now + MFA_TICKET_TTL_SECONDS * 1000).toISOString(),
    }) as unknown as Statement,
  ]);
  return token;
}

const invalidTicket = () =>
  new ProblemError(
    401,
    'mfa-token-invalid',
    'The sign-in ticket (mfa_token) is unknown, already used or expired (they last 5 minutes); sign in again.',
  );

/** A live ticket for one of `purposes`, with its (enabled) user. Does not consume it. */
export async function openTicket(
  ctx: ServiceContext,
  token: string,
  purposes: TicketPurpose[],
): Promise<{ ticket: MfaTicketRow; user: UserRow }> {
  const row = await ctx.db
    .select({ ticket: mfaTickets, user: users })
    .from(mfaTickets)
    .innerJoin(users, eq(users.id, mfaTickets.user_id))
    .where(
      and(
        eq(mfaTickets.token_hash, await sha256Hex(token)),
        isNull(mfaTickets.used_at),
        gt(mfaTickets.expires_at, nowIso()),
      ),
    )
    .get();
  if (!row || row.user.disabled || !purposes.includes(row.ticket.purpose as TicketPurpose)) throw invalidTicket();
  return row;
}

/** Single use: the conditional UPDATE succeeds once. */
export async function consumeTicket(ctx: ServiceContext, ticket: MfaTicketRow) {
  const done = await ctx.db
    .update(mfaTickets)
    .set({ used_at: nowIso() })
    .where(and(eq(mfaTickets.id, ticket.id), isNull(mfaTickets.used_at)))
    .returning()
    .get();
  if (!done) throw invalidTicket();
}

/**
 * After a correct password: whatever must happen before a session starts. Throws 401 `password-change-required`
 * or `mfa-required` with a ticket, or returns when the password alone suffices. A passkey on its own does not
 * turn on the second step (a passkey signs in by itself, passwordless); it is offered when the step is on.
 */
export async function assertNoPendingStep(ctx: ServiceContext, user: UserRow, via: Via): Promise<void> {
  if (user.must_change_password) {
    throw new ProblemError(
      401,
      'password-change-required',
      'The password is right, but it must be changed before signing in: POST /api/mfa/password with the mfa_token and a new_password.',
      {
        title: 'Password Change Required',
        extra: {
          mfa_token: await issueTicket(ctx, user.id, 'password_change', via),
          methods: ['password_change'],
          expires_in: MFA_TICKET_TTL_SECONDS,
        },
      },
    );
  }
  const f = await factorsOf(ctx, user.id);
  const required = await requiredByRole(ctx, user.role);
  if (!f.totp && !(required && f.passkeys > 0)) {
    if (!required) return;
    throw new ProblemError(
      401,
      'mfa-required',
      `Your role (${user.role}) requires a second factor and you have none yet: set up an authenticator app with POST /api/mfa/enroll/setup and /confirm, using the mfa_token.`,
      {
        title: 'Second Factor Required',
        extra: {
          mfa_token: await issueTicket(ctx, user.id, 'enroll', via),
          methods: ['enroll'],
          expires_in: MFA_TICKET_TTL_SECONDS,
        },
      },
    );
  }
  const methods: SecondFactorMethod[] = [];
  if (f.totp) methods.push('totp');
  if (f.recoveryCodes > 0) methods.push('recovery_code');
  if (f.passkeys > 0) methods.push('passkey');
  throw new ProblemError(
    401,
    'mfa-required',
    'The password is right; now confirm with a second factor: POST /api/mfa/verify with the mfa_token and a code.',
    {
      title: 'Second Factor Required',
      extra: {
        mfa_token: await issueTicket(ctx, user.id, 'second_factor', via),
        methods,
        expires_in: MFA_TICKET_TTL_SECONDS,
      },
    },
  );
}

// ---- codes --------------------------------------------------------------------------------------------------

/** Wrong second-factor codes are throttled like wrong passwords: from the audit trail, per account. */
async function assertMfaNotThrottled(ctx: ServiceContext, user: UserRow) {
  const windowMs = Number(ctx.env.LOGIN_THROTTLE_WINDOW_MINUTES ?? 15) * 60_000;
  const since = new Date(Date.now() - windowMs).toISOString();
  const rows = await ctx.db.all<{ ts: string; ok: number }>(
    sql`SELECT ts, action = 'mfa_verified' AS ok FROM audit_log WHERE action IN ('mfa_verified', 'mfa_failed') AND ts > ${since} AND actor_id = ${user.id}`,
  );
  const verdict = throttle(
    rows.map((r) => ({ ts: r.ts, ok: !!r.ok })),
    Date.now(),
    { maxFailures: Number(ctx.env.LOGIN_MAX_FAILURES_PER_ACCOUNT ?? 5), windowMs },
  );
  if (verdict.blocked) {
    throw new ProblemError(
      429,
      'too-many-requests',
      `Too many wrong codes. Try again in ${verdict.retryAfter} seconds.`,
      { headers: { 'Retry-After': String(verdict.retryAfter) }, extra: { retry_after: verdict.retryAfter } },
    );
  }
}

/**
 * Audit a wrong code and build its problem: 401 in the sign-in step (the caller is not signed in yet); 422 naming
 * `code` for a signed-in person (enrolment, removal), whose session is fine and must not look signed out.
 */
async function codeFailed(ctx: ServiceContext, user: UserRow, method: string, why = 'wrong code', signedIn = false) {
  const actx = asActor(ctx, user);
  await runBatch(ctx.db, [
    toStatement(
      actx,
      auditEvent(actx, { action: 'mfa_failed', entityType: 'user', entityId: user.id, details: { method } }),
    ),
  ]);
  const detail = `That ${method === 'recovery_code' ? 'recovery code' : 'code'} is not right (${why}).`;
  if (signedIn) return unprocessable([{ field: 'code', message: `is not right (${why})` }], detail);
  return new ProblemError(401, 'mfa-code-invalid', detail);
}

/** Accept a TOTP code once: the step is recorded, and a step at or before it never matches again. */
async function useTotpCode(ctx: ServiceContext, user: UserRow, code: string, confirmed = true): Promise<boolean> {
  const factor = await ctx.db.select().from(totpFactors).where(eq(totpFactors.user_id, user.id)).get();
  if (!factor || !!factor.confirmed_at !== confirmed) return false;
  const { secret, stale } = await openTotpSecret(ctx.env, factor);
  const step = await verifyTotp(secret, code, Date.now(), { lastUsedStep: factor.last_used_step });
  if (step === null) return false;
  // conditional, so two requests racing with the same code accept it once; a row in the clear or under a
  // retired key is re-encrypted under the current one on the way
  const won = await ctx.db
    .update(totpFactors)
    .set({
      last_used_step: step,
      ...(confirmed ? {} : { confirmed_at: nowIso() }),
      ...(stale ? await sealTotpSecret(ctx.env, user.id, secret) : {}),
    })
    .where(
      and(
        eq(totpFactors.user_id, user.id),
        or(isNull(totpFactors.last_used_step), lt(totpFactors.last_used_step, step)),
      ),
    )
    .returning()
    .get();
  return !!won;
}

/** Canonical form of a recovery code: lower case letters and digits only (dashes and spaces are decoration). */
const canonicalCode = (code: string) => code.toLowerCase().replace(/[^a-z0-9]/g, '');
const CODE_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'; // 32 symbols: no l, o, 0, 1

function newRecoveryCode(): string {
  const raw = crypto.getRandomValues(new Uint8Array(12));
  const chars = [...raw].map((b) => CODE_ALPHABET[b & 31]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

async function useRecoveryCode(ctx: ServiceContext, user: UserRow, code: string): Promise<boolean> {
  const canon = canonicalCode(code);
  if (canon.length !== 12) return false;
  const used = await ctx.db
    .update(recoveryCodes)
    .set({ used_at: nowIso() })
    .where(
      and(
        eq(recoveryCodes.user_id, user.id),
        eq(recoveryCodes.code_hash, await sha256Hex(canon)),
        isNull(recoveryCodes.used_at),
      ),
    )
    .returning()
    .get();
  return !!used;
}

/** Statements replacing a user's recovery codes with ten new ones; the codes are returned once, never stored. */
async function newRecoveryCodeSet(ctx: ServiceContext, userId: number) {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const statements: Statement[] = [
    ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.user_id, userId)) as unknown as Statement,
    ctx.db
      .insert(recoveryCodes)
      .values(
        await Promise.all(codes.map(async (c) => ({ user_id: userId, code_hash: await sha256Hex(canonicalCode(c)) }))),
      ) as unknown as Statement,
  ];
  return { codes, statements };
}

/**
 * The second step of a sign-in with a TOTP or recovery code. Returns the amr of the session to start; a wrong
 * code is audited (`mfa_failed`) and counts towards the throttle.
 */
export async function verifyCode(
  ctx: ServiceContext,
  user: UserRow,
  method: 'totp' | 'recovery_code',
  code: string,
): Promise<string[]> {
  await assertMfaNotThrottled(ctx, user);
  const ok = method === 'totp' ? await useTotpCode(ctx, user, code) : await useRecoveryCode(ctx, user, code);
  if (!ok) throw await codeFailed(ctx, user, method);
  const remaining = method === 'recovery_code' ? (await factorsOf(ctx, user.id)).recoveryCodes : undefined;
  await auditVerified(ctx, user, method, remaining === undefined ? {} : { recovery_codes_remaining: remaining });
  return method === 'totp' ? ['pwd', 'otp'] : ['pwd', 'otp', 'rc'];
}

export async function auditVerified(ctx: ServiceContext, user: UserRow, method: string, details: object = {}) {
  const actx = asActor(ctx, user);
  await runBatch(ctx.db, [
    ctx.db.update(users).set({ last_login_at: nowIso() }).where(eq(users.id, user.id)) as unknown as Statement,
    toStatement(
      actx,
      auditEvent(actx, {
        action: 'mfa_verified',
        entityType: 'user',
        entityId: user.id,
        details: { method, ...details },
      }),
    ),
  ]);
}

// ---- enrolment ----------------------------------------------------------------------------------------------

/** Start (or restart) TOTP enrolment: a new unconfirmed secret. Refused while a confirmed one exists. */
export async function setupTotp(ctx: ServiceContext, user: UserRow) {
  const existing = await ctx.db.select().from(totpFactors).where(eq(totpFactors.user_id, user.id)).get();
  if (existing?.confirmed_at) {
    throw conflict('An authenticator app is already set up; remove it first (DELETE /api/mfa/totp).');
  }
  const secret = newTotpSecret();
  const sealed = await sealTotpSecret(ctx.env, user.id, secret);
  const actx = asActor(ctx, user);
  await runBatch(ctx.db, [
    ctx.db
      .insert(totpFactors)
      .values({ user_id: user.id, ...sealed })
      .onConflictDoUpdate({
        target: totpFactors.user_id,
        set: { ...sealed, confirmed_at: null, last_used_step: null, created_at: nowIso() },
      }) as unknown as Statement,
    toStatement(actx, auditEvent(actx, { action: 'totp_setup_started', entityType: 'user', entityId: user.id })),
  ]);
  return { secret, otpauth_uri: otpauthUri(secret, user.username) };
}

/** Confirm enrolment with a first code from the app; returns the ten recovery codes, the only time they are shown. */
export async function confirmTotp(ctx: ServiceContext, user: UserRow, code: string) {
  const factor = await ctx.db.select().from(totpFactors).where(eq(totpFactors.user_id, user.id)).get();
  if (!factor) throw conflict('Start with POST /api/mfa/totp/setup: there is no authenticator app to confirm.');
  if (factor.confirmed_at) throw conflict('This authenticator app is already confirmed.');
  await assertMfaNotThrottled(ctx, user);
  if (!(await useTotpCode(ctx, user, code, false)))
    throw await codeFailed(ctx, user, 'totp', 'check the clock of the device', true);
  const { codes, statements } = await newRecoveryCodeSet(ctx, user.id);
  const actx = asActor(ctx, user);
  await runBatch(ctx.db, [
    ...statements,
    toStatement(
      actx,
      auditEvent(actx, {
        action: 'totp_enabled',
        entityType: 'user',
        entityId: user.id,
        details: { recovery_codes: codes.length },
      }),
    ),
  ]);
  return { recovery_codes: codes };
}

/** Remove the authenticator app: needs a current code from it, or a passkey step-up within 5 minutes. */
export async function disableTotp(ctx: ServiceContext, actor: Actor, code: string | undefined) {
  const user = await ctx.db.select().from(users).where(eq(users.id, actor.id)).get();
  if (!user) throw unauthorized();
  const f = await factorsOf(ctx, user.id);
  if (!f.factor) throw notFound('Authenticator app');
  if (f.totp) {
    if (code) {
      await assertMfaNotThrottled(ctx, user);
      if (!(await useTotpCode(ctx, user, code))) {
        throw await codeFailed(ctx, user, 'totp', 'a current code, not one already used', true);
      }
    } else if (!stepUpFresh(actor)) {
      throw new ProblemError(
        403,
        'step-up-required',
        'Removing the authenticator app needs a current code from it (code) or a passkey confirmation in the last 5 minutes.',
        { title: 'Step-up Required', extra: { satisfied_by: ['totp', 'passkey_uv'] } },
      );
    }
  }
  await runBatch(ctx.db, [
    ctx.db.delete(totpFactors).where(eq(totpFactors.user_id, user.id)) as unknown as Statement,
    // recovery codes stand in for a lost second factor: without any left they go too
    ...(f.passkeys === 0
      ? [ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.user_id, user.id)) as unknown as Statement]
      : []),
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'totp_disabled',
        entityType: 'user',
        entityId: user.id,
        details: { confirmed: f.totp, by: code ? 'totp' : f.totp ? 'step_up' : 'unconfirmed' },
      }),
    ),
  ]);
}

/** Ten new recovery codes, the old ones invalid; only for someone with a second factor to recover. */
export async function regenerateRecoveryCodes(ctx: ServiceContext, actor: Actor) {
  const f = await factorsOf(ctx, actor.id);
  if (!f.totp && f.passkeys === 0) {
    throw conflict('Recovery codes stand in for a second factor: set up an authenticator app or a passkey first.');
  }
  const { codes, statements } = await newRecoveryCodeSet(ctx, actor.id);
  await runBatch(ctx.db, [
    ...statements,
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'recovery_codes_regenerated',
        entityType: 'user',
        entityId: actor.id,
        details: { count: codes.length },
      }),
    ),
  ]);
  return { recovery_codes: codes };
}

// ---- passwords ----------------------------------------------------------------------------------------------

const iterations = (ctx: ServiceContext) => Number(ctx.env.PASSWORD_HASH_ITERATIONS ?? 100_000);

/**
 * Set a new password (rules of worker/platform/identity/schemas/user.ts, not containing the username, not the current one), clear
 * a forced change, and revoke the user's other sessions. `currentPassword` is checked when given (signed-in
 * callers); a password-change ticket stands for it.
 */
export async function changePassword(
  ctx: ServiceContext,
  user: UserRow,
  newPassword: string,
  opts: { currentPassword?: string; keepSessionId?: string } = {},
) {
  if (opts.currentPassword !== undefined && !(await verifyPassword(opts.currentPassword, user.password_hash))) {
    const actx = asActor(ctx, user);
    await runBatch(ctx.db, [
      toStatement(actx, auditEvent(actx, { action: 'password_change_failed', entityType: 'user', entityId: user.id })),
    ]);
    throw unprocessable([{ field: 'current_password', message: 'is not your current password' }]);
  }
  const parsed = v.safeParse(passwordRule, newPassword);
  if (!parsed.success)
    throw unprocessable(issuesToFieldErrors(parsed.issues).map((e) => ({ ...e, field: 'new_password' })));
  if (newPassword.toLowerCase().includes(user.username.toLowerCase())) {
    throw unprocessable([{ field: 'new_password', message: 'must not contain the username' }]);
  }
  if (await verifyPassword(newPassword, user.password_hash)) {
    throw unprocessable([{ field: 'new_password', message: 'must differ from the current password' }]);
  }
  const actx = ctx.actor ? ctx : asActor(ctx, user);
  const [, revoked] = await runBatch(ctx.db, [
    ctx.db
      .update(users)
      .set({
        password_hash: await hashPassword(newPassword, iterations(ctx)),
        must_change_password: false,
        updated_at: nowIso(),
      })
      .where(eq(users.id, user.id)) as unknown as Statement,
    ctx.db
      .update(sessions)
      .set({ revoked_at: nowIso(), revoked_reason: 'password_changed' })
      .where(
        and(
          eq(sessions.user_id, user.id),
          isNull(sessions.revoked_at),
          ...(opts.keepSessionId ? [ne(sessions.id, opts.keepSessionId)] : []),
        ),
      ) as unknown as Statement,
    toStatement(
      actx,
      auditEvent(actx, {
        action: 'password_changed',
        entityType: 'user',
        entityId: user.id,
        details: { forced: user.must_change_password },
      }),
    ),
  ]);
  return { sessions_revoked: (revoked as D1Result).meta?.changes ?? 0 };
}
