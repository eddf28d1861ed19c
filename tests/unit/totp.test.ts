import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  hotp,
  newTotpSecret,
  otpauthUri,
  stepAt,
  totp,
  verifyTotp,
} from '../../worker/platform/identity/totp';

const RFC_SECRET = new TextEncoder().encode('12345678901234567890');
const RFC_B32 = base32Encode(RFC_SECRET);

describe('base32 (RFC 4648)', () => {
  it('encodes and decodes the RFC test strings', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, b32] of cases) {
      expect(base32Encode(new TextEncoder().encode(plain))).toBe(b32);
      expect(new TextDecoder().decode(base32Decode(b32))).toBe(plain);
    }
    expect(RFC_B32).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('ignores case, spaces, dashes and padding, and refuses other characters', () => {
    expect(base32Decode('mzxw 6ytb-oi======')).toEqual(new TextEncoder().encode('foobar'));
    expect(() => base32Decode('MZXW1')).toThrow(/base32/);
  });

  it('new secrets are 160 random bits', () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a)).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(a);
  });
});

describe('HOTP (RFC 4226 Appendix D)', () => {
  it('matches the test values', async () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    for (let i = 0; i < expected.length; i++) expect(await hotp(RFC_SECRET, i)).toBe(expected[i]);
  });
});

describe('TOTP (RFC 6238 Appendix B, SHA1)', () => {
  const vectors: [number, string][] = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  it('gives the 8-digit test vectors', async () => {
    for (const [t, code] of vectors) expect(await totp(RFC_B32, t * 1000, 8)).toBe(code);
  });
  it('truncates to 6 digits by default (the last six of the 8-digit value)', async () => {
    for (const [t, code] of vectors) expect(await totp(RFC_B32, t * 1000)).toBe(code.slice(2));
  });
});

describe('verifyTotp', () => {
  const t = 1111111109_000;
  it('accepts the current step and one step either side, not two', async () => {
    const now = stepAt(t);
    for (const d of [-1, 0, 1]) {
      expect(await verifyTotp(RFC_B32, await totp(RFC_B32, t + d * 30_000), t)).toBe(now + d);
    }
    expect(await verifyTotp(RFC_B32, await totp(RFC_B32, t - 60_000), t)).toBeNull();
    expect(await verifyTotp(RFC_B32, await totp(RFC_B32, t + 60_000), t)).toBeNull();
  });
  it('refuses steps at or before the last used one (replay), and malformed codes', async () => {
    const code = await totp(RFC_B32, t);
    expect(await verifyTotp(RFC_B32, code, t, { lastUsedStep: stepAt(t) })).toBeNull();
    expect(await verifyTotp(RFC_B32, code, t, { lastUsedStep: stepAt(t) - 1 })).toBe(stepAt(t));
    expect(await verifyTotp(RFC_B32, ` ${code.slice(0, 3)} ${code.slice(3)} `, t)).toBe(stepAt(t));
    expect(await verifyTotp(RFC_B32, '12345', t)).toBeNull();
    expect(await verifyTotp(RFC_B32, 'abcdef', t)).toBeNull();
  });
});

describe('otpauthUri', () => {
  it('names the issuer and the account', () => {
    const uri = otpauthUri('JBSWY3DPEHPK3PXP', 'ops.lead');
    expect(uri).toBe(
      'otpauth://totp/DC%20Platform:ops.lead?secret=JBSWY3DPEHPK3PXP&issuer=DC%20Platform&algorithm=SHA1&digits=6&period=30',
    );
  });
});
