import * as v from 'valibot';
import type { Api } from '../http/api';
import { User } from './schemas/user';
import {
  Passkey,
  PasskeyAssertion,
  PasskeyIdParams,
  PasskeyOptions,
  PasskeyRegisterVerify,
  PasskeyRename,
  StepUpResult,
} from './schemas/passkey';
import { setSessionCookies } from './cookies';
import { accessTokenFor } from './identify';
import { publicUser } from './users';
import { permissionsOf } from '../access/roles';
import {
  listPasskeys,
  loginOptions,
  registrationOptions,
  renamePasskey,
  revokePasskey,
  stepUpOptions,
  verifyLogin,
  verifyRegistration,
  verifyStepUp,
} from './passkeys';
import { STEP_UP_MAX_AGE_SECONDS } from './step-up';

const Me = v.object({ ...User.entries, permissions: v.array(v.string()) });
const TAGS = ['Passkeys'];

/** Passkeys (WebAuthn): registration, passwordless sign-in, step-up. Thin handlers over worker/platform/identity/passkeys.ts. */
export function mountPasskeyRoutes(api: Api) {
  api.op(
    {
      method: 'post',
      path: '/passkeys/register/options',
      summary: 'Start adding a passkey: WebAuthn creation options and a single-use challenge id (5 minutes)',
      tags: TAGS,
      access: 'authenticated',
      responses: [{ status: 200, description: 'Creation options', schema: PasskeyOptions }],
    },
    async (c, { ctx }) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await registrationOptions(ctx));
    },
  );
  api.op(
    {
      method: 'post',
      path: '/passkeys/register/verify',
      summary: 'Finish adding a passkey: the authenticator response, verified and stored with its name',
      tags: TAGS,
      access: 'authenticated',
      body: PasskeyRegisterVerify,
      responses: [
        { status: 201, description: 'The new passkey', schema: Passkey, name: 'Passkey' },
        { status: 400, description: 'Unknown, used or expired challenge' },
        { status: 401, description: 'The response did not verify' },
        { status: 409, description: 'This passkey is already registered' },
      ],
    },
    async (c, { ctx, body }) => c.json(await verifyRegistration(ctx, body), 201),
  );
  api.op(
    {
      method: 'get',
      path: '/passkeys',
      summary: 'Your passkeys (never their keys): name, device type, backed up, created and last used',
      tags: TAGS,
      access: 'authenticated',
      responses: [{ status: 200, description: 'Passkeys', schema: Passkey, name: 'Passkey', list: true }],
    },
    async (c, { ctx }) => c.json(await listPasskeys(ctx)),
  );
  api.op(
    {
      method: 'patch',
      path: '/passkeys/{id}',
      summary: 'Rename one of your passkeys',
      tags: TAGS,
      access: 'authenticated',
      params: PasskeyIdParams,
      body: PasskeyRename,
      responses: [
        { status: 200, description: 'The renamed passkey', schema: Passkey, name: 'Passkey' },
        { status: 404, description: 'No such passkey of yours' },
      ],
    },
    async (c, { ctx, params, body }) => c.json(await renamePasskey(ctx, params.id, body.name)),
  );
  api.op(
    {
      method: 'delete',
      path: '/passkeys/{id}',
      summary: 'Revoke one of your passkeys (audited); it never verifies again',
      tags: TAGS,
      access: 'authenticated',
      params: PasskeyIdParams,
      responses: [
        { status: 204, description: 'Revoked' },
        { status: 404, description: 'No such passkey of yours' },
      ],
    },
    async (c, { ctx, params }) => {
      await revokePasskey(ctx, params.id);
      return c.body(null, 204);
    },
  );

  api.op(
    {
      method: 'post',
      path: '/passkeys/login/options',
      summary: 'Start a passwordless sign-in with a discoverable passkey (no username needed)',
      tags: TAGS,
      access: 'public',
      responses: [{ status: 200, description: 'Request options', schema: PasskeyOptions }],
    },
    async (c, { ctx }) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await loginOptions(ctx));
    },
  );
  api.op(
    {
      method: 'post',
      path: '/passkeys/login/verify',
      summary: 'Finish a passkey sign-in: starts a session and sets the cookies, like POST /session',
      description:
        "The session's `amr` is [hwk, user] when the authenticator verified the user (biometric or PIN), else [hwk]; a verified sign-in also counts as a step-up.",
      tags: TAGS,
      access: 'public',
      body: PasskeyAssertion,
      responses: [
        { status: 200, description: 'The signed-in user', schema: Me, name: 'Me' },
        { status: 400, description: 'Unknown, used or expired challenge' },
        { status: 401, description: 'The assertion did not verify, or its counter went backwards' },
      ],
    },
    async (c, { ctx, body }) => {
      const s = await verifyLogin(ctx, body, c.req.header('User-Agent') ?? null);
      const access = await accessTokenFor(c.env, s.user, s.session);
      setSessionCookies(c, access, { token: s.refreshToken, expiresAt: s.session.expires_at });
      c.header('Cache-Control', 'no-store');
      return c.json({ ...publicUser(s.user), permissions: permissionsOf(s.user.role), expires_in: access.expiresIn });
    },
  );

  api.op(
    {
      method: 'post',
      path: '/passkeys/step-up/options',
      summary: 'Start a step-up: request options for your own passkeys, user verification required',
      tags: TAGS,
      access: 'authenticated',
      responses: [
        { status: 200, description: 'Request options', schema: PasskeyOptions },
        { status: 409, description: 'You have no passkey yet' },
      ],
    },
    async (c, { ctx }) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await stepUpOptions(ctx));
    },
  );
  api.op(
    {
      method: 'post',
      path: '/passkeys/step-up/verify',
      summary: `Finish a step-up: records it on the session (valid ${STEP_UP_MAX_AGE_SECONDS / 60} minutes) and mints a fresh access token`,
      description:
        'Browsers get the access cookie renewed; Bearer callers get `access_token` in the body. The token carries `amr` with hwk and user, and `step_up_at`.',
      tags: TAGS,
      access: 'authenticated',
      body: PasskeyAssertion,
      responses: [
        { status: 200, description: 'The step-up', schema: StepUpResult },
        { status: 400, description: 'Unknown, used or expired challenge' },
        {
          status: 401,
          description: 'The assertion did not verify, lacked user verification, or its counter went backwards',
        },
      ],
    },
    async (c, { ctx, body }) => {
      const s = await verifyStepUp(ctx, body);
      const access = await accessTokenFor(c.env, s.user, s.session);
      c.header('Cache-Control', 'no-store');
      const bearer = !!c.req.header('Authorization');
      if (!bearer) setSessionCookies(c, access);
      return c.json({
        step_up_at: s.session.step_up_at!,
        max_age_seconds: STEP_UP_MAX_AGE_SECONDS,
        amr: s.session.amr,
        expires_in: access.expiresIn,
        ...(bearer ? { access_token: access.token, token_type: 'bearer' } : {}),
      });
    },
  );
}
