import { isProduction, type Env } from '../../env';

// optional here: production sets them as secrets, and a missing key must be refused with a clear message
type KeyEnv = Pick<Env, 'ENVIRONMENT'> & { TOTP_ENCRYPTION_KEYS?: string; TOTP_ENCRYPTION_KID?: string };
import { base64url } from './secrets';

/**
 * TOTP secrets at rest: AES-256-GCM (WebCrypto) under a key of TOTP_ENCRYPTION_KEYS (JSON {"kid": "base64 of 32
 * bytes"}); new secrets use TOTP_ENCRYPTION_KID. Stored value: base64url(96-bit random IV || ciphertext + tag),
 * with the key id in its own column so keys can rotate: an old kid keeps decrypting until its rows have been
 * re-encrypted (on their next use). The user id is bound in as additional data, so a ciphertext copied onto
 * another user's row does not decrypt. wrangler.toml carries a development key that is public; production refuses
 * it, as it refuses the development JWT_SECRET and AUDIT_SIGNING_KEY.
 */
export const DEV_TOTP_KID = 'dev-totp-1';
const DEV_TOTP_KEY = 'djW7mxp+IfSVilyk12/I78RQQOuaUXk2Ya0PvWCHmJg=';

export interface SealedSecret {
  secret: string;
  secret_key_id: string;
}

const b64ToBytes = (s: string) =>
  Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

interface Keyring {
  current: string;
  raw: Map<string, string>;
}

function keyring(env: KeyEnv): Keyring {
  const production = isProduction(env);
  const json = env.TOTP_ENCRYPTION_KEYS ?? (production ? '' : JSON.stringify({ [DEV_TOTP_KID]: DEV_TOTP_KEY }));
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('TOTP_ENCRYPTION_KEYS must be set to JSON {"kid": "base64 of a 32-byte key"}');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('TOTP_ENCRYPTION_KEYS must be a JSON object {"kid": "base64 of a 32-byte key"}');
  }
  const raw = new Map(Object.entries(parsed as Record<string, unknown>).map(([k, val]) => [k, String(val)]));
  const current = env.TOTP_ENCRYPTION_KID ?? (production ? '' : DEV_TOTP_KID);
  if (!raw.has(current)) throw new Error(`TOTP_ENCRYPTION_KID "${current}" is not a key of TOTP_ENCRYPTION_KEYS`);
  if (production && [...raw].some(([kid, key]) => kid === DEV_TOTP_KID || key === DEV_TOTP_KEY)) {
    throw new Error('TOTP_ENCRYPTION_KEYS must not hold the development key in production (wrangler secret put)');
  }
  return { current, raw };
}

async function aesKey(ring: Keyring, kid: string): Promise<CryptoKey> {
  const b64 = ring.raw.get(kid);
  if (b64 === undefined) throw new Error(`TOTP secret is encrypted under key "${kid}", not in TOTP_ENCRYPTION_KEYS`);
  let bytes: Uint8Array;
  try {
    bytes = b64ToBytes(b64);
  } catch {
    bytes = new Uint8Array(0);
  }
  if (bytes.length !== 32) throw new Error(`TOTP_ENCRYPTION_KEYS["${kid}"] must be the base64 of 32 random bytes`);
  return crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

const aadLabel = (userId: number) => `totp_factors:${userId}`;

/**
 * Seal any short secret at rest under the current key, bound to `context` (its table and row: a ciphertext copied
 * elsewhere does not open). TOTP secrets and notification channels' signing secrets use it.
 */
export async function sealText(env: KeyEnv, context: string, plain: string): Promise<SealedSecret> {
  const ring = keyring(env);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(context) },
    await aesKey(ring, ring.current),
    new TextEncoder().encode(plain),
  );
  const out = new Uint8Array(12 + ct.byteLength);
  out.set(iv);
  out.set(new Uint8Array(ct), 12);
  return { secret: base64url(out), secret_key_id: ring.current };
}

/** Open what sealText sealed for the same `context`. */
export async function openText(env: KeyEnv, context: string, sealed: string, kid: string): Promise<string> {
  const ring = keyring(env);
  const bytes = b64ToBytes(sealed);
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: bytes.slice(0, 12), additionalData: new TextEncoder().encode(context) },
    await aesKey(ring, kid),
    bytes.slice(12),
  );
  return new TextDecoder().decode(plain);
}

/** Encrypt a base32 secret for `userId` under the current key. */
export const sealTotpSecret = (env: KeyEnv, userId: number, secret: string): Promise<SealedSecret> =>
  sealText(env, aadLabel(userId), secret);

/**
 * The base32 secret of a stored row, and whether the row should be re-encrypted (written in the clear before
 * encryption existed, or under a key that is no longer the current one).
 */
export async function openTotpSecret(
  env: KeyEnv,
  row: { user_id: number; secret: string; secret_key_id: string | null },
): Promise<{ secret: string; stale: boolean }> {
  const ring = keyring(env);
  if (row.secret_key_id === null) return { secret: row.secret, stale: true };
  const plain = await openText(env, aadLabel(row.user_id), row.secret, row.secret_key_id);
  return { secret: plain, stale: row.secret_key_id !== ring.current };
}
