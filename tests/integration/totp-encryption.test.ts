// TOTP secrets at rest: AES-GCM under TOTP_ENCRYPTION_KEYS, key id beside the ciphertext, rows from before
// encryption still work and are re-encrypted on their next use, keys rotate, production refuses the dev key.
import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../worker/app';
import { totp } from '../../worker/platform/identity/totp';
import { DEV_TOTP_KID, openTotpSecret, sealTotpSecret } from '../../worker/platform/identity/totp-crypto';
import type { Env } from '../../worker/env';
import { BASE, adminToken, api, createUser } from '../helpers';

const code = (secret: string, offsetSteps = 0) => totp(secret, Date.now() + offsetSteps * 30_000);
const NEW_KEY = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
const devKeys = JSON.parse(env.TOTP_ENCRYPTION_KEYS!) as Record<string, string>;
/** after a rotation: the dev key still decrypts, "new-1" encrypts */
const rotated: Env = {
  ...env,
  TOTP_ENCRYPTION_KEYS: JSON.stringify({ ...devKeys, 'new-1': NEW_KEY }),
  TOTP_ENCRYPTION_KID: 'new-1',
};
/** later still: the dev key is gone */
const onlyNew: Env = {
  ...env,
  TOTP_ENCRYPTION_KEYS: JSON.stringify({ 'new-1': NEW_KEY }),
  TOTP_ENCRYPTION_KID: 'new-1',
};

const stored = (userId: number) =>
  env.DB.prepare('SELECT user_id, secret, secret_key_id FROM totp_factors WHERE user_id = ?')
    .bind(userId)
    .first<{ user_id: number; secret: string; secret_key_id: string | null }>();

/** The whole sign-in with a TOTP code, against the Worker built with `e`. */
async function signInWithCode(e: Env, u: { username: string; password: string }, c: string) {
  const { app } = createApp();
  const post = (path: string, body: BodyInit, type: string) =>
    app.fetch(new Request(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': type }, body }), e);
  const grant = await post(
    '/api/token',
    new URLSearchParams({ username: u.username, password: u.password }).toString(),
    'application/x-www-form-urlencoded',
  );
  const ticket = (await grant.json()) as { mfa_token: string };
  expect(grant.status).toBe(401);
  const res = await post(
    '/api/mfa/verify',
    JSON.stringify({ mfa_token: ticket.mfa_token, method: 'totp', code: c }),
    'application/json',
  );
  return res.status;
}

let admin: string;
beforeAll(async () => {
  admin = await adminToken();
});

async function enrolled() {
  const u = await createUser('viewer', admin);
  const setup = await api('/api/mfa/totp/setup', { token: u.token, method: 'POST' });
  expect(setup.status, setup.text).toBe(200);
  const secret = setup.body.secret as string;
  const confirm = await api('/api/mfa/totp/confirm', { token: u.token, json: { code: await code(secret) } });
  expect(confirm.status, confirm.text).toBe(200);
  return { ...u, secret };
}

describe('TOTP secrets encrypted at rest', () => {
  it('the stored value is not the secret: AES-GCM with a 96-bit IV, key id beside it', async () => {
    const u = await enrolled();
    const row = (await stored(u.id))!;
    expect(row.secret_key_id).toBe(DEV_TOTP_KID);
    expect(row.secret).not.toContain(u.secret);
    const bytes = Uint8Array.from(atob(row.secret.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    // 12 bytes of IV, 32 of base32 text, 16 of tag
    expect(bytes.length).toBe(12 + 32 + 16);
    expect(await openTotpSecret(env, row)).toEqual({ secret: u.secret, stale: false });
    // the same secret sealed twice: a fresh IV each time
    const [a, b] = await Promise.all([sealTotpSecret(env, u.id, u.secret), sealTotpSecret(env, u.id, u.secret)]);
    expect(a.secret).not.toBe(b.secret);
    expect(a.secret.slice(0, 16)).not.toBe(b.secret.slice(0, 16));
  });

  it("a ciphertext moved onto another user's row does not decrypt", async () => {
    const u = await enrolled();
    const row = (await stored(u.id))!;
    await expect(openTotpSecret(env, { ...row, user_id: u.id + 1 })).rejects.toThrow();
  });

  it('a row written in the clear before encryption still signs in, and is encrypted on that use', async () => {
    const u = await enrolled();
    await env.DB.prepare('UPDATE totp_factors SET secret = ?, secret_key_id = NULL WHERE user_id = ?')
      .bind(u.secret, u.id)
      .run();
    expect(await signInWithCode(env, u, await code(u.secret, 1))).toBe(200);
    const row = (await stored(u.id))!;
    expect(row.secret_key_id).toBe(DEV_TOTP_KID);
    expect(row.secret).not.toBe(u.secret);
    expect((await openTotpSecret(env, row)).secret).toBe(u.secret);
  });

  it('rotation: the old key still decrypts, the next use re-encrypts under the new key, new set-ups use it', async () => {
    const u = await enrolled();
    expect(await signInWithCode(rotated, u, await code(u.secret, 1))).toBe(200);
    const row = (await stored(u.id))!;
    expect(row.secret_key_id).toBe('new-1');
    // the old key can now go (codes are one per 30 s step: the row is read directly here)
    expect(await openTotpSecret(onlyNew, row)).toEqual({ secret: u.secret, stale: false });
    const fresh = await sealTotpSecret(rotated, 42, 'JBSWY3DPEHPK3PXP');
    expect(fresh.secret_key_id).toBe('new-1');
    expect(await openTotpSecret(onlyNew, { user_id: 42, ...fresh })).toEqual({
      secret: 'JBSWY3DPEHPK3PXP',
      stale: false,
    });
  });

  it('production refuses the development key, and a missing key', async () => {
    const production: Env = { ...env, ENVIRONMENT: 'production' };
    await expect(sealTotpSecret(production, 1, 'JBSWY3DPEHPK3PXP')).rejects.toThrow(/development key/);
    const renamed = { ...production, TOTP_ENCRYPTION_KEYS: JSON.stringify({ mine: devKeys[DEV_TOTP_KID] }) };
    await expect(sealTotpSecret({ ...renamed, TOTP_ENCRYPTION_KID: 'mine' }, 1, 'X')).rejects.toThrow(/development/);
    const unset = { ...production, TOTP_ENCRYPTION_KEYS: undefined, TOTP_ENCRYPTION_KID: undefined };
    await expect(sealTotpSecret(unset, 1, 'X')).rejects.toThrow(/TOTP_ENCRYPTION_KEYS/);
    const own = {
      ...production,
      TOTP_ENCRYPTION_KEYS: JSON.stringify({ 'prod-1': NEW_KEY }),
      TOTP_ENCRYPTION_KID: 'prod-1',
    };
    expect((await sealTotpSecret(own, 1, 'X')).secret_key_id).toBe('prod-1');
    // a key that is not 32 bytes is refused, not silently weakened
    const short = { ...own, TOTP_ENCRYPTION_KEYS: JSON.stringify({ 'prod-1': btoa('too short') }) };
    await expect(sealTotpSecret(short, 1, 'X')).rejects.toThrow(/32 random bytes/);
  });
});
