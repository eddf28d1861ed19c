// Writes build/_headers: the security headers Cloudflare's asset server (and `wrangler dev`) adds to the UI's
// static files. The Content-Security-Policy allows no inline script but the SPA shell's own, pinned by hash, so
// this runs after `vite build` on the final index.html. API responses get theirs from the Worker
// (worker/platform/http/security-headers.ts).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const html = readFileSync('build/index.html', 'utf8');
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  ([, body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`,
);

const csp = [
  "default-src 'self'",
  `script-src 'self' ${hashes.join(' ')}`,
  // Svelte and the charts set style attributes; styles cannot run code
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

writeFileSync(
  'build/_headers',
  `/*
  Content-Security-Policy: ${csp}
  X-Content-Type-Options: nosniff
  X-Frame-Options: DENY
  Referrer-Policy: no-referrer
  Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=(), usb=()
  Strict-Transport-Security: max-age=63072000; includeSubDomains
  Cross-Origin-Opener-Policy: same-origin
`,
);
console.log(`security headers written to build/_headers (${hashes.length} inline script hashes)`);
