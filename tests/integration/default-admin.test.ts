import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../worker/platform/db/client';
import { ensureDefaultAdmin } from '../../worker/platform/identity/users';
import { PROBLEM_BASE, api, expectProblem } from '../helpers';

// its own test file: the default admin is only created on an empty users table
describe('the default admin outside local demo mode', () => {
  it('must change admin123 at the first sign-in (e.g. ENVIRONMENT=staging)', async () => {
    await ensureDefaultAdmin({
      db: createDb(env.DB),
      env: { ...env, ENVIRONMENT: 'staging' },
      actor: null,
      requestId: 'test-default-admin',
      clientIp: null,
    });
    const row = await env.DB.prepare("SELECT must_change_password FROM users WHERE username = 'admin'").first();
    expect(row).toEqual({ must_change_password: 1 });
    const res = await api('/api/token', { form: { username: 'admin', password: 'admin123' } });
    const p = expectProblem(res, 401);
    expect(p.type).toBe(`${PROBLEM_BASE}password-change-required`);
    const ok = await api('/api/mfa/password', {
      json: { mfa_token: p.mfa_token, new_password: 'Staging-Root-Pass-2026' },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.access_token).toEqual(expect.any(String));
    expect((await api('/api/token', { form: { username: 'admin', password: 'Staging-Root-Pass-2026' } })).status).toBe(
      200,
    );
  });
});
