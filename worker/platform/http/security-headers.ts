import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './api';

// The API answers JSON (nothing to run, nothing to frame); the reference page at /api/docs is the one HTML
// response, with Swagger UI's same-origin script and its inline styles.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const securityHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const h = c.res.headers;
  const html = (h.get('content-type') ?? '').startsWith('text/html');
  h.set('Content-Security-Policy', html ? DOCS_CSP : API_CSP);
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('X-Frame-Options', 'DENY');
  h.set('Referrer-Policy', 'no-referrer');
  h.set('Cross-Origin-Resource-Policy', 'same-origin');
  if (new URL(c.req.url).protocol === 'https:')
    h.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  // tokens and personal data: never cached by browsers or proxies
  if (!h.has('Cache-Control')) h.set('Cache-Control', 'no-store');
};
