import { describe, expect, it } from 'vitest';
import { adminToken, api, createUser, expectProblem } from '../helpers';

// Own file: throttling locks accounts and addresses, which must not leak into other tests' storage.
const attempt = (username: string, password: string, ip?: string) =>
  api('/api/token', { form: { username, password }, headers: ip ? { 'CF-Connecting-IP': ip } : {} });

describe('sign-in throttling', () => {
  it('answers 429 with Retry-After after 5 failures on an account, even for the right password', async () => {
    const admin = await adminToken();
    const user = await createUser('viewer', admin);
    for (let i = 0; i < 5; i++) expectProblem(await attempt(user.username, 'wrong-password-123'), 401);
    const blocked = await attempt(user.username, user.password);
    const p = expectProblem(blocked, 429);
    const retry = Number(blocked.headers.get('Retry-After'));
    expect(retry).toBeGreaterThan(800); // the window is 15 minutes and the failures are seconds old
    expect(retry).toBeLessThanOrEqual(900);
    expect(p.detail).toMatch(/Try again in \d+ seconds/);
  });

  it('treats an unknown account exactly like a known one', async () => {
    for (let i = 0; i < 5; i++) expectProblem(await attempt('no-such-user', 'whatever-password'), 401);
    expectProblem(await attempt('no-such-user', 'whatever-password'), 429);
  });

  it('a success before the limit clears the account counter', async () => {
    const admin = await adminToken();
    const user = await createUser('viewer', admin);
    for (let i = 0; i < 4; i++) await attempt(user.username, 'wrong-password-123');
    expect((await attempt(user.username, user.password)).status).toBe(200);
    for (let i = 0; i < 4; i++) expectProblem(await attempt(user.username, 'wrong-password-123'), 401);
  });

  it('limits one client address across many account names', async () => {
    for (let i = 0; i < 20; i++) expectProblem(await attempt(`spray-${i}`, 'Summer2026!', '203.0.113.7'), 401);
    expectProblem(await attempt('spray-final', 'Summer2026!', '203.0.113.7'), 429);
    // another address is not affected
    expectProblem(await attempt('spray-final', 'Summer2026!', '203.0.113.8'), 401);
  });
});
