import { expect } from 'vitest';
import { api } from './api';
import { uniqueName } from './names';

export type RoleName = 'admin' | 'operator' | 'viewer' | 'auditor';
export const ADMIN = { username: 'admin', password: 'admin123' };

/** OAuth2 password grant (form-encoded); fails the test unless it answers 200. */
export async function login(username: string, password: string): Promise<string> {
  const res = await api('/api/token', { form: { username, password } });
  expect(res.status, `login ${username}: ${res.text}`).toBe(200);
  return res.body.access_token as string;
}

/** Token of the default admin (created by the first sign-in on an empty users table). */
export const adminToken = () => login(ADMIN.username, ADMIN.password);

export interface TestUser {
  id: number;
  username: string;
  password: string;
  role: RoleName;
  token: string;
}

/** Register a user with this role through the admin, sign them in, return everything about them. */
export async function createUser(role: RoleName, admin?: string): Promise<TestUser> {
  const token = admin ?? (await adminToken());
  const username = uniqueName(`u-${role}`).toLowerCase();
  const password = 'Correct-Horse-Battery-9';
  const res = await api('/api/register', {
    token,
    json: { username, email: `${username}@example.com`, password, full_name: `Test ${role}`, role },
  });
  expect(res.status, res.text).toBe(201);
  expect(res.body.role).toBe(role);
  return { id: res.body.id, username, password, role, token: await login(username, password) };
}

/** A bearer token of a fresh user holding `role` (registered through the admin). */
export async function asRole(role: RoleName, admin?: string): Promise<string> {
  if (role === 'admin' && !admin) return adminToken();
  return (await createUser(role, admin)).token;
}
