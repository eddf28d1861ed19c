import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';
import type { Actor, ServiceContext } from '../context';
import type { Env } from '../../env';
import { runBatch, type Statement } from '../db/client';
import { users, type UserRow } from './tables/users';
import { sessions, type SessionRow } from './tables/sessions';
import { passkeys, webauthnChallenges, type PasskeyRow } from './tables/passkeys';
import { auditEvent, toStatement } from '../audit/trail';
import { ProblemError, forbidden, notFound, unauthorized } from '../http/problem';
import { randomSecret } from './secrets';
import { actorOf } from './users';
import { startSession } from './sessions';
import { STEP_UP_MAX_AGE_SECONDS } from './step-up';

export const CHALLENGE_TTL_MS = 5 * 60_000;
type Purpose = 'register' | 'authenticate' | 'step_up' | 'second_factor';

/** Relying party from configuration (README § Configuration); RP_ORIGIN may list several origins. */
export function relyingParty(env: Env) {
  return {
    id: env.RP_ID?.trim() || 'localhost',
    name: env.RP_NAME?.trim() || 'DC Platform',
    origins: (env.RP_ORIGIN ?? 'http://localhost:8787')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean),
  };
}

/**
 * The WebAuthn user handle: the UTF-8 bytes of `dcp-user:<id>`. Derived, not stored: user ids are never reused
 * (AUTOINCREMENT), it is stable across passkeys, and it holds no personal data (no name or email).
 */
export const userHandleOf = (userId: number) => isoUint8Array.fromUTF8String(`dcp-user:${userId}`);
const userHandleB64 = (userId: number) => isoBase64URL.fromBuffer(userHandleOf(userId));

const nowIso = () => new Date().toISOString();
const invalidChallenge = () =>
  new ProblemError(
    400,
    'challenge-invalid',
    'The challenge is unknown, already used or expired (they last 5 minutes); start again.',
  );
const verificationFailed = (why: string) =>
  new ProblemError(401, 'passkey-verification-failed', `The passkey response did not verify: ${why}`);

/** Passkeys are a person's credential: managed in a signed-in session, never through an API token. */
function assertPerson(actor: Actor | null): Actor {
  if (!actor) throw unauthorized();
  if (actor.scopes) throw forbidden('Passkeys are managed by a signed-in person, not through an API token.');
  return actor;
}

async function storeChallenge(
  ctx: ServiceContext,
  purpose: Purpose,
  challenge: string,
  userId: number | null,
  sessionId: string | null,
): Promise<string> {
  const id = randomSecret(18);
  const now = Date.now();
  await runBatch(ctx.db, [
    // housekeeping: challenges are worthless a little after they expire
    ctx.db
      .delete(webauthnChallenges)
      .where(lt(webauthnChallenges.expires_at, new Date(now - 3_600_000).toISOString())) as unknown as Statement,
    ctx.db.insert(webauthnChallenges).values({
      id,
      challenge,
      purpose,
      user_id: userId,
      session_id: sessionId,
      expires_at: new Date(now + CHALLENGE_TTL_MS).toISOString(),
    }) as unknown as Statement,
  ]);
  return id;
}

/** Single use: the conditional UPDATE succeeds once, and only before expiry. */
async function consumeChallenge(
  ctx: ServiceContext,
  id: string,
  purpose: Purpose,
  owner: { userId?: number; sessionId?: string } = {},
) {
  const row = await ctx.db
    .update(webauthnChallenges)
    .set({ used_at: nowIso() })
    .where(
      and(
        eq(webauthnChallenges.id, id),
        eq(webauthnChallenges.purpose, purpose),
        isNull(webauthnChallenges.used_at),
        gt(webauthnChallenges.expires_at, nowIso()),
      ),
    )
    .returning()
    .get();
  if (!row) throw invalidChallenge();
  if (owner.userId !== undefined && row.user_id !== owner.userId) throw invalidChallenge();
  if (owner.sessionId !== undefined && row.session_id !== owner.sessionId) throw invalidChallenge();
  return row;
}

export const publicPasskey = ({ public_key: _, counter: __, revoked_at: ___, ...p }: PasskeyRow) => p;

const activePasskeysOf = (ctx: ServiceContext, userId: number) =>
  ctx.db
    .select()
    .from(passkeys)
    .where(and(eq(passkeys.user_id, userId), isNull(passkeys.revoked_at)))
    .orderBy(passkeys.created_at)
    .all();

