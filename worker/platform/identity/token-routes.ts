import * as v from 'valibot';
import type { Api } from '../http/api';
import { forbidden, notFound } from '../http/problem';
import { assertCredentialManager } from './guards';
import { IdParams } from '../http/resource';
import { ApiToken, ApiTokenCreate, ApiTokenCreated, Session } from './schemas/token';
import { can } from '../access/roles';
import { createApiToken, listApiTokens, revokeApiToken } from './api-tokens';
import { getSession, listSessions, revokeSession } from './sessions';

const SessionParams = v.object({ id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be a session id')) });
const AllQuery = v.object({
  all: v.optional(v.pipe(v.picklist(['true', 'false']), v.description("admins: every user's tokens"))),
});

export function mountTokenRoutes(api: Api) {
  api.op(
    {
      method: 'post',
      path: '/tokens',
      summary:
        'Create a personal API token (shown once) with scopes read, write, ingest or admin, and an optional expiry',
      tags: ['Auth'],
      access: 'authenticated',
      body: ApiTokenCreate,
      responses: [
        {
          status: 201,
          description: 'The token, including its secret',
          schema: ApiTokenCreated,
          name: 'ApiTokenCreated',
        },
        { status: 422, description: 'Invalid fields' },
      ],
    },
    async (c, { ctx, body, user }) => {
      assertCredentialManager(user);
      return c.json(await createApiToken(ctx, body), 201);
    },
  );
  api.op(
    {
      method: 'get',
      path: '/tokens',
      summary: "Your API tokens (never their secrets); admins may list everyone's with all=true",
      tags: ['Auth'],
      access: 'authenticated',
      query: AllQuery,
      responses: [{ status: 200, description: 'Tokens', schema: ApiToken, name: 'ApiToken', list: true }],
    },
    async (c, { ctx, query, user }) => {
      assertCredentialManager(user);
      const all = query.all === 'true';
      if (all && !can(user!.role, 'users:manage')) throw forbidden("Only admins can list every user's tokens.");
      return c.json(await listApiTokens(ctx, all));
    },
  );
  api.op(
    {
      method: 'delete',
      path: '/tokens/{id}',
      summary: "Revoke an API token (yours; admins: anyone's)",
      tags: ['Auth'],
      access: 'authenticated',
      params: IdParams,
      responses: [
        { status: 204, description: 'Revoked' },
        { status: 404, description: 'No such token of yours' },
      ],
    },
    async (c, { ctx, params, user }) => {
      assertCredentialManager(user);
      await revokeApiToken(ctx, params.id);
      return c.body(null, 204);
    },
  );
  api.op(
    {
      method: 'get',
      path: '/sessions',
      summary: 'Your sign-in sessions, the current one marked',
      tags: ['Auth'],
      access: 'authenticated',
      responses: [{ status: 200, description: 'Sessions', schema: Session, name: 'SignInSession', list: true }],
    },
    async (c, { ctx, user }) => {
      assertCredentialManager(user);
      const rows = await listSessions(ctx, user!.id);
      return c.json(rows.map((s) => ({ ...s, current: s.id === user!.sessionId })));
    },
  );
  api.op(
    {
      method: 'delete',
      path: '/sessions/{id}',
      summary: "Revoke a session (yours; admins: anyone's): its tokens stop working at once",
      tags: ['Auth'],
      access: 'authenticated',
      params: SessionParams,
      responses: [
        { status: 204, description: 'Revoked' },
        { status: 404, description: 'No such session of yours' },
      ],
    },
    async (c, { ctx, params, user }) => {
      assertCredentialManager(user);
      const s = await getSession(ctx, params.id);
      if (!s || (s.user_id !== user!.id && !can(user!.role, 'users:manage'))) throw notFound('Session', params.id);
      await revokeSession(ctx, s.id, s.user_id === user!.id ? 'revoked_by_user' : 'revoked_by_admin');
      return c.body(null, 204);
    },
  );
}
