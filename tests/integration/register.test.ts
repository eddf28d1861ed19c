import { beforeAll, describe, expect, it } from 'vitest';
import { adminToken, api, auditRows, expectProblem, login } from '../helpers';

// the spec's example body
const JOHN = {
  username: 'john_doe',
  email: 'john@example.com',
  password: 'secure_password',
  full_name: 'John Doe',
  role: 'operator',
};

// the default admin only appears while the users table is empty: sign in once before anyone registers
beforeAll(async () => {
  await adminToken();
});

describe('POST /api/register', () => {
  it('self-registration creates a viewer and records the requested role', async () => {
    const res = await api('/api/register', { json: JOHN });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      username: 'john_doe',
      email: 'john@example.com',
      full_name: 'John Doe',
      role: 'viewer',
      requested_role: 'operator',
      disabled: false,
      clearance: 'Internal',
    });
    expect(res.body.id).toEqual(expect.any(Number));
    expect(res.body).not.toHaveProperty('password_hash');
    expect(res.text).not.toContain('secure_password');

    // the new account signs in and holds only the viewer permissions
    const token = await login('john_doe', 'secure_password');
    const me = await api('/api/users/me', { token });
    expect(me.body).toMatchObject({
      role: 'viewer',
      requested_role: 'operator',
      permissions: ['inventory:read', 'alerts:read'],
    });

    // audited as an anonymous create, without the password hash
    const [entry] = await auditRows(
      "entity_type = 'user' AND action = 'create' AND entity_id = ?",
      String(res.body.id),
    );
    expect(entry.actor).toBe('anonymous');
    expect(entry.after).toMatchObject({ username: 'john_doe', role: 'viewer', requested_role: 'operator' });
    expect(entry.after).not.toHaveProperty('password_hash');
  });

  it('an admin registering someone grants the role directly', async () => {
    const admin = await adminToken();
    const res = await api('/api/register', {
      token: admin,
      json: { ...JOHN, username: 'jane_roe', email: 'jane@example.com', role: 'auditor' },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ username: 'jane_roe', role: 'auditor', requested_role: null });

    // a non-admin's token does not grant roles
    const viewer = await login('john_doe', 'secure_password');
    const res2 = await api('/api/register', {
      token: viewer,
      json: { ...JOHN, username: 'sneaky_one', email: 'sneaky@example.com', role: 'admin' },
    });
    expect(res2.status).toBe(201);
    expect(res2.body).toMatchObject({ role: 'viewer', requested_role: 'admin' });
  });

  it('refuses a taken username (case-insensitively) or email with a 409 naming the field', async () => {
    const dupUser = await api('/api/register', { json: { ...JOHN, username: 'JOHN_DOE', email: 'other@example.com' } });
    expect(expectProblem(dupUser, 409, ['username'], true).detail).toContain('JOHN_DOE');
    const dupEmail = await api('/api/register', { json: { ...JOHN, username: 'john_two', email: 'John@Example.com' } });
    expectProblem(dupEmail, 409, ['email'], true);
    const both = await api('/api/register', { json: { ...JOHN, username: 'John_Doe', email: 'JOHN@example.com' } });
    expectProblem(both, 409, ['username', 'email'], true);
  });

  it('names every invalid field in a 422', async () => {
    const base = { username: 'new_person', email: 'new@example.com', password: 'Lots-of-Entropy-42' };
    const cases: [Record<string, unknown>, string[]][] = [
      [{ ...base, password: 'short' }, ['password']],
      [{ ...base, password: 'aaaaaaaaaaaaaaaaaaaa' }, ['password']],
      [{ ...base, password: 'ababababababab' }, ['password']],
      [{ ...base, password: 'my-New_Person-pass' }, ['password']],
      [{ ...base, email: 'not-an-email' }, ['email']],
      [{ ...base, role: 'superuser' }, ['role']],
      [{ ...base, username: 'x' }, ['username']],
      [{ ...base, username: 'bad name!' }, ['username']],
      [{ username: 'new_person' }, ['email', 'password']],
      [{ username: 'ok_user', email: 'nope', password: 'short', role: 'root' }, ['email', 'password', 'role']],
    ];
    for (const [body, fields] of cases) {
      const res = await api('/api/register', { json: body });
      expectProblem(res, 422, fields, true);
    }
    const containsName = await api('/api/register', { json: { ...base, password: 'xx-NEW_PERSON-xx' } });
    expect(expectProblem(containsName, 422, ['password']).errors![0].message).toMatch(/username/);
    // nothing was created by any of these
    expect((await auditRows("entity_type = 'user' AND after LIKE '%new_person%'")).length).toBe(0);
  });
});

