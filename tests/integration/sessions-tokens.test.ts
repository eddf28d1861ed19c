import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, auditRows, createUser, decodeJwtPart, expectProblem, type TestUser } from '../helpers';

const grant = (form: Record<string, string>) => api('/api/token', { form });
const password = (u: { username: string; password: string }) => grant({ username: u.username, password: u.password });
const refresh = (token: string) => grant({ grant_type: 'refresh_token', refresh_token: token });
const cookiesOf = (res: { headers: Headers }) =>
  Object.fromEntries(
    res.headers.getSetCookie().map((c) => {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      return [pair.slice(0, i), pair.slice(i + 1)];
    }),
  );

let admin: string;
let viewer: TestUser;
let operator: TestUser;

beforeAll(async () => {
  admin = await adminToken();
  viewer = await createUser('viewer', admin);
  operator = await createUser('operator', admin);
});

describe('refresh tokens', () => {
  it('rotate on every use; reusing an old one revokes the whole session', async () => {
    const first = await password(viewer);
    expect(first.status).toBe(200);
    const r1 = first.body.refresh_token;
    const second = await refresh(r1);
    expect(second.status, second.text).toBe(200);
    const r2 = second.body.refresh_token;
    expect(r2).not.toBe(r1);
    expect(decodeJwtPart(second.body.access_token, 1).sid).toBe(decodeJwtPart(first.body.access_token, 1).sid);
    expect((await api('/api/users/me', { token: second.body.access_token })).status).toBe(200);

    // the copied first token comes back: the session dies, and everything minted from it
    expectProblem(await refresh(r1), 401);
    expectProblem(await refresh(r2), 401);
    expectProblem(await api('/api/users/me', { token: second.body.access_token }), 401);
    expectProblem(await api('/api/users/me', { token: first.body.access_token }), 401);
    const sid = decodeJwtPart(first.body.access_token, 1).sid;
    expect((await auditRows("action = 'refresh_reuse_detected' AND entity_id = ?", sid)).length).toBe(1);
    const revoked = await auditRows("action = 'session_revoked' AND entity_id = ?", sid);
    expect(revoked.map((r) => r.after)).toEqual([{ reason: 'refresh_token_reuse' }]);
  });

  it('names the missing field and refuses unknown tokens', async () => {
    expectProblem(await grant({ grant_type: 'refresh_token' }), 422, ['refresh_token']);
    expectProblem(await refresh('not-a-real-token'), 401);
  });

  it('stop after the idle timeout and the absolute lifetime', async () => {
    const idle = await password(viewer);
    const sid = decodeJwtPart(idle.body.access_token, 1).sid;
    await env.DB.prepare(
      "UPDATE sessions SET last_used_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-2 hours') WHERE id = ?",
    )
      .bind(sid)
      .run();
    expectProblem(await refresh(idle.body.refresh_token), 401);

    const old = await password(viewer);
    await env.DB.prepare(
      "UPDATE sessions SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 seconds') WHERE id = ?",
    )
      .bind(decodeJwtPart(old.body.access_token, 1).sid)
      .run();
    expectProblem(await api('/api/users/me', { token: old.body.access_token }), 401);
    expectProblem(await refresh(old.body.refresh_token), 401);
  });
});

describe('sign-out and sessions', () => {
  it('sign-out revokes the session server-side', async () => {
    const s = await password(viewer);
    expect((await api('/api/session', { method: 'DELETE', token: s.body.access_token })).status).toBe(204);
    expectProblem(await api('/api/users/me', { token: s.body.access_token }), 401);
    expectProblem(await refresh(s.body.refresh_token), 401);
  });

  it('lists your sessions and revokes another one', async () => {
    const a = await password(operator);
    const b = await password(operator);
    const list = await api('/api/sessions', { token: a.body.access_token });
    expect(list.status).toBe(200);
    const sidA = decodeJwtPart(a.body.access_token, 1).sid;
    const sidB = decodeJwtPart(b.body.access_token, 1).sid;
    expect(list.body.find((s: any) => s.id === sidA)).toMatchObject({ current: true, state: 'active' });
    expect(list.body.find((s: any) => s.id === sidB)).toMatchObject({ current: false, state: 'active' });
    expect((await api(`/api/sessions/${sidB}`, { method: 'DELETE', token: a.body.access_token })).status).toBe(204);
    expectProblem(await api('/api/users/me', { token: b.body.access_token }), 401);
    // someone else's session is not yours to see or end
    expectProblem(await api(`/api/sessions/${sidA}`, { method: 'DELETE', token: viewer.token }), 404);
  });

  it('the browser cookie session renews itself from the refresh cookie', async () => {
    const login = await api('/api/session', { json: { username: viewer.username, password: viewer.password } });
    const jar = cookiesOf(login);
    expect(Object.keys(jar).sort()).toEqual(['dc_refresh', 'dc_session']);
    expect(login.headers.getSetCookie().find((c) => c.startsWith('dc_refresh'))).toMatch(
      /HttpOnly.*Path=\/api|Path=\/api.*HttpOnly/,
    );

    // the access cookie has expired (absent): the refresh cookie alone signs the request in and is rotated
    const renewed = await api('/api/users/me', { headers: { cookie: `dc_refresh=${jar.dc_refresh}` } });
    expect(renewed.status, renewed.text).toBe(200);
    const next = cookiesOf(renewed);
    expect(next.dc_session).toBeTruthy();
    expect(next.dc_refresh).toBeTruthy();
    expect(next.dc_refresh).not.toBe(jar.dc_refresh);
    // a second tab racing with the same old cookie is not mistaken for theft
    expect((await api('/api/users/me', { headers: { cookie: `dc_refresh=${jar.dc_refresh}` } })).status).toBe(200);
    // a dead session reads as signed out: public routes keep working and the cookies are cleared
    await api('/api/session', { method: 'DELETE', headers: { cookie: `dc_session=${next.dc_session}` } });
    const after = await api('/api/health', { headers: { cookie: `dc_refresh=${next.dc_refresh}` } });
    expect(after.status).toBe(200);
    expect(after.headers.getSetCookie().join()).toMatch(/dc_refresh=;/);
  });
});

