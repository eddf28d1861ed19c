import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  PROBLEM_BASE,
  SoftAuthenticator,
  adminToken,
  api,
  auditRows,
  createDatacenter,
  createRack,
  createServer,
  createUser,
  decodeJwtPart,
  expectProblem,
  registerPasskey,
  stepUp,
  type Row,
  type TestUser,
} from '../helpers';

const cookiesOf = (res: { headers: Headers }) =>
  Object.fromEntries(
    res.headers.getSetCookie().map((c) => {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      return [pair.slice(0, i), pair.slice(i + 1)];
    }),
  );

const loginOptions = () => api('/api/passkeys/login/options', { method: 'POST' });
async function passkeyLogin(auth: SoftAuthenticator, opts: { counter?: number; uv?: boolean } = {}) {
  const start = await loginOptions();
  expect(start.status, start.text).toBe(200);
  return api('/api/passkeys/login/verify', {
    json: { challenge_id: start.body.challenge_id, response: await auth.assert(start.body.options, opts) },
  });
}

let admin: string;
let viewer: TestUser;

beforeAll(async () => {
  admin = await adminToken();
  viewer = await createUser('viewer', admin);
});

describe('passkey registration and management', () => {
  it('registers, lists, renames and revokes a passkey (audited, never exposing the key)', async () => {
    const start = await api('/api/passkeys/register/options', { token: viewer.token, method: 'POST' });
    expect(start.status, start.text).toBe(200);
    const o = start.body.options;
    expect(o.rp).toEqual({ id: 'localhost', name: 'DC Platform' });
    expect(o.user.name).toBe(viewer.username);
    expect(o.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'preferred' });
    expect(o.attestation).toBe('none');

    const auth = await SoftAuthenticator.create();
    const res = await api('/api/passkeys/register/verify', {
      token: viewer.token,
      json: { challenge_id: start.body.challenge_id, name: ' Laptop ', response: await auth.attest(o) },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      id: auth.id,
      user_id: viewer.id,
      name: 'Laptop',
      transports: ['internal'],
      device_type: 'singleDevice',
      backed_up: false,
      aaguid: '00000000-0000-0000-0000-000000000000',
      last_used_at: null,
    });
    expect(res.body.public_key).toBeUndefined();
    expect(res.body.counter).toBeUndefined();
    const stored = await env.DB.prepare('SELECT * FROM passkeys WHERE id = ?').bind(auth.id).first<Row>();
    expect(stored).toMatchObject({ user_id: viewer.id, counter: 0, transports: '["internal"]' });
    expect(stored!.public_key.length).toBeGreaterThan(50);

    // the same authenticator is excluded next time, and cannot be registered twice
    const again = await api('/api/passkeys/register/options', { token: viewer.token, method: 'POST' });
    expect(again.body.options.excludeCredentials.map((c: Row) => c.id)).toEqual([auth.id]);

    const list = await api('/api/passkeys', { token: viewer.token });
    expect(list.status).toBe(200);
    expect(list.body.map((p: Row) => p.name)).toEqual(['Laptop']);
    // someone else's list does not show it
    expect((await api('/api/passkeys', { token: admin })).body.map((p: Row) => p.id)).not.toContain(auth.id);

    const renamed = await api(`/api/passkeys/${auth.id}`, {
      method: 'PATCH',
      token: viewer.token,
      json: { name: 'Work laptop' },
    });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.name).toBe('Work laptop');
    expectProblem(await api(`/api/passkeys/${auth.id}`, { method: 'PATCH', token: admin, json: { name: 'x' } }), 404);
    expectProblem(await api(`/api/passkeys/${auth.id}`, { method: 'DELETE', token: admin }), 404);

    expect((await api(`/api/passkeys/${auth.id}`, { method: 'DELETE', token: viewer.token })).status).toBe(204);
    expect((await api('/api/passkeys', { token: viewer.token })).body).toEqual([]);
    expectProblem(await api(`/api/passkeys/${auth.id}`, { method: 'DELETE', token: viewer.token }), 404);
    // a revoked passkey signs nobody in
    expectProblem(await passkeyLogin(auth), 401);

    const added = await auditRows("action = 'passkey_added' AND entity_id = ?", auth.id);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ actor: viewer.username, entity_type: 'passkey' });
    expect(added[0].after).toMatchObject({ name: 'Laptop', device_type: 'singleDevice' });
    expect(JSON.stringify(added[0].after)).not.toContain(stored!.public_key);
    expect(await auditRows("action = 'passkey_removed' AND entity_id = ?", auth.id)).toHaveLength(1);
  });

  it('refuses a response for another origin, a wrong challenge, and API tokens', async () => {
    const start = await api('/api/passkeys/register/options', { token: viewer.token, method: 'POST' });
    const auth = await SoftAuthenticator.create();
    const bad = await api('/api/passkeys/register/verify', {
      token: viewer.token,
      json: {
        challenge_id: start.body.challenge_id,
        name: 'Phish',
        response: await auth.attest(start.body.options, { origin: 'https://evil.example' }),
      },
    });
    expectProblem(bad, 401);
    // the challenge was consumed by that attempt
    const replay = await api('/api/passkeys/register/verify', {
      token: viewer.token,
      json: { challenge_id: start.body.challenge_id, name: 'Phish', response: await auth.attest(start.body.options) },
    });
    expect(expectProblem(replay, 400).type).toBe(`${PROBLEM_BASE}challenge-invalid`);
    // someone else's challenge is not yours
    const other = await api('/api/passkeys/register/options', { token: admin, method: 'POST' });
    expectProblem(
      await api('/api/passkeys/register/verify', {
        token: viewer.token,
        json: { challenge_id: other.body.challenge_id, name: 'x', response: await auth.attest(other.body.options) },
      }),
      400,
    );
    expectProblem(await api('/api/passkeys/register/verify', { token: viewer.token, json: { name: 'x' } }), 422, [
      'challenge_id',
      'response',
    ]);

    const t = await api('/api/tokens', { token: viewer.token, json: { name: 'script', scopes: ['read'] } });
    expectProblem(await api('/api/passkeys/register/options', { token: t.body.token, method: 'POST' }), 403);
  });
});

