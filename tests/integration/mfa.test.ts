import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { totp } from '../../worker/platform/identity/totp';
import {
  PROBLEM_BASE,
  adminToken,
  api,
  auditRows,
  createUser,
  decodeJwtPart,
  expectProblem,
  login,
  registerPasskey,
  stepUp,
  type RoleName,
} from '../helpers';

const grant = (u: { username: string; password: string }) =>
  api('/api/token', { form: { username: u.username, password: u.password } });
const code = (secret: string, offsetSteps = 0) => totp(secret, Date.now() + offsetSteps * 30_000);
const cookiesOf = (res: { headers: Headers }) =>
  Object.fromEntries(res.headers.getSetCookie().map((c) => c.split(';')[0].split('=') as [string, string]));

let admin: string;

/** A fresh user with a confirmed authenticator app; the confirmation used the current time step. */
async function enrolled(role: RoleName = 'viewer') {
  const u = await createUser(role, admin);
  const setup = await api('/api/mfa/totp/setup', { token: u.token, method: 'POST' });
  expect(setup.status, setup.text).toBe(200);
  const used = await code(setup.body.secret);
  const confirm = await api('/api/mfa/totp/confirm', { token: u.token, json: { code: used } });
  expect(confirm.status, confirm.text).toBe(200);
  return {
    ...u,
    secret: setup.body.secret as string,
    recovery: confirm.body.recovery_codes as string[],
    /** the code the confirmation used: replaying it must fail even when the clock has moved to the next step */
    used,
  };
}

/** The password step: must answer 401 mfa-required (or another pending step); returns the problem. */
async function pending(
  u: { username: string; password: string },
  slug = 'mfa-required',
  via: 'token' | 'session' = 'token',
) {
  const res =
    via === 'token'
      ? await grant(u)
      : await api('/api/session', { json: { username: u.username, password: u.password } });
  const p = expectProblem(res, 401);
  expect(p.type).toBe(`${PROBLEM_BASE}${slug}`);
  expect(p.mfa_token).toMatch(/^mfa_/);
  expect(res.headers.getSetCookie()).toEqual([]);
  return p as typeof p & { mfa_token: string; methods: string[] };
}

beforeAll(async () => {
  admin = await adminToken();
});

describe('TOTP enrolment', () => {
  it('sets up, confirms with a code, shows ten recovery codes once (stored hashed), audited without secrets', async () => {
    const u = await createUser('operator', admin);
    expect((await api('/api/mfa', { token: u.token })).body).toEqual({
      totp: { enabled: false, confirmed_at: null },
      recovery_codes_remaining: 0,
      passkeys: 0,
      required_by_role: false,
    });
    const setup = await api('/api/mfa/totp/setup', { token: u.token, method: 'POST' });
    expect(setup.status, setup.text).toBe(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.otpauth_uri).toBe(
      `otpauth://totp/DC%20Platform:${u.username}?secret=${setup.body.secret}&issuer=DC%20Platform&algorithm=SHA1&digits=6&period=30`,
    );
    // unconfirmed: the password still signs in alone
    expect((await grant(u)).status).toBe(200);
    // signed in: a wrong code is a 422 on `code` (a 401 would read as "signed out")
    expectProblem(await api('/api/mfa/totp/confirm', { token: u.token, json: { code: '000000' } }), 422, ['code']);
    expectProblem(await api('/api/mfa/totp/confirm', { token: u.token, json: { code: 'abc' } }), 422, ['code']);
    const ok = await api('/api/mfa/totp/confirm', { token: u.token, json: { code: await code(setup.body.secret) } });
    expect(ok.status, ok.text).toBe(200);
    const codes: string[] = ok.body.recovery_codes;
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(new Set(codes).size).toBe(10);
    const stored = await env.DB.prepare('SELECT code_hash FROM recovery_codes WHERE user_id = ?').bind(u.id).all();
    expect(stored.results).toHaveLength(10);
    expect(JSON.stringify(stored.results)).not.toContain(codes[0].replace(/-/g, ''));

    const status = (await api('/api/mfa', { token: u.token })).body;
    expect(status).toMatchObject({ totp: { enabled: true }, recovery_codes_remaining: 10 });
    // a second setup is refused while one is on
    expectProblem(await api('/api/mfa/totp/setup', { token: u.token, method: 'POST' }), 409);

    const audit = await auditRows(
      "actor = ? AND action IN ('totp_setup_started', 'totp_enabled', 'mfa_failed')",
      u.username,
    );
    expect(audit.map((a) => a.action)).toEqual(['totp_setup_started', 'mfa_failed', 'totp_enabled']);
    const all = JSON.stringify(audit);
    expect(all).not.toContain(setup.body.secret);
    expect(all).not.toContain(codes[0]);
  });

  it('is managed by a person: API tokens are refused', async () => {
    const t = await api('/api/tokens', { token: admin, json: { name: 'mfa-t', scopes: ['admin'] } });
    expectProblem(await api('/api/mfa/totp/setup', { token: t.body.token, method: 'POST' }), 403);
    expectProblem(await api('/api/mfa', { token: t.body.token }), 403);
  });
});

