import { setCookie, deleteCookie } from 'hono/cookie';
import { isNotNull, isNull } from 'drizzle-orm';
import * as v from 'valibot';
import type { Api, Ctx } from '../http/api';
import { SESSION_COOKIE } from '../http/middleware';
import { IdParams, mountResource, type ResourceDef } from '../http/resource';
import { users } from '../db/schema';
import { Register, SessionLogin, TokenRequest, TokenResponse, User, UserUpdate, ROLE_NAMES } from '../schemas/user';
import { SECURITY_ZONES } from '../schemas/common';
import { signAccessToken } from './jwt';
import { authenticate, getUser, publicUser, register, updateUser, USER_HIDDEN } from './users';
import { permissionsOf } from './roles';
import type { UserRow } from '../db/schema';

async function issue(c: Ctx, user: UserRow) {
  return signAccessToken(c.env, {
    sub: String(user.id),
    username: user.username,
    role: user.role,
    amr: ['pwd'],
    auth_time: Math.floor(Date.now() / 1000),
  });
}

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
      summary: 'OAuth2 password grant: exchange username and password for a bearer token',
      description: 'Form-encoded `username` and `password` (JSON is accepted too).',
      tags: ['Auth'],
      access: 'public',
      bodyForm: TokenRequest,
      responses: [
        { status: 200, description: 'A bearer token', schema: TokenResponse },
        { status: 401, description: 'Incorrect username or password' },
      ],
    },
    async (c, { ctx, body }) => {
      const user = await authenticate(ctx, body.username, body.password);
      const { token, expiresIn } = await issue(c, user);
      c.header('Cache-Control', 'no-store');
      return c.json({ access_token: token, token_type: 'bearer', expires_in: expiresIn });
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
        { status: 200, description: 'The signed-in user', schema: Me },
        { status: 401, description: 'Incorrect username or password' },
      ],
    },
    async (c, { ctx, body }) => {
      const user = await authenticate(ctx, body.username, body.password);
      const { token, expiresIn } = await issue(c, user);
      setCookie(c, SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'Strict',
        secure: new URL(c.req.url).protocol === 'https:',
        path: '/',
        maxAge: expiresIn,
      });
      return c.json({ ...publicUser(user), permissions: permissionsOf(user.role), expires_in: expiresIn });
    },
  );

  api.op(
    {
      method: 'delete',
      path: '/session',
      summary: 'Sign out of the browser session',
      tags: ['Auth'],
      access: 'public',
      responses: [{ status: 204, description: 'Signed out' }],
    },
    async (c) => {
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
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
        { status: 201, description: 'The new account', schema: User },
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
      responses: [{ status: 200, description: 'The current user', schema: Me }],
    },
    async (c, { ctx, user }) => {
      const row = await getUser(ctx, user!.id);
      return c.json({ ...publicUser(row), permissions: permissionsOf(row.role) });
    },
  );

  mountResource(api, usersResource);

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
        { status: 200, description: 'The updated user', schema: User },
        { status: 404, description: 'No such user' },
        { status: 409, description: 'Email already registered' },
      ],
    },
    async (c, { ctx, params, body }) => c.json(await updateUser(ctx, params.id, body)),
  );
}