describe('PATCH /api/users/{id}', () => {
  it('an admin approves the requested role', async () => {
    const admin = await adminToken();
    const list = await api('/api/users?pending=true', { token: admin });
    expect(list.status).toBe(200);
    const john = list.body.find((u: any) => u.username === 'john_doe');
    expect(john).toMatchObject({ role: 'viewer', requested_role: 'operator' });

    const res = await api(`/api/users/${john.id}`, {
      method: 'PATCH',
      token: admin,
      json: { approve_requested_role: true },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ role: 'operator', requested_role: null });

    const token = await login('john_doe', 'secure_password');
    expect((await api('/api/users/me', { token })).body.permissions).toEqual([
      'inventory:read',
      'inventory:write',
      'metrics:ingest',
      'alerts:read',
      'alerts:respond',
      'alerts:configure',
      'vms:operate',
      'agents:connect',
    ]);
    // no request left to approve
    expectProblem(
      await api(`/api/users/${john.id}`, { method: 'PATCH', token: admin, json: { approve_requested_role: true } }),
      422,
      ['approve_requested_role'],
    );
    const [entry] = await auditRows("entity_type = 'user' AND action = 'update' AND entity_id = ?", String(john.id));
    expect(entry.before).toMatchObject({ role: 'viewer', requested_role: 'operator' });
    expect(entry.after).toMatchObject({ role: 'operator', requested_role: null });
  });

  it('declining a requested role keeps the role and clears the request', async () => {
    const admin = await adminToken();
    const reg = await api('/api/register', {
      json: { username: 'wants_admin', email: 'wa@example.com', password: 'Pretty-Good-Pass-1', role: 'admin' },
    });
    const res = await api(`/api/users/${reg.body.id}`, {
      method: 'PATCH',
      token: admin,
      json: { approve_requested_role: false },
    });
    expect(res.body).toMatchObject({ role: 'viewer', requested_role: null });
  });

  it('an admin cannot demote or disable themselves', async () => {
    const admin = await adminToken();
    for (const body of [{ role: 'viewer' }, { disabled: true }, { role: 'operator', disabled: true }]) {
      const res = await api('/api/users/1', { method: 'PATCH', token: admin, json: body });
      expectProblem(res, 403);
    }
    const me = await api('/api/users/me', { token: admin });
    expect(me.body).toMatchObject({ role: 'admin', disabled: false });
    // harmless changes to oneself are allowed
    const ok = await api('/api/users/1', { method: 'PATCH', token: admin, json: { full_name: 'Root Admin' } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.full_name).toBe('Root Admin');
  });

  it('refuses an email another user holds', async () => {
    const admin = await adminToken();
    const res = await api('/api/users/1', { method: 'PATCH', token: admin, json: { email: 'JOHN@example.com' } });
    expectProblem(res, 409, ['email'], true);
  });
});

describe('common passwords', () => {
  it('refuses a password from the common list with a 422 naming the field', async () => {
    const res = await api('/api/register', {
      json: { username: 'common-pw', email: 'common-pw@example.com', password: 'Password2026!' },
    });
    const p = expectProblem(res, 422, ['password']);
    expect(p.errors?.[0].message).toMatch(/most common passwords/);
  });
});
