import type { Ctx } from '../http/api';
import type { ServiceContext } from '../context';
import type { UserRow } from './tables/users';
import { setSessionCookies } from './cookies';
import { accessTokenFor } from './identify';
import { permissionsOf } from '../access/roles';
import { startSession } from './sessions';
import { publicUser } from './users';
import type { Via } from './mfa';

/**
 * The end of every sign-in that has proved enough (password, plus a second factor when one is due): a new
 * session, answered the way the sign-in began: cookies and the user for POST /session, tokens for POST /token.
 */
export async function completeSignIn(
  c: Ctx,
  ctx: ServiceContext,
  user: UserRow,
  amr: string[],
  via: Via,
  opts: { stepUp?: boolean; extra?: Record<string, unknown> } = {},
): Promise<Response> {
  const { session, refreshToken } = await startSession(ctx, user, amr, c.req.header('User-Agent') ?? null, {
    stepUp: opts.stepUp,
  });
  const access = await accessTokenFor(c.env, user, session);
  c.header('Cache-Control', 'no-store');
  if (via === 'session') {
    setSessionCookies(c, access, { token: refreshToken, expiresAt: session.expires_at });
    return c.json({
      ...publicUser(user),
      permissions: permissionsOf(user.role),
      expires_in: access.expiresIn,
      ...opts.extra,
    });
  }
  return c.json({
    access_token: access.token,
    token_type: 'bearer',
    expires_in: access.expiresIn,
    refresh_token: refreshToken,
    ...opts.extra,
  });
}
