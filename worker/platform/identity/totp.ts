/**
 * TOTP (RFC 6238) over HOTP (RFC 4226) with WebCrypto: HMAC-SHA1, 30-second steps, 6 digits, ±1 step of clock
 * drift. Pure: no database, no clock of its own (callers pass the time), so the RFC test vectors apply directly.
 */

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_ISSUER = 'DC Platform';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case, without padding (what authenticator apps expect in otpauth:// URIs). */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decode base32; case, spaces, dashes and padding are ignored (people type secrets by hand). */
export function base32Decode(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const i = ALPHABET.indexOf(ch);
    if (i < 0) throw new Error(`not base32: "${ch}"`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** A new random secret: 20 bytes (160 bits, the HMAC-SHA1 block the RFC recommends), base32. */
export const newTotpSecret = () => base32Encode(crypto.getRandomValues(new Uint8Array(20)));

/** HOTP (RFC 4226 § 5.3): HMAC-SHA1 of the 8-byte big-endian counter, dynamic truncation, `digits` digits. */
export async function hotp(secret: Uint8Array, counter: number, digits = TOTP_DIGITS): Promise<string> {
  const msg = new Uint8Array(8);
  let c = counter;
  for (let i = 7; i >= 0; i--) {
    msg[i] = c & 255;
    c = Math.floor(c / 256);
  }
  const key = await crypto.subtle.importKey(
    'raw',
    secret as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-1' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, msg));
  const offset = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** The time step of a moment (ms since the epoch). */
export const stepAt = (timeMs: number) => Math.floor(timeMs / 1000 / TOTP_STEP_SECONDS);

/** TOTP (RFC 6238) of a base32 secret at `timeMs`. */
export const totp = (secretB32: string, timeMs: number, digits = TOTP_DIGITS) =>
  hotp(base32Decode(secretB32), stepAt(timeMs), digits);

/** Constant-time comparison of two digit strings of equal length. */
function sameCode(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Check a code against the steps around `timeMs` (±`window`). Returns the matching step, or null. Steps at or
 * before `lastUsedStep` never match: a code (or an older one) cannot be replayed once accepted.
 */
export async function verifyTotp(
  secretB32: string,
  code: string,
  timeMs: number,
  opts: { window?: number; lastUsedStep?: number | null } = {},
): Promise<number | null> {
  const clean = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(clean)) return null;
  const secret = base32Decode(secretB32);
  const now = stepAt(timeMs);
  const window = opts.window ?? 1;
  let found: number | null = null;
  // check every candidate step (no early exit), so timing says nothing about which step matched
  for (let s = now - window; s <= now + window; s++) {
    if (sameCode(await hotp(secret, s), clean) && found === null) found = s;
  }
  if (found === null) return null;
  if (opts.lastUsedStep != null && found <= opts.lastUsedStep) return null;
  return found;
}

/** The otpauth:// URI (Google Authenticator key URI format) that authenticator apps read from the QR code. */
export function otpauthUri(secretB32: string, account: string, issuer = TOTP_ISSUER): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const q = new URLSearchParams({
    secret: secretB32,
    issuer,
    algorithm: 'SHA1',
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${q.toString().replace(/\+/g, '%20')}`;
}
