import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';

// The browser never sees a token: a short-lived access JWT and the session's refresh token both live in
// HttpOnly, SameSite=Strict cookies. The refresh cookie is only sent to /api.
export const ACCESS_COOKIE = 'dc_session';
export const REFRESH_COOKIE = 'dc_refresh';

const base = (c: Context) => ({
  httpOnly: true,
  sameSite: 'Strict' as const,
  secure: new URL(c.req.url).protocol === 'https:',
});

export function setSessionCookies(
  c: Context,
  access: { token: string; expiresIn: number },
  refresh?: { token: string; expiresAt: string },
) {
  setCookie(c, ACCESS_COOKIE, access.token, { ...base(c), path: '/', maxAge: access.expiresIn });
  if (refresh) {
    const maxAge = Math.max(0, Math.floor((Date.parse(refresh.expiresAt) - Date.now()) / 1000));
    setCookie(c, REFRESH_COOKIE, refresh.token, { ...base(c), path: '/api', maxAge });
  }
}

export function clearSessionCookies(c: Context) {
  deleteCookie(c, ACCESS_COOKIE, { path: '/' });
  deleteCookie(c, REFRESH_COOKIE, { path: '/api' });
}