describe('passwordless sign-in', () => {
  it('signs in with a discoverable passkey: session, cookies, amr and auth_time', async () => {
    const u = await createUser('operator', admin);
    const { auth } = await registerPasskey(u.token, 'Phone');
    const start = await loginOptions();
    expect(start.body.options.allowCredentials ?? []).toEqual([]);
    expect(start.body.options.rpId).toBe('localhost');
    const res = await api('/api/passkeys/login/verify', {
      json: { challenge_id: start.body.challenge_id, response: await auth.assert(start.body.options) },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: u.id, username: u.username, role: 'operator' });
    expect(res.body.permissions).toContain('inventory:write');
    expect(res.body.password_hash).toBeUndefined();
    const cookies = cookiesOf(res);
    expect(cookies.dc_session).toBeTruthy();
    expect(cookies.dc_refresh).toBeTruthy();
    const claims = decodeJwtPart(cookies.dc_session, 1);
    expect(claims.amr).toEqual(['hwk', 'user']);
    expect(Math.abs(claims.auth_time - Date.now() / 1000)).toBeLessThan(30);
    expect(claims.step_up_at).toBeGreaterThan(0);

    const me = await api('/api/users/me', { headers: { cookie: `dc_session=${cookies.dc_session}` } });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(u.username);
    const session = await env.DB.prepare('SELECT amr FROM sessions WHERE id = ?').bind(claims.sid).first<Row>();
    expect(JSON.parse(session!.amr)).toEqual(['hwk', 'user']);

    const listed = (await api('/api/passkeys', { token: u.token })).body[0];
    expect(listed.last_used_at).toBeTruthy();
    const logins = await auditRows("action = 'login' AND actor = ?", u.username);
    expect(logins.at(-1)!.after).toMatchObject({ method: 'passkey', passkey_id: auth.id, user_verified: true });

    // without user verification: amr says only hwk
    const noUv = await passkeyLogin(auth, { uv: false });
    expect(noUv.status, noUv.text).toBe(200);
    expect(decodeJwtPart(cookiesOf(noUv).dc_session, 1).amr).toEqual(['hwk']);
  });

  it('challenges are single use and expire', async () => {
    const u = await createUser('viewer', admin);
    const { auth } = await registerPasskey(u.token);
    const start = await loginOptions();
    const body = { challenge_id: start.body.challenge_id, response: await auth.assert(start.body.options) };
    expect((await api('/api/passkeys/login/verify', { json: body })).status).toBe(200);
    const second = await api('/api/passkeys/login/verify', { json: body });
    expect(expectProblem(second, 400).type).toBe(`${PROBLEM_BASE}challenge-invalid`);

    const late = await loginOptions();
    const stored = await env.DB.prepare('SELECT * FROM webauthn_challenges WHERE id = ?')
      .bind(late.body.challenge_id)
      .first<Row>();
    expect(Date.parse(stored!.expires_at) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    expect(stored!.purpose).toBe('authenticate');
    await env.DB.prepare(
      "UPDATE webauthn_challenges SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 seconds') WHERE id = ?",
    )
      .bind(late.body.challenge_id)
      .run();
    const expired = await api('/api/passkeys/login/verify', {
      json: { challenge_id: late.body.challenge_id, response: await auth.assert(late.body.options) },
    });
    expectProblem(expired, 400);
    // a sign-in challenge is no step-up challenge
    const login = await loginOptions();
    expectProblem(
      await api('/api/passkeys/step-up/verify', {
        token: u.token,
        json: { challenge_id: login.body.challenge_id, response: await auth.assert(login.body.options) },
      }),
      400,
    );
  });

  it('refuses a signature counter that goes backwards and audits a possible clone', async () => {
    const u = await createUser('viewer', admin);
    const { auth } = await registerPasskey(u.token);
    expect((await passkeyLogin(auth, { counter: 5 })).status).toBe(200);
    const clone = await passkeyLogin(auth, { counter: 3 });
    expect(expectProblem(clone, 401).type).toBe(`${PROBLEM_BASE}passkey-counter-regression`);
    expect(cookiesOf(clone).dc_session).toBeUndefined();
    const same = await passkeyLogin(auth, { counter: 5 });
    expectProblem(same, 401);
    const audited = await auditRows("action = 'passkey_counter_regression' AND entity_id = ?", auth.id);
    expect(audited).toHaveLength(2);
    expect(audited[0]).toMatchObject({ actor: u.username, actor_id: u.id });
    expect(audited[0].after).toMatchObject({ stored_counter: 5, received_counter: 3 });
    expect((await passkeyLogin(auth, { counter: 6 })).status).toBe(200);
  });

  it('rejects an unknown credential and a bad signature', async () => {
    const stranger = await SoftAuthenticator.create();
    expectProblem(await passkeyLogin(stranger), 401);
    const u = await createUser('viewer', admin);
    const { auth } = await registerPasskey(u.token);
    const start = await loginOptions();
    const response = await auth.assert(start.body.options);
    response.response.signature = response.response.signature.replace(/^./, (c) => (c === 'M' ? 'N' : 'M'));
    expectProblem(
      await api('/api/passkeys/login/verify', { json: { challenge_id: start.body.challenge_id, response } }),
      401,
    );
  });
});

describe('biometric step-up for the Top Secret zone', () => {
  let topSecret: Row;
  let tsServer: Row;
  let confidential: Row;

  beforeAll(async () => {
    // the admin steps up once to create the fixtures (creating in Top Secret is an operation on it too)
    const setup = await adminToken();
    const { auth } = await registerPasskey(setup, 'Setup key');
    await stepUp(setup, auth);
    const dc = await createDatacenter(setup);
    topSecret = await createRack(setup, { datacenter_id: dc.id, security_zone: 'Top Secret' });
    tsServer = await createServer(setup, { rack_id: topSecret.id });
    confidential = await createRack(setup, { datacenter_id: dc.id, security_zone: 'Confidential' });
  });

  it('asks an admin for a step-up before any detail of a Top Secret object, and names what satisfies it', async () => {
    const token = await adminToken();
    for (const path of [
      `/api/racks/${topSecret.id}`,
      `/api/racks/${topSecret.id}/elevation`,
      `/api/servers/${tsServer.id}`,
    ]) {
      const p = expectProblem(await api(path, { token }), 403);
      expect(p.type).toBe(`${PROBLEM_BASE}step-up-required`);
      expect(p).toMatchObject({ zone: 'Top Secret', satisfied_by: ['passkey_uv'], max_age_seconds: 300 });
    }
    const patch = await api(`/api/racks/${topSecret.id}`, { method: 'PATCH', token, json: { location: 'Vault' } });
    expect(expectProblem(patch, 403).type).toBe(`${PROBLEM_BASE}step-up-required`);
    expectProblem(await api(`/api/servers/${tsServer.id}`, { method: 'DELETE', token }), 403);
    expectProblem(
      await api('/api/racks', {
        token,
        json: { name: 'TS-NEW', datacenter_id: topSecret.datacenter_id, security_zone: 'Top Secret' },
      }),
      403,
    );
    // moving a Confidential rack into Top Secret is an operation in Top Secret too
    expectProblem(
      await api(`/api/racks/${confidential.id}`, { method: 'PATCH', token, json: { security_zone: 'Top Secret' } }),
      403,
    );

    // lists stay as they are: clearance decides what is listed
    const list = await api(`/api/racks?datacenter_id=${topSecret.datacenter_id}`, { token });
    expect(list.status).toBe(200);
    expect(list.body.map((r: Row) => r.id)).toContain(topSecret.id);
    // Confidential objects need nothing beyond clearance (the spec's own scripts)
    expect((await api(`/api/racks/${confidential.id}`, { token })).status).toBe(200);
    const made = await api('/api/racks', {
      token,
      json: { name: 'CONF-NEW', datacenter_id: topSecret.datacenter_id, security_zone: 'Confidential' },
    });
    expect(made.status, made.text).toBe(201);

    // a passkey assertion with user verification opens them, for this session
    const { auth } = await registerPasskey(token, 'Admin key');
    const noUv = await api('/api/passkeys/step-up/options', { token, method: 'POST' });
    expect(noUv.body.options.userVerification).toBe('required');
    expect(noUv.body.options.allowCredentials.map((c: Row) => c.id)).toContain(auth.id);
    expectProblem(
      await api('/api/passkeys/step-up/verify', {
        token,
        json: { challenge_id: noUv.body.challenge_id, response: await auth.assert(noUv.body.options, { uv: false }) },
      }),
      401,
    );
    const up = await stepUp(token, auth);
    expect(up.max_age_seconds).toBe(300);
    const fresh = decodeJwtPart(up.access_token, 1);
    expect(fresh.amr).toEqual(expect.arrayContaining(['pwd', 'hwk', 'user']));
    expect(fresh.step_up_at).toBeGreaterThan(0);
    expect(fresh.sid).toBe(decodeJwtPart(token, 1).sid);

    expect((await api(`/api/racks/${topSecret.id}`, { token })).status).toBe(200);
    expect((await api(`/api/racks/${topSecret.id}/elevation`, { token: up.access_token })).status).toBe(200);
    expect((await api(`/api/servers/${tsServer.id}`, { token })).status).toBe(200);
    const ok = await api(`/api/racks/${topSecret.id}`, { method: 'PATCH', token, json: { location: 'Vault' } });
    expect(ok.status, ok.text).toBe(200);
    expect((await auditRows("action = 'step_up' AND entity_id = ?", fresh.sid)).length).toBe(1);

    // another session of the same admin has not stepped up
    expectProblem(await api(`/api/racks/${topSecret.id}`, { token: await adminToken() }), 403);

    // five minutes later, the step-up has lapsed
    await env.DB.prepare(
      "UPDATE sessions SET step_up_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-301 seconds') WHERE id = ?",
    )
      .bind(fresh.sid)
      .run();
    const lapsed = expectProblem(await api(`/api/racks/${topSecret.id}`, { token }), 403);
    expect(lapsed.type).toBe(`${PROBLEM_BASE}step-up-required`);
  });

  it('cannot be satisfied by an API token, nor by a passkey without a session', async () => {
    const token = await adminToken();
    const t = await api('/api/tokens', { token, json: { name: 'ts-script', scopes: ['admin'] } });
    const p = expectProblem(await api(`/api/racks/${topSecret.id}`, { token: t.body.token }), 403);
    expect(p.type).toBe(`${PROBLEM_BASE}step-up-required`);
    expectProblem(await api('/api/passkeys/step-up/options', { token: t.body.token, method: 'POST' }), 403);
  });

  it('tells a user without a passkey to add one first', async () => {
    const u = await createUser('viewer', admin);
    const p = expectProblem(await api('/api/passkeys/step-up/options', { token: u.token, method: 'POST' }), 409);
    expect(p.detail).toMatch(/\/security/);
  });

  it('a verified passkey sign-in counts as a step-up', async () => {
    const token = await adminToken();
    const { auth } = await registerPasskey(token, 'Admin key 2');
    const res = await passkeyLogin(auth);
    expect(res.status).toBe(200);
    const cookie = `dc_session=${cookiesOf(res).dc_session}`;
    expect((await api(`/api/racks/${topSecret.id}`, { headers: { cookie } })).status).toBe(200);
    const noUv = await passkeyLogin(auth, { uv: false });
    expectProblem(
      await api(`/api/racks/${topSecret.id}`, { headers: { cookie: `dc_session=${cookiesOf(noUv).dc_session}` } }),
      403,
    );
  });
});