export async function listPasskeys(ctx: ServiceContext) {
  const actor = assertPerson(ctx.actor);
  return (await activePasskeysOf(ctx, actor.id)).map(publicPasskey);
}

async function ownPasskey(ctx: ServiceContext, id: string): Promise<PasskeyRow> {
  const actor = assertPerson(ctx.actor);
  const row = await ctx.db
    .select()
    .from(passkeys)
    .where(and(eq(passkeys.id, id), eq(passkeys.user_id, actor.id), isNull(passkeys.revoked_at)))
    .get();
  if (!row) throw notFound('Passkey');
  return row;
}

// ---- registration ------------------------------------------------------------------------------------------

export async function registrationOptions(ctx: ServiceContext) {
  const actor = assertPerson(ctx.actor);
  const user = await ctx.db.select().from(users).where(eq(users.id, actor.id)).get();
  if (!user) throw unauthorized();
  const rp = relyingParty(ctx.env);
  const existing = await activePasskeysOf(ctx, actor.id);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.username,
    userDisplayName: user.full_name ?? user.username,
    userID: userHandleOf(user.id),
    attestationType: 'none',
    timeout: CHALLENGE_TTL_MS,
    excludeCredentials: existing.map((p) => ({
      id: p.id,
      transports: p.transports as AuthenticatorTransport[],
    })),
    // discoverable, so that it can sign in without a username; UV when the authenticator can
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
  const challenge_id = await storeChallenge(ctx, 'register', options.challenge, user.id, actor.sessionId ?? null);
  return { challenge_id, options };
}

export async function verifyRegistration(
  ctx: ServiceContext,
  input: { challenge_id: string; name: string; response: Record<string, unknown> },
) {
  const actor = assertPerson(ctx.actor);
  const challenge = await consumeChallenge(ctx, input.challenge_id, 'register', { userId: actor.id });
  const rp = relyingParty(ctx.env);
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response as unknown as RegistrationResponseJSON,
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      requireUserVerification: false,
    });
  } catch (e) {
    throw verificationFailed((e as Error).message);
  }
  if (!verification.verified) throw verificationFailed('not verified');
  const info = verification.registrationInfo;
  const taken = await ctx.db
    .select({ id: passkeys.id })
    .from(passkeys)
    .where(eq(passkeys.id, info.credential.id))
    .get();
  if (taken) throw new ProblemError(409, 'conflict', 'This passkey is already registered.');
  const [rows] = await runBatch(ctx.db, [
    ctx.db
      .insert(passkeys)
      .values({
        id: info.credential.id,
        user_id: actor.id,
        name: input.name,
        public_key: isoBase64URL.fromBuffer(info.credential.publicKey),
        counter: info.credential.counter,
        transports: info.credential.transports ?? [],
        device_type: info.credentialDeviceType,
        backed_up: info.credentialBackedUp,
        aaguid: info.aaguid,
      })
      .returning() as unknown as Statement,
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'passkey_added',
        entityType: 'passkey',
        entityId: info.credential.id,
        details: {
          name: input.name,
          device_type: info.credentialDeviceType,
          backed_up: info.credentialBackedUp,
          aaguid: info.aaguid,
          user_verified: info.userVerified,
        },
      }),
    ),
  ]);
  return publicPasskey((rows as PasskeyRow[])[0]);
}

export async function renamePasskey(ctx: ServiceContext, id: string, name: string) {
  const row = await ownPasskey(ctx, id);
  const updated = await ctx.db.update(passkeys).set({ name }).where(eq(passkeys.id, row.id)).returning().get();
  return publicPasskey(updated!);
}

export async function revokePasskey(ctx: ServiceContext, id: string) {
  const row = await ownPasskey(ctx, id);
  await runBatch(ctx.db, [
    ctx.db
      .update(passkeys)
      .set({ revoked_at: nowIso() })
      .where(and(eq(passkeys.id, row.id), isNull(passkeys.revoked_at))) as unknown as Statement,
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'passkey_removed',
        entityType: 'passkey',
        entityId: row.id,
        details: { name: row.name },
      }),
    ),
  ]);
}

// ---- assertions (sign-in and step-up) -------------------------------------------------------------------------

/**
 * Verify an assertion against a stored passkey: signature, challenge, origin, RP id, and a signature counter
 * that must move forward (when the authenticator keeps one). A counter that goes backwards means a possibly
 * cloned authenticator: refused and audited. Updates the counter and last use.
 */