describe('personal API tokens', () => {
  const create = (token: string, body: Record<string, unknown>) => api('/api/tokens', { token, json: body });

  it('are shown once, stored hashed, and act within their scopes and the owner role', async () => {
    const made = await create(operator.token, { name: 'inventory sync', scopes: ['read'], expires_in_days: 30 });
    expect(made.status, made.text).toBe(201);
    const secret: string = made.body.token;
    expect(secret).toMatch(/^dcp_[A-Za-z0-9_-]{40}$/);
    expect(made.body.token_prefix).toBe(secret.slice(0, 12));
    expect(made.body).not.toHaveProperty('token_hash');
    const stored = await env.DB.prepare('SELECT token_hash FROM api_tokens WHERE id = ?')
      .bind(made.body.id)
      .first<{ token_hash: string }>();
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.token_hash).not.toContain(secret);

    const listed = await api('/api/tokens', { token: operator.token });
    const mine = listed.body.find((t: any) => t.id === made.body.id);
    expect(mine).toMatchObject({ name: 'inventory sync', scopes: ['read'], username: operator.username });
    expect(mine).not.toHaveProperty('token');

    expect((await api('/api/servers', { token: secret })).status).toBe(200);
    expectProblem(await api('/api/datacenters', { token: secret, json: { name: 'nope-dc' } }), 403);
    // a token cannot mint tokens
    expectProblem(await create(secret, { name: 'escalate', scopes: ['write'] }), 403);

    const write = await create(operator.token, { name: 'writer', scopes: ['write'] });
    expect((await api('/api/datacenters', { token: write.body.token, json: { name: 'token-made-dc' } })).status).toBe(
      201,
    );
    // a viewer's write-scoped token still cannot write: the role caps the scope
    const viewerWrite = await create(viewer.token, { name: 'viewer writer', scopes: ['write'] });
    expectProblem(await api('/api/datacenters', { token: viewerWrite.body.token, json: { name: 'x-dc' } }), 403);
    expectProblem(await create(operator.token, { name: 'too much', scopes: ['admin'] }), 403);
  });

  it('are refused once revoked, expired or unknown; use is recorded', async () => {
    const made = await create(operator.token, { name: 'short lived', scopes: ['read'] });
    const secret = made.body.token;
    expect((await api('/api/racks', { token: secret })).status).toBe(200);
    await expect
      .poll(
        async () =>
          (
            await env.DB.prepare('SELECT last_used_at FROM api_tokens WHERE id = ?')
              .bind(made.body.id)
              .first<{ last_used_at: string | null }>()
          )?.last_used_at,
      )
      .toBeTruthy();

    expect((await api(`/api/tokens/${made.body.id}`, { method: 'DELETE', token: operator.token })).status).toBe(204);
    expectProblem(await api('/api/racks', { token: secret }), 401);

    const expiring = await create(operator.token, { name: 'expiring', scopes: ['read'], expires_in_days: 1 });
    await env.DB.prepare("UPDATE api_tokens SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id = ?")
      .bind(expiring.body.id)
      .run();
    expectProblem(await api('/api/racks', { token: expiring.body.token }), 401);
    expectProblem(await api('/api/racks', { token: 'dcp_' + 'x'.repeat(40) }), 401);
    expectProblem(await create(operator.token, { name: '', scopes: [] }), 422, ['name', 'scopes']);
  });

  it('are audited without their secret', async () => {
    const made = await create(viewer.token, { name: 'audited', scopes: ['read'] });
    const [entry] = await auditRows(
      "action = 'create' AND entity_type = 'api_token' AND entity_id = ?",
      String(made.body.id),
    );
    expect(entry.after).toMatchObject({ name: 'audited', scopes: ['read'] });
    expect(JSON.stringify(entry)).not.toContain(made.body.token);
    expect(JSON.stringify(entry.after)).not.toContain('token_hash');
    await api(`/api/tokens/${made.body.id}`, { method: 'DELETE', token: viewer.token });
    expect((await auditRows("action = 'api_token_revoked' AND entity_id = ?", String(made.body.id))).length).toBe(1);
  });
});
