import { describe, expect, it } from 'vitest';
import { env, exports } from 'cloudflare:workers';
import { createDb } from '../../worker/platform/db/client';
import { authenticate, ensureDefaultAdmin } from '../../worker/platform/identity/users';
import { signAccessToken } from '../../worker/platform/identity/jwt';
import type { ServiceContext } from '../../worker/platform/context';
import type { Env } from '../../worker/env';

const production = { ...env, ENVIRONMENT: 'production' };
const ctx = (e: Env = production): ServiceContext => ({
  db: createDb(env.DB),
  env: e,
  actor: null,
  requestId: 'test-production-mode',
  clientIp: null,
});

describe('ENVIRONMENT=production', () => {
  it('never creates the default admin, even on an empty database', async () => {
    await ensureDefaultAdmin(ctx());
    const n = await env.DB.prepare('SELECT count(*) AS n FROM users').first<{ n: number }>();
    expect(n?.n).toBe(0);
    await expect(authenticate(ctx(), 'admin', 'admin123')).rejects.toMatchObject({ status: 401 });
    expect((await env.DB.prepare('SELECT count(*) AS n FROM users').first<{ n: number }>())?.n).toBe(0);
  });

  it('refuses to sign tokens with the development secret or a short one', async () => {
    const claims = { sub: '1', username: 'x', role: 'admin', amr: ['pwd'], auth_time: 0 };
    await expect(signAccessToken(production, claims)).rejects.toThrow(/JWT_SECRET/);
    await expect(signAccessToken({ ...production, JWT_SECRET: 'short' }, claims)).rejects.toThrow(/JWT_SECRET/);
    const ok = await signAccessToken({ ...production, JWT_SECRET: 'x'.repeat(16) + crypto.randomUUID() }, claims);
    expect(ok.token.split('.')).toHaveLength(3);
  });

  it('locally, the first sign-in creates admin/admin123 exactly once', async () => {
    const local = ctx(env);
    await Promise.all([ensureDefaultAdmin(local), ensureDefaultAdmin(local)]);
    const rows = await env.DB.prepare("SELECT username, role FROM users WHERE username = 'admin'").all();
    expect(rows.results).toEqual([{ username: 'admin', role: 'admin' }]);
    const res = await exports.default.fetch('http://localhost/api/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=admin&password=admin123',
    });
    expect(res.status).toBe(200);
  });
});
