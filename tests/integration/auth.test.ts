import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { SignJWT } from 'jose';
import { signAccessToken, verifyAccessToken } from '../../worker/platform/identity/jwt';
import {
  ADMIN,
  adminToken,
  api,
  auditRows,
  createUser,
  decodeJwtPart,
  expectProblem,
  login,
  uniqueName,
} from '../helpers';

const DEV_SECRET = 'dev-only-secret-change-me-0123456789abcdef';
const b64url = (obj: unknown) => btoa(JSON.stringify(obj)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** A token exactly like the Worker issues, with one thing changed by `tweak`. */
async function craftToken(
  opts: {
    secret?: string;
    iss?: string;
    aud?: string;
    exp?: number;
    sub?: string;
    token_use?: string;
    kid?: string | null;
    typ?: string;
  } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ username: 'admin', role: 'admin', amr: ['pwd'], token_use: opts.token_use ?? 'access' })
    .setProtectedHeader({
      alg: 'HS256',
      typ: opts.typ ?? 'at+jwt',
      ...(opts.kid === null ? {} : { kid: opts.kid ?? env.JWT_KID }),
    })
    .setSubject(opts.sub ?? '1')
    .setIssuer(opts.iss ?? 'dc-platform')
    .setAudience(opts.aud ?? 'dc-platform-api')
    .setIssuedAt(now - 60)
    .setExpirationTime(opts.exp ?? now + 600)
    .setJti(crypto.randomUUID())
    .sign(new TextEncoder().encode(opts.secret ?? env.JWT_SECRET));
}