async function verifyAssertion(
  ctx: ServiceContext,
  passkey: PasskeyRow,
  user: UserRow,
  expectedChallenge: string,
  response: Record<string, unknown>,
  requireUV: boolean,
) {
  const rp = relyingParty(ctx.env);
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response: response as unknown as AuthenticationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      // counter 0: the library skips its own check, done below so that a regression can be audited
      credential: {
        id: passkey.id,
        publicKey: isoBase64URL.toBuffer(passkey.public_key),
        counter: 0,
        transports: passkey.transports as AuthenticatorTransport[],
      },
      requireUserVerification: requireUV,
    });
  } catch (e) {
    throw verificationFailed((e as Error).message);
  }
  if (!verification.verified) throw verificationFailed('not verified');
  const { newCounter, userVerified } = verification.authenticationInfo;
  const actorCtx = { ...ctx, actor: ctx.actor ?? actorOf(user) };
  if ((newCounter > 0 || passkey.counter > 0) && newCounter <= passkey.counter) {
    await runBatch(ctx.db, [
      toStatement(
        actorCtx,
        auditEvent(actorCtx, {
          action: 'passkey_counter_regression',
          entityType: 'passkey',
          entityId: passkey.id,
          details: { stored_counter: passkey.counter, received_counter: newCounter, name: passkey.name },
        }),
      ),
    ]);
    throw new ProblemError(
      401,
      'passkey-counter-regression',
      'This passkey reported a signature counter that went backwards: it may have been cloned. The attempt was refused and recorded; contact an administrator.',
    );
  }
  return { newCounter, userVerified, actorCtx };
}

const touchPasskey = (ctx: ServiceContext, id: string, counter: number) =>
  ctx.db.update(passkeys).set({ counter, last_used_at: nowIso() }).where(eq(passkeys.id, id)) as unknown as Statement;

async function passkeyWithUser(ctx: ServiceContext, credentialId: string) {
  return ctx.db
    .select({ passkey: passkeys, user: users })
    .from(passkeys)
    .innerJoin(users, eq(users.id, passkeys.user_id))
    .where(and(eq(passkeys.id, credentialId), isNull(passkeys.revoked_at)))
    .get();
}

/** Passwordless sign-in with a discoverable passkey: no allowCredentials, the authenticator offers its own. */
export async function loginOptions(ctx: ServiceContext) {
  const rp = relyingParty(ctx.env);
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: 'preferred',
    timeout: CHALLENGE_TTL_MS,
  });
  const challenge_id = await storeChallenge(ctx, 'authenticate', options.challenge, null, null);
  return { challenge_id, options };
}

export async function verifyLogin(
  ctx: ServiceContext,
  input: { challenge_id: string; response: Record<string, unknown> & { id: string } },
  userAgent: string | null,
): Promise<{ user: UserRow; session: SessionRow; refreshToken: string }> {
  const challenge = await consumeChallenge(ctx, input.challenge_id, 'authenticate');
  const found = await passkeyWithUser(ctx, input.response.id);
  if (!found || found.user.disabled) throw verificationFailed('this passkey is not registered here (or revoked)');
  const handle = (input.response.response as { userHandle?: string } | undefined)?.userHandle;
  if (handle && handle !== userHandleB64(found.user.id)) throw verificationFailed('the user handle does not match');
  const { newCounter, userVerified, actorCtx } = await verifyAssertion(
    ctx,
    found.passkey,
    found.user,
    challenge.challenge,
    input.response,
    false,
  );
  const amr = userVerified ? ['hwk', 'user'] : ['hwk'];
  const started = await startSession(actorCtx, found.user, amr, userAgent, { stepUp: userVerified });
  await runBatch(ctx.db, [
    touchPasskey(ctx, found.passkey.id, newCounter),
    ctx.db.update(users).set({ last_login_at: nowIso() }).where(eq(users.id, found.user.id)) as unknown as Statement,
    toStatement(
      actorCtx,
      auditEvent(actorCtx, {
        action: 'login',
        entityType: 'session',
        entityId: found.user.id,
        entityName: found.user.username,
        details: { method: 'passkey', passkey_id: found.passkey.id, user_verified: userVerified },
      }),
    ),
  ]);
  return { user: found.user, ...started };
}

function assertSession(actor: Actor): string {
  if (!actor.sessionId) {
    throw forbidden('A step-up belongs to a sign-in session; API tokens cannot step up. Sign in first.');
  }
  return actor.sessionId;
}

