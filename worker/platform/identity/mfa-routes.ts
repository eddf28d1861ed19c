import * as v from 'valibot';
import type { Api } from '../http/api';
import { parseOrThrow, readJsonBody } from '../http/validation';
import { TokenResponse, User } from './schemas/user';
import { PasskeyOptions } from './schemas/passkey';
import {
  MfaEnrollConfirm,
  MfaPasskeyVerify,
  MfaPasswordChange,
  MfaPolicy,
  MfaStatus,
  MfaTicket,
  MfaVerify,
  PasswordChange,
  PasswordChanged,
  RecoveryCodes,
  TotpConfirm,
  TotpDisable,
  TotpSetup,
} from './schemas/mfa';
import { assertCredentialManager } from './guards';
import { getUser } from './users';
import {
  assertNoPendingStep,
  auditVerified,
  changePassword,
  confirmTotp,
  consumeTicket,
  disableTotp,
  getPolicy,
  mfaStatus,
  openTicket,
  regenerateRecoveryCodes,
  setPolicy,
  setupTotp,
  verifyCode,
  type Via,
} from './mfa';
import { secondFactorOptions, verifySecondFactor } from './passkeys';
import { completeSignIn } from './sign-in';

const TAGS = ['Second factor'];
const SignedIn = v.union([TokenResponse, v.object({ ...User.entries, permissions: v.array(v.string()) })]);
const signedIn = (extra = '') =>
  ({
    status: 200,
    description: `Signed in: tokens in the body when the sign-in began at POST /token, cookies and the user when it began at POST /session${extra}`,
    schema: SignedIn,
  }) as const;
const badTicket = { status: 401, description: 'Unknown, used or expired mfa_token, or a wrong code' } as const;

/**
 * Second factors: TOTP enrolment and recovery codes for a signed-in person; the second step of a password
 * sign-in (`mfa_token` tickets from POST /token and /session); the per-role policy; password changes.
 */