describe('signing in with a second factor', () => {
  it('the password alone no longer signs in; a TOTP code finishes the sign-in; a replayed code is refused', async () => {
    const u = await enrolled();
    const p = await pending(u);
    expect(p.methods).toEqual(['totp', 'recovery_code']);
    expect(p.expires_in).toBe(300);
    // the confirmation's code again is a replay (the same code, not "the current one": on a slow machine the
    // clock may have moved to the next 30 s step since)
    expectProblem(
      await api('/api/mfa/verify', { json: { mfa_token: p.mfa_token, method: 'totp', code: u.used } }),
      401,
    );
    const next = await code(u.secret, 1);
    const ok = await api('/api/mfa/verify', { json: { mfa_token: p.mfa_token, method: 'totp', code: next } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.token_type).toBe('bearer');
    const claims = decodeJwtPart(ok.body.access_token, 1);
    expect(claims.amr).toEqual(['pwd', 'otp']);
    expect((await api('/api/users/me', { token: ok.body.access_token })).body.username).toBe(u.username);

    // the ticket is single use
    const again = await api('/api/mfa/verify', { json: { mfa_token: p.mfa_token, method: 'totp', code: next } });
    expect(expectProblem(again, 401).type).toBe(`${PROBLEM_BASE}mfa-token-invalid`);
    // the same code with a new ticket: a replay
    const p2 = await pending(u);
    const replay = await api('/api/mfa/verify', { json: { mfa_token: p2.mfa_token, method: 'totp', code: next } });
    expect(expectProblem(replay, 401).type).toBe(`${PROBLEM_BASE}mfa-code-invalid`);
    expect((await auditRows("action = 'mfa_verified' AND actor = ?", u.username)).map((a) => a.after)).toEqual([
      { method: 'totp' },
    ]);
  });

  it('a sign-in begun at POST /session ends with the cookies', async () => {
    const u = await enrolled();
    const p = await pending(u, 'mfa-required', 'session');
    const ok = await api('/api/mfa/verify', {
      json: { mfa_token: p.mfa_token, method: 'totp', code: await code(u.secret, 1) },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.username).toBe(u.username);
    expect(ok.body.access_token).toBeUndefined();
    const cookies = cookiesOf(ok);
    expect(Object.keys(cookies).sort()).toEqual(['dc_refresh', 'dc_session']);
    const me = await api('/api/users/me', { headers: { Cookie: `dc_session=${cookies.dc_session}` } });
    expect(me.status).toBe(200);
  });

  it('wrong codes are audited and throttled like wrong passwords', async () => {
    const u = await enrolled();
    const p = await pending(u);
    for (let i = 0; i < 5; i++) {
      const r = await api('/api/mfa/verify', { json: { mfa_token: p.mfa_token, method: 'totp', code: '000000' } });
      expect(expectProblem(r, 401).type).toBe(`${PROBLEM_BASE}mfa-code-invalid`);
    }
    const blocked = await api('/api/mfa/verify', {
      json: { mfa_token: p.mfa_token, method: 'totp', code: await code(u.secret, 1) },
    });
    expectProblem(blocked, 429);
    expect(Number(blocked.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await auditRows("action = 'mfa_failed' AND actor = ?", u.username)).toHaveLength(5);
  });

  it('a recovery code works once (any case, with or without dashes) and is counted down', async () => {
    const u = await enrolled();
    const [first, second] = u.recovery;
    const p = await pending(u);
    const ok = await api('/api/mfa/verify', {
      json: { mfa_token: p.mfa_token, method: 'recovery_code', code: ` ${first.toUpperCase().replace(/-/g, ' ')} ` },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(decodeJwtPart(ok.body.access_token, 1).amr).toEqual(['pwd', 'otp', 'rc']);
    const p2 = await pending(u);
    const reuse = await api('/api/mfa/verify', {
      json: { mfa_token: p2.mfa_token, method: 'recovery_code', code: first },
    });
    expectProblem(reuse, 401);
    const status = await api('/api/mfa', { token: ok.body.access_token });
    expect(status.body.recovery_codes_remaining).toBe(9);

    // regenerating invalidates the old set
    const regen = await api('/api/mfa/recovery-codes', { token: ok.body.access_token, method: 'POST' });
    expect(regen.status, regen.text).toBe(200);
    expect(regen.body.recovery_codes).toHaveLength(10);
    const p3 = await pending(u);
    expectProblem(
      await api('/api/mfa/verify', { json: { mfa_token: p3.mfa_token, method: 'recovery_code', code: second } }),
      401,
    );
    const fresh = await api('/api/mfa/verify', {
      json: { mfa_token: p3.mfa_token, method: 'recovery_code', code: regen.body.recovery_codes[0] },
    });
    expect(fresh.status, fresh.text).toBe(200);
  });

  it('an expired ticket is refused', async () => {
    const u = await enrolled();
    const p = await pending(u);
    await env.DB.prepare("UPDATE mfa_tickets SET expires_at = '2000-01-01T00:00:00.000Z' WHERE user_id = ?")
      .bind(u.id)
      .run();
    const r = await api('/api/mfa/verify', {
      json: { mfa_token: p.mfa_token, method: 'totp', code: await code(u.secret, 1) },
    });
    expect(expectProblem(r, 401).type).toBe(`${PROBLEM_BASE}mfa-token-invalid`);
    expectProblem(
      await api('/api/mfa/verify', { json: { mfa_token: 'mfa_' + 'x'.repeat(32), method: 'totp', code: '123456' } }),
      401,
    );
  });

  it('a passkey is offered as the second factor and starts a session with amr pwd, hwk, user', async () => {
    const u = await enrolled();
    const { auth } = await registerPasskey(u.token);
    const p = await pending(u);
    expect(p.methods).toEqual(['totp', 'recovery_code', 'passkey']);
    const start = await api('/api/mfa/passkey/options', { json: { mfa_token: p.mfa_token } });
    expect(start.status, start.text).toBe(200);
    expect(start.body.options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([auth.id]);
    const ok = await api('/api/mfa/passkey/verify', {
      json: {
        mfa_token: p.mfa_token,
        challenge_id: start.body.challenge_id,
        response: await auth.assert(start.body.options),
      },
    });
    expect(ok.status, ok.text).toBe(200);
    const claims = decodeJwtPart(ok.body.access_token, 1);
    expect(claims.amr).toEqual(['pwd', 'hwk', 'user']);
    expect(claims.step_up_at).toEqual(expect.any(Number));
  });

  it('a passkey alone does not add a second step to password sign-in', async () => {
    const u = await createUser('viewer', admin);
    await registerPasskey(u.token);
    expect((await grant(u)).status).toBe(200);
  });

  it("the spec's admin flow is unaffected: admin/admin123 gets a token directly", async () => {
    const res = await api('/api/token', { form: { username: 'admin', password: 'admin123' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.access_token).toEqual(expect.any(String));
  });
});

describe('removing the authenticator app', () => {
  it('needs a current code or a passkey step-up', async () => {
    const u = await enrolled();
    const r = await grant(u);
    const p = r.body as { mfa_token: string };
    const s = await api('/api/mfa/verify', {
      json: { mfa_token: p.mfa_token, method: 'totp', code: await code(u.secret, 1) },
    });
    const token = s.body.access_token;
    expect(expectProblem(await api('/api/mfa/totp', { method: 'DELETE', token }), 403).type).toBe(
      `${PROBLEM_BASE}step-up-required`,
    );
    expectProblem(await api('/api/mfa/totp', { method: 'DELETE', token, json: { code: '000000' } }), 422, ['code']);
    // the step used to sign in cannot be used again; the one after can
    expectProblem(
      await api('/api/mfa/totp', { method: 'DELETE', token, json: { code: await code(u.secret, 1) } }),
      422,
    );
    const off = await api('/api/mfa/totp', { method: 'DELETE', token, json: { code: await code(u.secret, -1) } });
    expectProblem(off, 422);
    // nothing left in the window for this user: use a passkey step-up instead
    const { auth } = await registerPasskey(token);
    await stepUp(token, auth);
    const fresh = await api('/api/users/me', { token });
    expect(fresh.status).toBe(200);
    // the step-up is on the session; the bearer token re-reads it on every request
    expect((await api('/api/mfa/totp', { method: 'DELETE', token })).status).toBe(204);
    expect((await api('/api/mfa', { token })).body.totp).toEqual({ enabled: false, confirmed_at: null });
    expect((await grant(u)).status).toBe(200);
    expect(await auditRows("action = 'totp_disabled' AND actor = ?", u.username)).toHaveLength(1);
  });

  it('with a code from the app', async () => {
    const u = await enrolled();
    // the token of createUser predates the enrolment and still works
    const off = await api('/api/mfa/totp', {
      method: 'DELETE',
      token: u.token,
      json: { code: await code(u.secret, 1) },
    });
    expect(off.status, off.text).toBe(204);
    expect((await grant(u)).status).toBe(200);
    // no second factor left: the recovery codes went with it
    expect((await api('/api/mfa', { token: u.token })).body.recovery_codes_remaining).toBe(0);
  });
});

describe('per-role policy', () => {
  afterEach(async () => {
    await api('/api/mfa/policy', {
      method: 'PUT',
      token: admin,
      json: { admin: false, operator: false, viewer: false, auditor: false },
    });
  });

  it('admins set it (audited); others may not', async () => {
    expect((await api('/api/mfa/policy', { token: admin })).body).toEqual({
      admin: false,
      operator: false,
      viewer: false,
      auditor: false,
    });
    const viewer = await createUser('viewer', admin);
    expectProblem(await api('/api/mfa/policy', { token: viewer.token }), 403);
    const put = await api('/api/mfa/policy', {
      method: 'PUT',
      token: admin,
      json: { admin: false, operator: true, viewer: false, auditor: false },
    });
    expect(put.status, put.text).toBe(200);
    expect(put.body.operator).toBe(true);
    expectProblem(await api('/api/mfa/policy', { method: 'PUT', token: admin, json: { admin: 'yes' } }), 422);
    const audit = await auditRows("action = 'mfa_policy_updated'");
    expect(audit.at(-1)!.after.after.operator).toBe(true);
  });

  it('a role that requires a second factor guides a user without one through enrolment, then signs them in', async () => {
    const u = await createUser('auditor', admin);
    await api('/api/mfa/policy', {
      method: 'PUT',
      token: admin,
      json: { admin: false, operator: false, viewer: false, auditor: true },
    });
    expect((await api('/api/mfa', { token: u.token })).body.required_by_role).toBe(true);
    const p = await pending(u);
    expect(p.methods).toEqual(['enroll']);
    // the enrolment ticket opens only the enrolment routes
    expectProblem(
      await api('/api/mfa/verify', { json: { mfa_token: p.mfa_token, method: 'totp', code: '123456' } }),
      401,
    );
    const setup = await api('/api/mfa/enroll/setup', { json: { mfa_token: p.mfa_token } });
    expect(setup.status, setup.text).toBe(200);
    const done = await api('/api/mfa/enroll/confirm', {
      json: { mfa_token: p.mfa_token, code: await code(setup.body.secret) },
    });
    expect(done.status, done.text).toBe(200);
    expect(done.body.recovery_codes).toHaveLength(10);
    expect(decodeJwtPart(done.body.access_token, 1).amr).toEqual(['pwd', 'otp']);
    // single use
    expectProblem(await api('/api/mfa/enroll/setup', { json: { mfa_token: p.mfa_token } }), 401);
    // next time: the second factor is asked
    expect((await pending(u)).methods).toEqual(['totp', 'recovery_code']);
  });

  it('a passkey satisfies the policy', async () => {
    const u = await createUser('auditor', admin);
    await registerPasskey(u.token);
    await api('/api/mfa/policy', {
      method: 'PUT',
      token: admin,
      json: { admin: false, operator: false, viewer: false, auditor: true },
    });
    expect((await pending(u)).methods).toEqual(['passkey']);
  });
});

describe('passwords', () => {
  it('a forced change: the sign-in answers password-change-required, the new password then signs in', async () => {
    const u = await createUser('viewer', admin);
    await env.DB.prepare('UPDATE users SET must_change_password = 1 WHERE id = ?').bind(u.id).run();
    const p = await pending(u, 'password-change-required', 'session');
    expect(p.methods).toEqual(['password_change']);
    // the ticket opens nothing else
    expectProblem(
      await api('/api/mfa/verify', { json: { mfa_token: p.mfa_token, method: 'totp', code: '123456' } }),
      401,
    );
    expectProblem(await api('/api/mfa/password', { json: { mfa_token: p.mfa_token, new_password: 'short' } }), 422, [
      'new_password',
    ]);
    expectProblem(await api('/api/mfa/password', { json: { mfa_token: p.mfa_token, new_password: u.password } }), 422, [
      'new_password',
    ]);
    const next = 'Brand-New-Passphrase-77';
    const ok = await api('/api/mfa/password', { json: { mfa_token: p.mfa_token, new_password: next } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.username).toBe(u.username);
    expect(ok.body.must_change_password).toBe(false);
    expect(Object.keys(cookiesOf(ok)).sort()).toEqual(['dc_refresh', 'dc_session']);
    // the old password is gone, the sessions from before too
    expectProblem(await grant(u), 401);
    expectProblem(await api('/api/users/me', { token: u.token }), 401);
    expect((await grant({ username: u.username, password: next })).status).toBe(200);
    expectProblem(
      await api('/api/mfa/password', { json: { mfa_token: p.mfa_token, new_password: 'Another-One-2026x' } }),
      401,
    );
    expect(await auditRows("action = 'password_changed' AND actor = ?", u.username)).toHaveLength(1);
  });

  it('a forced change then asks for the second factor when one is set up', async () => {
    const u = await enrolled();
    await env.DB.prepare('UPDATE users SET must_change_password = 1 WHERE id = ?').bind(u.id).run();
    const p = await pending(u, 'password-change-required');
    const next = await api('/api/mfa/password', {
      json: { mfa_token: p.mfa_token, new_password: 'Second-Step-Pass-88' },
    });
    const p2 = expectProblem(next, 401);
    expect(p2.type).toBe(`${PROBLEM_BASE}mfa-required`);
    const ok = await api('/api/mfa/verify', {
      json: { mfa_token: p2.mfa_token, method: 'totp', code: await code(u.secret, 1) },
    });
    expect(ok.status, ok.text).toBe(200);
  });

  it('POST /users/me/password: checks the current one, keeps this session, ends the others', async () => {
    const u = await createUser('operator', admin);
    const other = await login(u.username, u.password);
    expectProblem(
      await api('/api/users/me/password', {
        token: u.token,
        json: { current_password: 'wrong-password-1', new_password: 'Fresh-Password-2026' },
      }),
      422,
      ['current_password'],
    );
    expectProblem(
      await api('/api/users/me/password', {
        token: u.token,
        json: { current_password: u.password, new_password: `my-${u.username}-pass` },
      }),
      422,
      ['new_password'],
    );
    const ok = await api('/api/users/me/password', {
      token: u.token,
      json: { current_password: u.password, new_password: 'Fresh-Password-2026' },
    });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.sessions_revoked).toBe(1);
    expect((await api('/api/users/me', { token: u.token })).status).toBe(200);
    expectProblem(await api('/api/users/me', { token: other }), 401);
    expectProblem(await grant(u), 401);
  });
});