/** Step-up: a UV assertion with one of the caller's own passkeys, bound to the current session. */
export async function stepUpOptions(ctx: ServiceContext) {
  const actor = assertPerson(ctx.actor);
  const sessionId = assertSession(actor);
  const mine = await activePasskeysOf(ctx, actor.id);
  if (!mine.length) {
    throw new ProblemError(409, 'no-passkey', 'You have no passkey yet: add one on the Security page (/security).');
  }
  const rp = relyingParty(ctx.env);
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: 'required',
    timeout: CHALLENGE_TTL_MS,
    allowCredentials: mine.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransport[] })),
  });
  const challenge_id = await storeChallenge(ctx, 'step_up', options.challenge, actor.id, sessionId);
  return { challenge_id, options };
}

export async function verifyStepUp(
  ctx: ServiceContext,
  input: { challenge_id: string; response: Record<string, unknown> & { id: string } },
): Promise<{ user: UserRow; session: SessionRow }> {
  const actor = assertPerson(ctx.actor);
  const sessionId = assertSession(actor);
  const challenge = await consumeChallenge(ctx, input.challenge_id, 'step_up', { userId: actor.id, sessionId });
  const found = await passkeyWithUser(ctx, input.response.id);
  if (!found || found.user.id !== actor.id) throw verificationFailed('this is not one of your passkeys');
  const { newCounter } = await verifyAssertion(
    ctx,
    found.passkey,
    found.user,
    challenge.challenge,
    input.response,
    true,
  );
  const [, rows] = await runBatch(ctx.db, [
    touchPasskey(ctx, found.passkey.id, newCounter),
    ctx.db
      .update(sessions)
      .set({
        step_up_at: nowIso(),
        // the session has now also been confirmed with a hardware-backed key and the user's verification
        amr: sql`(SELECT json_group_array(value) FROM (SELECT DISTINCT value FROM (SELECT value FROM json_each(${sessions.amr}) UNION ALL SELECT 'hwk' UNION ALL SELECT 'user')))`,
      })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revoked_at)))
      .returning() as unknown as Statement,
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'step_up',
        entityType: 'session',
        entityId: sessionId,
        details: { method: 'passkey_uv', passkey_id: found.passkey.id, max_age_seconds: STEP_UP_MAX_AGE_SECONDS },
      }),
    ),
  ]);
  const session = (rows as SessionRow[])[0];
  if (!session) throw unauthorized('This session has ended; sign in again.');
  return { user: found.user, session };
}

// ---- passkey as a second factor after a password ------------------------------------------------------------

/** Request options for one user's own passkeys, after their password (worker/platform/identity/mfa.ts holds the ticket). */
export async function secondFactorOptions(ctx: ServiceContext, userId: number) {
  const mine = await activePasskeysOf(ctx, userId);
  if (!mine.length) throw new ProblemError(409, 'no-passkey', 'This account has no passkey.');
  const rp = relyingParty(ctx.env);
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: 'preferred',
    timeout: CHALLENGE_TTL_MS,
    allowCredentials: mine.map((p) => ({ id: p.id, transports: p.transports as AuthenticatorTransport[] })),
  });
  const challenge_id = await storeChallenge(ctx, 'second_factor', options.challenge, userId, null);
  return { challenge_id, options };
}

/** Verify the second-factor assertion: the challenge was issued to this user, the passkey is theirs. */
export async function verifySecondFactor(
  ctx: ServiceContext,
  user: UserRow,
  input: { challenge_id: string; response: Record<string, unknown> & { id: string } },
): Promise<{ userVerified: boolean; passkeyId: string }> {
  const challenge = await consumeChallenge(ctx, input.challenge_id, 'second_factor', { userId: user.id });
  const found = await passkeyWithUser(ctx, input.response.id);
  if (!found || found.user.id !== user.id) throw verificationFailed('this is not one of your passkeys');
  const { newCounter, userVerified } = await verifyAssertion(
    ctx,
    found.passkey,
    found.user,
    challenge.challenge,
    input.response,
    false,
  );
  await runBatch(ctx.db, [touchPasskey(ctx, found.passkey.id, newCounter)]);
  return { userVerified, passkeyId: found.passkey.id };
}

/** How many passkeys (not revoked) a user has. */
export const passkeyCount = async (ctx: ServiceContext, userId: number) => (await activePasskeysOf(ctx, userId)).length;