export function mountMfaRoutes(api: Api) {
  // ---- your own second factors (signed in) ------------------------------------------------------------------
  api.op(
    {
      method: 'get',
      path: '/mfa',
      summary:
        'Your second factors: authenticator app (TOTP), recovery codes left, passkeys, and whether your role requires one',
      tags: TAGS,
      access: 'authenticated',
      responses: [{ status: 200, description: 'Status', schema: MfaStatus }],
    },
    async (c, { ctx, user }) => c.json(await mfaStatus(ctx, assertCredentialManager(user, { personOnly: true }))),
  );
  api.op(
    {
      method: 'post',
      path: '/mfa/totp/setup',
      summary:
        'Start setting up an authenticator app: a new secret and its otpauth:// URI (unconfirmed until /confirm)',
      tags: TAGS,
      access: 'authenticated',
      responses: [
        { status: 200, description: 'The secret, shown for this setup only', schema: TotpSetup },
        { status: 409, description: 'An authenticator app is already set up' },
      ],
    },
    async (c, { ctx, user }) => {
      const me = await getUser(ctx, assertCredentialManager(user, { personOnly: true }).id);
      c.header('Cache-Control', 'no-store');
      return c.json(await setupTotp(ctx, me));
    },
  );
  api.op(
    {
      method: 'post',
      path: '/mfa/totp/confirm',
      summary: 'Confirm the authenticator app with a code from it; returns ten recovery codes, shown this once',
      tags: TAGS,
      access: 'authenticated',
      body: TotpConfirm,
      responses: [
        { status: 200, description: 'Enabled; the recovery codes', schema: RecoveryCodes },
        { status: 422, description: 'Wrong code' },
        { status: 409, description: 'Nothing to confirm' },
        { status: 429, description: 'Too many wrong codes' },
      ],
    },
    async (c, { ctx, user, body }) => {
      const me = await getUser(ctx, assertCredentialManager(user, { personOnly: true }).id);
      c.header('Cache-Control', 'no-store');
      return c.json(await confirmTotp(ctx, me, body.code));
    },
  );
  api.op(
    {
      method: 'delete',
      path: '/mfa/totp',
      summary: 'Remove your authenticator app: send a current code, or confirm with a passkey (step-up) first',
      description: 'Body `{"code": "123456"}`; without a code, a passkey step-up within 5 minutes is needed.',
      tags: TAGS,
      access: 'authenticated',
      body: TotpDisable,
      rawBody: true,
      responses: [
        { status: 204, description: 'Removed' },
        { status: 422, description: 'Wrong code' },
        { status: 403, description: 'Neither a code nor a recent step-up' },
        { status: 404, description: 'No authenticator app' },
      ],
    },
    async (c, { ctx, user }) => {
      const me = assertCredentialManager(user, { personOnly: true });
      const raw = await c.req.raw.clone().text();
      const body = raw.trim() ? parseOrThrow(TotpDisable, await readJsonBody(c.req.raw)) : {};
      await disableTotp(ctx, me, body.code);
      return c.body(null, 204);
    },
  );
  api.op(
    {
      method: 'post',
      path: '/mfa/recovery-codes',
      summary: 'Replace your recovery codes with ten new ones (the old ones stop working); shown this once',
      tags: TAGS,
      access: 'authenticated',
      responses: [
        { status: 200, description: 'The new codes', schema: RecoveryCodes },
        { status: 409, description: 'You have no second factor to recover' },
      ],
    },
    async (c, { ctx, user }) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await regenerateRecoveryCodes(ctx, assertCredentialManager(user, { personOnly: true })));
    },
  );

  // ---- policy (admins) ---------------------------------------------------------------------------------------
  api.op(
    {
      method: 'get',
      path: '/mfa/policy',
      summary: 'Which roles must sign in with a second factor',
      tags: TAGS,
      access: 'users:manage',
      responses: [{ status: 200, description: 'Role -> required', schema: MfaPolicy }],
    },
    async (c, { ctx }) => c.json(await getPolicy(ctx)),
  );
  api.op(
    {
      method: 'put',
      path: '/mfa/policy',
      summary: 'Set which roles must sign in with a second factor (audited)',
      description:
        'Users of a role that requires one and have none are guided through enrolment at their next sign-in.',
      tags: TAGS,
      access: 'users:manage',
      body: MfaPolicy,
      responses: [{ status: 200, description: 'The new policy', schema: MfaPolicy }],
    },
    async (c, { ctx, body }) => c.json(await setPolicy(ctx, body)),
  );

  // ---- the second step of a password sign-in (public, with the ticket) ---------------------------------------
  api.op(
    {
      method: 'post',
      path: '/mfa/verify',
      summary: 'Second step of a sign-in: the mfa_token and a TOTP code or a recovery code; starts the session',
      description:
        'Wrong codes are audited (`mfa_failed`) and throttled like wrong passwords. A code is accepted once (a replay of the same time step is refused); a recovery code works once.',
      tags: TAGS,
      access: 'public',
      body: MfaVerify,
      responses: [signedIn(), badTicket, { status: 429, description: 'Too many wrong codes' }],
    },
    async (c, { ctx, body }) => {
      const { ticket, user } = await openTicket(ctx, body.mfa_token, ['second_factor']);
      const amr = await verifyCode(ctx, user, body.method, body.code);
      await consumeTicket(ctx, ticket);
      return completeSignIn(c, ctx, user, amr, ticket.via as Via);
    },
  );
  api.op(
    {
      method: 'post',
      path: '/mfa/passkey/options',
      summary: 'Second step with a passkey: request options for your own passkeys (the mfa_token is not used up)',
      tags: TAGS,
      access: 'public',
      body: MfaTicket,
      responses: [{ status: 200, description: 'Request options', schema: PasskeyOptions }, badTicket],
    },
    async (c, { ctx, body }) => {
      const { user } = await openTicket(ctx, body.mfa_token, ['second_factor']);
      c.header('Cache-Control', 'no-store');
      return c.json(await secondFactorOptions(ctx, user.id));
    },
  );
  api.op(
    {
      method: 'post',
      path: '/mfa/passkey/verify',
      summary: 'Second step with a passkey: the assertion; starts the session (amr pwd, hwk, user)',
      tags: TAGS,
      access: 'public',
      body: MfaPasskeyVerify,
      responses: [signedIn(), badTicket, { status: 400, description: 'Unknown, used or expired challenge' }],
    },
    async (c, { ctx, body }) => {
      const { ticket, user } = await openTicket(ctx, body.mfa_token, ['second_factor']);
      const pk = await verifySecondFactor(ctx, user, body);
      await consumeTicket(ctx, ticket);
      await auditVerified(ctx, user, 'passkey', { passkey_id: pk.passkeyId, user_verified: pk.userVerified });
      const amr = pk.userVerified ? ['pwd', 'hwk', 'user'] : ['pwd', 'hwk'];
      return completeSignIn(c, ctx, user, amr, ticket.via as Via, { stepUp: pk.userVerified });
    },
  );
  api.op(
    {
      method: 'post',
      path: '/mfa/enroll/setup',
      summary: 'Enrolment during sign-in (role requires a second factor): a new TOTP secret, with the mfa_token',
      tags: TAGS,
      access: 'public',
      body: MfaTicket,
      responses: [{ status: 200, description: 'The secret', schema: TotpSetup }, badTicket],
    },
    async (c, { ctx, body }) => {
      const { user } = await openTicket(ctx, body.mfa_token, ['enroll']);
      c.header('Cache-Control', 'no-store');
      return c.json(await setupTotp(ctx, user));
    },
  );
  api.op(
    {
      method: 'post',
      path: '/mfa/enroll/confirm',
      summary: 'Finish enrolment during sign-in: confirms the app, starts the session, returns the recovery codes once',
      tags: TAGS,
      access: 'public',
      body: MfaEnrollConfirm,
      responses: [
        signedIn(', plus `recovery_codes`'),
        badTicket,
        { status: 422, description: 'Wrong code' },
        { status: 429, description: 'Too many wrong codes' },
      ],
    },
    async (c, { ctx, body }) => {
      const { ticket, user } = await openTicket(ctx, body.mfa_token, ['enroll']);
      const { recovery_codes } = await confirmTotp(ctx, user, body.code);
      await consumeTicket(ctx, ticket);
      await auditVerified(ctx, user, 'totp_enrolment');
      return completeSignIn(c, ctx, user, ['pwd', 'otp'], ticket.via as Via, { extra: { recovery_codes } });
    },
  );
  api.op(
    {
      method: 'post',
      path: '/mfa/password',
      summary:
        'Forced password change during sign-in: the mfa_token and a new_password; then the next step or the session',
      description:
        'Answers like a sign-in: the session, or 401 `mfa-required` with a new mfa_token when a second factor is due.',
      tags: TAGS,
      access: 'public',
      body: MfaPasswordChange,
      responses: [
        signedIn(),
        { status: 401, description: 'Bad mfa_token, or `mfa-required` for the next step' },
        { status: 422, description: 'The new password breaks a rule' },
      ],
    },
    async (c, { ctx, body }) => {
      const { ticket, user } = await openTicket(ctx, body.mfa_token, ['password_change']);
      await changePassword(ctx, user, body.new_password);
      await consumeTicket(ctx, ticket);
      const fresh = await getUser(ctx, user.id);
      await assertNoPendingStep(ctx, fresh, ticket.via as Via);
      return completeSignIn(c, ctx, fresh, ['pwd'], ticket.via as Via);
    },
  );

  // ---- your own password (signed in) -------------------------------------------------------------------------
  api.op(
    {
      method: 'post',
      path: '/users/me/password',
      summary: 'Change your password (current and new); your other sessions are signed out',
      tags: ['Users'],
      access: 'authenticated',
      body: PasswordChange,
      responses: [
        { status: 200, description: 'Changed', schema: PasswordChanged },
        { status: 422, description: 'Wrong current password, or the new one breaks a rule' },
      ],
    },
    async (c, { ctx, user, body }) => {
      const me = assertCredentialManager(user, { personOnly: true });
      const row = await getUser(ctx, me.id);
      return c.json(
        await changePassword(ctx, row, body.new_password, {
          currentPassword: body.current_password,
          keepSessionId: me.sessionId,
        }),
      );
    },
  );
}
