import { isNotNull, isNull } from 'drizzle-orm';
import * as v from 'valibot';
import type { Api, Ctx } from '../http/api';
import { IdParams, mountResource, type ResourceDef } from '../http/resource';
import { users } from './tables/users';
import {
  Register,
  SessionLogin,
  TokenRequest,
  TokenResponse,
  User,
  UserCreate,
  UserCreated,
  UserUpdate,
  ROLE_NAMES,
} from './schemas/user';
import { SECURITY_ZONES } from '../schemas/common';
import { authenticate, createUserByAdmin, getUser, publicUser, register, updateUser, USER_HIDDEN } from './users';
import { permissionsOf } from '../access/roles';
import type { ServiceContext } from '../context';
import { unprocessable } from '../http/problem';
import { clearSessionCookies } from './cookies';
import { accessTokenFor } from './identify';
import { revokeSession, rotateRefreshToken } from './sessions';
import { assertNoPendingStep, type Via } from './mfa';
import { completeSignIn } from './sign-in';

/**
 * Password sign-in. When a second factor, an enrolment or a password change is due, this answers 401
 * `mfa-required` / `password-change-required` with a ticket instead (worker/platform/identity/mfa.ts); otherwise a new session.
 */
async function signIn(c: Ctx, ctx: ServiceContext, username: string, password: string, via: Via) {
  const user = await authenticate(ctx, username, password);
  await assertNoPendingStep(ctx, user, via);
  return completeSignIn(c, ctx, user, ['pwd'], via);
}

const required = (body: Record<string, unknown>, fields: string[]) => {
  const missing = fields.filter((f) => typeof body[f] !== 'string' || body[f] === '');
  if (missing.length) throw unprocessable(missing.map((field) => ({ field, message: 'is required' })));
};

const Me = v.object({ ...User.entries, permissions: v.array(v.string()) });

export const usersResource: ResourceDef = {
  path: '/users',
  entity: 'user',
  label: 'User',
  tag: 'Users',
  table: users,
  schemas: { output: User },
  filters: {
    role: { type: 'string', values: ROLE_NAMES },
    clearance: { type: 'string', values: SECURITY_ZONES },
    disabled: { type: 'bool' },
    pending: {
      type: 'bool',
      description: 'true: only users whose requested role awaits approval.',
      where: ([on]) => (on ? isNotNull(users.requested_role) : isNull(users.requested_role)),
    },
  },
  sortable: ['id', 'username', 'email', 'role', 'created_at', 'last_login_at'],
  defaultSort: 'username',
  searchable: ['username', 'email', 'full_name'],
  hidden: USER_HIDDEN,
  access: { read: 'users:manage', write: 'users:manage' },
  ops: ['list', 'get'],
};

export function mountAuth(api: Api) {
  api.op(
    {
      method: 'post',
      path: '/token',
      summary: 'OAuth2 token endpoint: password grant (username, password) or refresh_token grant (rotating)',
      description:
        'Form-encoded (JSON is accepted too). Returns a short-lived access token and a single-use refresh token; using a refresh token twice revokes its whole session.',
      tags: ['Auth'],
      access: 'public',
      bodyForm: TokenRequest,
      responses: [
        { status: 200, description: 'A bearer token', schema: TokenResponse, name: 'TokenResponse' },
        {
          status: 401,
          description:
            'Incorrect username or password; or `mfa-required` / `password-change-required` with an `mfa_token` for the next step',
        },
      ],
    },
    async (c, { ctx, body }) => {
      c.header('Cache-Control', 'no-store');
      if (body.grant_type === 'refresh_token') {
        required(body, ['refresh_token']);
        const r = await rotateRefreshToken(ctx, body.refresh_token!);
        const access = await accessTokenFor(c.env, r.user, r.session);
        return c.json({
          access_token: access.token,
          token_type: 'bearer',
          expires_in: access.expiresIn,
          refresh_token: r.refreshToken,
        });
      }
      required(body, ['username', 'password']);
      return signIn(c, ctx, body.username!, body.password!, 'token');
    },
  );

  api.op(
    {
      method: 'post',
      path: '/session',
      summary: 'Browser sign-in: sets an HttpOnly, SameSite=Strict session cookie',
      tags: ['Auth'],
      access: 'public',
      body: SessionLogin,
      responses: [
        { status: 200, description: 'The signed-in user', schema: Me, name: 'Me' },
        {
          status: 401,
          description:
            'Incorrect username or password; or `mfa-required` / `password-change-required` with an `mfa_token` for the next step',
        },
      ],
    },
    async (c, { ctx, body }) => signIn(c, ctx, body.username, body.password, 'session'),
  );

  api.op(
    {
      method: 'delete',
      path: '/session',
      summary: 'Sign out: revokes the current session (cookie or bearer access token) and clears the cookies',
      tags: ['Auth'],
      access: 'public',
      responses: [{ status: 204, description: 'Signed out' }],
    },
    async (c, { ctx, user }) => {
      // revoke server-side, so a copied cookie or token of this session is dead too
      if (user?.sessionId) await revokeSession(ctx, user.sessionId, 'sign_out');
      clearSessionCookies(c);
      return c.body(null, 204);
    },
  );

  api.op(
    {
      method: 'post',
      path: '/register',
      summary: 'Create an account (as viewer, the requested role awaiting admin approval; admins may set any role)',
      tags: ['Auth'],
      access: 'public',
      body: Register,
      responses: [
        { status: 201, description: 'The new account', schema: User, name: 'User', complete: true },
        { status: 409, description: 'Username or email already taken' },
        { status: 422, description: 'Invalid fields, e.g. a weak password' },
      ],
    },
    async (c, { ctx, body }) => c.json(await register(ctx, body), 201),
  );

  api.op(
    {
      method: 'get',
      path: '/users/me',
      summary: 'The signed-in user, with the permissions of their role',
      tags: ['Users'],
      access: 'authenticated',
      responses: [{ status: 200, description: 'The current user', schema: Me, name: 'Me' }],
    },
    async (c, { ctx, user }) => {
      const row = await getUser(ctx, user!.id);
      return c.json({ ...publicUser(row), permissions: permissionsOf(row.role) });
    },
  );

  mountResource(api, usersResource);

  api.op(
    {
      method: 'post',
      path: '/users',
      summary: 'Create or invite a user (admin): role and clearance set directly, a temporary password to change',
      tags: ['Users'],
      access: 'users:manage',
      body: UserCreate,
      responses: [
        {
          status: 201,
          description: 'The new account (with the generated password when none was sent)',
          schema: UserCreated,
          name: 'UserCreated',
        },
        { status: 409, description: 'Username or email already taken' },
        { status: 422, description: 'Invalid fields, e.g. a weak password' },
      ],
    },
    async (c, { ctx, body }) => {
      const created = await createUserByAdmin(ctx, body);
      c.header('Location', `/api/users/${created.id}`);
      return c.json(created, 201);
    },
  );

  api.op(
    {
      method: 'patch',
      path: '/users/{id}',
      summary: 'Change a user: role, clearance, disable, approve a requested role',
      tags: ['Users'],
      access: 'users:manage',
      params: IdParams,
      body: UserUpdate,
      responses: [
        { status: 200, description: 'The updated user', schema: User, name: 'User', complete: true },
        { status: 404, description: 'No such user' },
        { status: 409, description: 'Email already registered' },
      ],
    },
    async (c, { ctx, params, body }) => c.json(await updateUser(ctx, params.id, body)),
  );
}
