// Password hashing format and limits; datacenter tier normalisation.
import { isCommonPassword } from '../../worker/platform/identity/common-passwords';
import { throttle } from '../../worker/platform/identity/throttle';
import { describe, expect, it } from 'vitest';
import {
  MAX_ITERATIONS,
  burnPasswordCheck,
  hashPassword,
  verifyPassword,
} from '../../worker/platform/identity/passwords';
import * as v from 'valibot';
import { DatacenterCreate, normalizeTier } from '../../worker/dcim/schemas/datacenter';

const FORMAT = /^pbkdf2-sha256\$(\d+)\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$/; // 16-byte salt, 32-byte hash, unpadded

describe('hashPassword / verifyPassword', () => {
  it('hashes with 100000 PBKDF2-SHA256 iterations by default, in the documented format', async () => {
    expect(MAX_ITERATIONS).toBe(100_000);
    const hash = await hashPassword('correct horse battery staple');
    const m = FORMAT.exec(hash);
    expect(m, hash).not.toBeNull();
    expect(m![1]).toBe('100000');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = [await hashPassword('same', 1000), await hashPassword('same', 1000)];
    expect(a).not.toBe(b);
    expect(a.split('$')[2]).not.toBe(b.split('$')[2]);
    expect(await verifyPassword('same', a)).toBe(true);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('stores the iteration count, clamped to 1000..100000', async () => {
    expect((await hashPassword('pw', 1000)).split('$')[1]).toBe('1000');
    expect((await hashPassword('pw', 10)).split('$')[1]).toBe('1000');
    expect((await hashPassword('pw', 250_000)).split('$')[1]).toBe('100000');
  });

  it('refuses a stored hash above 100000 iterations, or malformed, instead of deriving it', async () => {
    const good = await hashPassword('pw', 1000);
    const [, , salt, hash] = good.split('$');
    expect(await verifyPassword('pw', good)).toBe(true);
    expect(await verifyPassword('pw', `pbkdf2-sha256$100001$${salt}$${hash}`)).toBe(false);
    expect(await verifyPassword('pw', `pbkdf2-sha256$5000000$${salt}$${hash}`)).toBe(false);
    expect(await verifyPassword('pw', `pbkdf2-sha1$1000$${salt}$${hash}`)).toBe(false);
    expect(await verifyPassword('pw', `pbkdf2-sha256$1000.5$${salt}$${hash}`)).toBe(false);
    expect(await verifyPassword('pw', `pbkdf2-sha256$1000$${salt}$`)).toBe(false);
    expect(await verifyPassword('pw', `pbkdf2-sha256$1000$${salt}$${hash.slice(0, -4)}AAAA`)).toBe(false);
    expect(await verifyPassword('pw', 'plaintext')).toBe(false);
    // the same salt and hash at another iteration count is another hash
    expect(await verifyPassword('pw', `pbkdf2-sha256$1001$${salt}$${hash}`)).toBe(false);
  });

  it('burns a check against a dummy hash for unknown users, matching nothing', async () => {
    expect(await burnPasswordCheck('admin123')).toBe(false);
  });
});

describe('normalizeTier', () => {
  it.each([
    ['Tier 3', 'Tier 3'],
    ['Tier III', 'Tier 3'],
    ['III', 'Tier 3'],
    ['iii', 'Tier 3'],
    ['3', 'Tier 3'],
    ['tier3', 'Tier 3'],
    ['  TIER iv ', 'Tier 4'],
    ['I', 'Tier 1'],
    ['II', 'Tier 2'],
    ['Tier 1', 'Tier 1'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeTier(input)).toBe(expected);
  });

  it('turns numbers into "Tier n"', () => {
    expect(normalizeTier(3)).toBe('Tier 3');
    expect(normalizeTier(1)).toBe('Tier 1');
  });

  it('leaves what it does not recognise for the picklist to refuse', () => {
    expect(normalizeTier('Tier 5')).toBe('Tier 5');
    expect(normalizeTier('V')).toBe('V');
    expect(normalizeTier('IIII')).toBe('IIII');
    expect(normalizeTier('')).toBe('');
  });

  it('is applied by the datacenter schema', () => {
    expect(v.parse(DatacenterCreate, { name: 'x', tier: 'III' }).tier).toBe('Tier 3');
    expect(v.parse(DatacenterCreate, { name: 'x', tier: 4 }).tier).toBe('Tier 4');
    expect(v.safeParse(DatacenterCreate, { name: 'x', tier: 5 }).success).toBe(false);
    expect(v.safeParse(DatacenterCreate, { name: 'x', tier: 'Tier 9' }).success).toBe(false);
  });
});

describe('throttle (sign-in failures)', () => {
  const limits = { maxFailures: 3, windowMs: 15 * 60_000 };
  const now = Date.parse('2026-11-30T12:00:00.000Z');
  const at = (min: number, ok = false) => ({ ts: new Date(now - min * 60_000).toISOString(), ok });

  it('allows fewer failures than the limit', () => {
    expect(throttle([at(5), at(4)], now, limits)).toEqual({ blocked: false, retryAfter: 0 });
  });

  it('blocks at the limit until the oldest counted failure leaves the window', () => {
    // failures 10, 6 and 2 minutes ago; the one 10 minutes ago leaves the 15-minute window in 5 minutes
    expect(throttle([at(10), at(6), at(2)], now, limits)).toEqual({ blocked: true, retryAfter: 300 });
    // with 4 failures (12, 10, 6, 2 min ago) two must age out: the one 10 minutes ago, in 5 minutes
    expect(throttle([at(12), at(10), at(6), at(2)], now, limits)).toEqual({ blocked: true, retryAfter: 300 });
  });

  it('ignores failures outside the window and those before the last success', () => {
    expect(throttle([at(20), at(16), at(2)], now, limits).blocked).toBe(false);
    expect(throttle([at(9), at(8), at(7, true), at(2)], now, limits).blocked).toBe(false);
  });
});

describe('isCommonPassword', () => {
  it('finds listed passwords and listed words dressed with digits and symbols', async () => {
    expect(await isCommonPassword('qwerty123456')).toBe(true); // on the list as is
    expect(await isCommonPassword('Password2026!')).toBe(true); // "password" + year + symbol
    expect(await isCommonPassword('!!Dragon1234')).toBe(true);
    expect(await isCommonPassword('DCPlatform2026')).toBe(true); // the product's own name
    expect(await isCommonPassword('jdoe-2026!!!', 'jdoe')).toBe(true); // the username
  });

  it('accepts passphrases and the spec example', async () => {
    expect(await isCommonPassword('secure_password')).toBe(false);
    expect(await isCommonPassword('correct horse battery staple')).toBe(false);
    expect(await isCommonPassword('Matrix-Pass-2026!')).toBe(false);
  });
});