describe('POST /api/token (OAuth2 password grant)', () => {
  it('issues an HS256 bearer token with the documented claims for form-encoded credentials', async () => {
    const res = await api('/api/token', {
      body: 'username=admin&password=admin123',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 1800,
      refresh_token: expect.any(String),
    });
    expect(res.headers.get('cache-control')).toBe('no-store');

    const token: string = res.body.access_token;
    expect(token.split('.')).toHaveLength(3);
    const header = decodeJwtPart(token, 0);
    expect(header.alg).toBe('HS256');
    const claims = decodeJwtPart(token, 1);
    expect(claims.iss).toBe('dc-platform');
    expect(claims.aud).toBe('dc-platform-api');
    expect(claims.sub).toBe('1');
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.username).toBe('admin');
    expect(claims.role).toBe('admin');
    const now = Math.floor(Date.now() / 1000);
    expect(Math.abs(claims.iat - now)).toBeLessThan(30);
    expect(claims.exp - claims.iat).toBe(1800);

    // two sign-ins never share a token id
    const other = decodeJwtPart(await login('admin', 'admin123'), 1);
    expect(other.jti).not.toBe(claims.jti);

    const me = await api('/api/users/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 1, username: 'admin', role: 'admin' });
    expect(me.body.permissions).toEqual([
      'inventory:read',
      'inventory:write',
      'audit:read',
      'audit:checkpoint',
      'users:manage',
      'demo:seed',
      'metrics:ingest',
      'alerts:read',
      'alerts:respond',
      'alerts:configure',
      'vms:operate',
      'agents:connect',
    ]);
    expect(me.body).not.toHaveProperty('password_hash');
  });

  it('answers a wrong password and an unknown user with identical 401 problems', async () => {
    const wrong = await api('/api/token', { form: { username: 'admin', password: 'not-the-password' } });
    const unknown = await api('/api/token', { form: { username: 'nobody-here', password: 'not-the-password' } });
    const a = expectProblem(wrong, 401);
    const b = expectProblem(unknown, 401);
    const pick = (p: typeof a) => ({ type: p.type, title: p.title, status: p.status, detail: p.detail });
    expect(pick(a)).toEqual(pick(b));
    expect(a.detail).toBe('Incorrect username or password.');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('names each missing field in a 422', async () => {
    const none = await api('/api/token', { form: {} });
    expectProblem(none, 422, ['username', 'password'], true);
    const noPassword = await api('/api/token', { form: { username: 'admin' } });
    expectProblem(noPassword, 422, ['password'], true);
    const emptyUser = await api('/api/token', { form: { username: '', password: 'x' } });
    expectProblem(emptyUser, 422, ['username'], true);
  });

  it('accepts a token it did not issue only when it is valid in every respect', async () => {
    // positive control: the crafted token is accepted when nothing is wrong with it
    expect(env.JWT_SECRET).toBe(DEV_SECRET);
    const good = await craftToken();
    expect((await api('/api/users/me', { token: good })).status).toBe(200);

    const now = Math.floor(Date.now() / 1000);
    const bad: Record<string, string> = {
      forged: await craftToken({ secret: 'another-secret-entirely-0123456789abcdef' }),
      expired: await craftToken({ exp: now - 10 }),
      'wrong audience': await craftToken({ aud: 'someone-else' }),
      'wrong issuer': await craftToken({ iss: 'evil-issuer' }),
      'not an access token': await craftToken({ token_use: 'refresh' }),
      'no key id': await craftToken({ kid: null }),
      'unknown key id': await craftToken({ kid: 'retired-2019' }),
      'another JWT type': await craftToken({ typ: 'JWT' }),
      'alg none': `${b64url({ alg: 'none', typ: 'JWT' })}.${good.split('.')[1]}.`,
      'alg none, signature kept': `${b64url({ alg: 'none', typ: 'JWT' })}.${good.split('.')[1]}.${good.split('.')[2]}`,
      garbage: 'this-is-not-a-jwt',
      'three garbage segments': 'aaa.bbb.ccc',
    };
    for (const [what, token] of Object.entries(bad)) {
      const res = await api('/api/users/me', { token });
      const p = expectProblem(res, 401);
      expect(p.type, what).toBe('https://dc-platform.dev/problems/unauthorized');
      if (what === 'expired') expect(p.detail).toMatch(/expired/);
    }
    // a malformed Authorization header is refused too, not treated as anonymous
    expectProblem(await api('/api/users/me', { headers: { Authorization: 'Basic YWRtaW46YWRtaW4xMjM=' } }), 401);
    expectProblem(await api('/api/users/me'), 401);
  });
});

describe('browser session cookie', () => {
  it('sets an HttpOnly SameSite=Strict cookie that authenticates, refuses foreign origins, and is cleared', async () => {
    const res = await api('/api/session', { json: { username: 'admin', password: 'admin123' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ username: 'admin', role: 'admin', expires_in: 1800 });
    expect(res.body.permissions).toContain('users:manage');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^dc_session=[\w-]+\.[\w-]+\.[\w-]+;/);
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i);
    expect(setCookie).toMatch(/;\s*Path=\//);
    expect(setCookie).toMatch(/;\s*Max-Age=1800/);
    const cookie = setCookie.split(';')[0];

    const me = await api('/api/users/me', { headers: { Cookie: cookie } });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('admin');

    const body = { name: uniqueName('DC-COOKIE') };
    const foreign = await api('/api/datacenters', {
      json: body,
      headers: { Cookie: cookie, Origin: 'https://evil.example' },
    });
    const p = expectProblem(foreign, 403);
    expect(p.detail).toContain('https://evil.example');
    expect((await api(`/api/datacenters?q=${body.name}`, { headers: { Cookie: cookie } })).body).toEqual([]);

    // same origin, and no Origin at all (non-browser clients), are fine
    const same = await api('/api/datacenters', { json: body, headers: { Cookie: cookie, Origin: 'http://localhost' } });
    expect(same.status, same.text).toBe(201);

    const out = await api('/api/session', { method: 'DELETE', headers: { Cookie: cookie } });
    expect(out.status).toBe(204);
    const cleared = out.headers.get('set-cookie') ?? '';
    expect(cleared).toMatch(/^dc_session=;/);
    expect(cleared).toMatch(/Max-Age=0/i);
  });

  it('refuses bad credentials with the same 401 as the token endpoint', async () => {
    const res = await api('/api/session', { json: { username: 'admin', password: 'nope-nope-nope' } });
    expectProblem(res, 401);
    expect(res.headers.get('set-cookie')).toBeNull();
    expectProblem(await api('/api/session', { json: { username: 'admin' } }), 422, ['password'], true);
  });
});

describe('sign-in audit trail', () => {
  it('records success as "login" and failure as "login_failed", never with the password', async () => {
    const secretWrong = 'Wrong-Pa55word-XYZ-unique';
    const before = (await auditRows()).at(-1)?.id ?? 0;
    await login('admin', 'admin123');
    expectProblem(await api('/api/token', { form: { username: 'admin', password: secretWrong } }), 401);
    expectProblem(await api('/api/token', { form: { username: 'ghost-user', password: secretWrong } }), 401);

    const rows = await auditRows('id > ?', before);
    expect(rows.map((r) => [r.action, r.actor])).toEqual([
      ['login', 'admin'],
      ['login_failed', 'admin'],
      ['login_failed', 'ghost-user'],
    ]);
    expect(rows[0]).toMatchObject({ entity_type: 'session', entity_id: '1', actor_id: 1 });
    expect(rows[1]).toMatchObject({ entity_type: 'session', actor_id: null, after: { reason: 'bad_credentials' } });
    expect(rows[0].request_id).toMatch(/^[0-9a-f-]{36}$/);
    for (const r of rows) {
      const text = JSON.stringify(r);
      expect(text).not.toContain(secretWrong);
      expect(text).not.toContain('admin123');
      expect(text).not.toContain('pbkdf2');
    }

    // the same through the API, as an auditor would read it
    const admin = await adminToken();
    const listed = await api('/api/audit/logs?action=login_failed&actor=ghost-user', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.text).not.toContain(secretWrong);
  });
});

describe('disabled accounts', () => {
  it('cannot sign in, and their existing token stops working at once', async () => {
    const admin = await adminToken();
    const user = await createUser('operator', admin);
    expect((await api('/api/users/me', { token: user.token })).status).toBe(200);

    const off = await api(`/api/users/${user.id}`, { method: 'PATCH', token: admin, json: { disabled: true } });
    expect(off.status, off.text).toBe(200);
    expect(off.body.disabled).toBe(true);

    expectProblem(await api('/api/users/me', { token: user.token }), 401);
    expectProblem(await api('/api/datacenters', { token: user.token, json: { name: uniqueName('DC') } }), 401);
    const signIn = await api('/api/token', { form: { username: user.username, password: user.password } });
    const p = expectProblem(signIn, 401);
    // same answer as a wrong password: a disabled account is not revealed
    expect(p.detail).toBe('Incorrect username or password.');
    const last = (await auditRows("action = 'login_failed'")).at(-1)!;
    expect(last.after).toEqual({ reason: 'disabled' });

    const on = await api(`/api/users/${user.id}`, { method: 'PATCH', token: admin, json: { disabled: false } });
    expect(on.status).toBe(200);
    expect((await api('/api/users/me', { token: user.token })).status).toBe(200);
  });

  it('the default admin is created once, on the first sign-in attempt', async () => {
    const rows = await auditRows("action = 'bootstrap_admin'");
    expect(rows).toHaveLength(1);
    expect(rows[0].actor).toBe('system');
    expect(ADMIN.username).toBe('admin');
  });
});

describe('signing key rotation', () => {
  const claims = { sub: '1', username: 'admin', role: 'admin', amr: ['pwd'], auth_time: 0 };
  const oldKey = { JWT_SECRET: 'old-secret-0123456789abcdef-0123456789', JWT_KID: 'old' };
  const newKey = { JWT_SECRET: 'new-secret-0123456789abcdef-0123456789', JWT_KID: 'new' };

  it('trusts tokens of a previous key listed in JWT_PREVIOUS_KEYS, and only those', async () => {
    const { token } = await signAccessToken({ ...env, ...oldKey }, claims);
    expect(decodeJwtPart(token, 0)).toMatchObject({ alg: 'HS256', typ: 'at+jwt', kid: 'old' });
    const rotated = { ...env, ...newKey, JWT_PREVIOUS_KEYS: JSON.stringify({ old: oldKey.JWT_SECRET }) };
    expect((await verifyAccessToken(rotated, token)).sub).toBe('1');
    // once the old key is dropped, its tokens are refused
    await expect(verifyAccessToken({ ...env, ...newKey }, token)).rejects.toMatchObject({ status: 401 });
    // a kid that is trusted but with another secret does not verify either
    const impostor = { ...env, ...newKey, JWT_PREVIOUS_KEYS: JSON.stringify({ old: 'x'.repeat(40) }) };
    await expect(verifyAccessToken(impostor, token)).rejects.toMatchObject({ status: 401 });
  });
});
