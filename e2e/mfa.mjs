// Browser test: TOTP second factor (see e2e/lib/harness.mjs for the server, the browser and the step runner).
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { browserSuite, expect, log, SHOTS } from './lib/harness.mjs';

// ---- RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits), the same algorithm as worker/platform/identity/totp.ts -------------------
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.toUpperCase().replace(/[\s=-]/g, '')) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
function totp(secret, timeMs = Date.now()) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(timeMs / 30_000)));
  const mac = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const o = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

await browserSuite('mfa', { port: 8740 }, async ({ page, context, origin, step }) => {
  const url = (p) => `${origin}${p}`;
  const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const settle = () => page.waitForTimeout(250);
  let secret;
  let codes = [];
  const passwordStep = async () => {
    await page.evaluate(() => fetch('/api/session', { method: 'DELETE' }));
    await page.goto(url('/login'));
    await page.fill('#username', 'admin');
    await page.fill('#password', 'admin123');
    await page.click('button[type=submit]');
    await page.locator('[data-testid=mfa-step]').waitFor();
  };

  await step(
    'sign in with the password alone (no second factor yet)',
    async () => {
      await page.goto(url('/login'));
      await page.fill('#username', 'admin');
      await page.fill('#password', 'admin123');
      await page.click('button[type=submit]');
      await page.waitForURL((u) => u.pathname === '/');
    },
    page,
  );

  await step(
    'set up the authenticator app on the Security page: QR code and key, confirm with a code',
    async () => {
      await page.goto(url('/security'));
      const panel = page.locator('[data-testid=totp-panel]');
      await panel.locator('[data-testid=totp-status]:has-text("Off")').waitFor();
      await page.click('[data-testid=totp-setup]');
      await page.locator('[data-testid=totp-qr] svg').waitFor();
      secret = await page.locator('[data-testid=totp-secret]').getAttribute('data-secret');
      expect(/^[A-Z2-7]{32}$/.test(secret ?? ''), `secret: ${secret}`);
      await settle();
      await shot('mfa-totp-setup');
      await page.fill('[data-testid=totp-code]', '000000');
      await page.click('[data-testid=totp-confirm]');
      await page.locator('dialog .error:has-text("not right")').waitFor();
      await page.fill('[data-testid=totp-code]', totp(secret));
      await page.click('[data-testid=totp-confirm]');
      await page.locator('[data-testid=recovery-codes]').waitFor();
      codes = await page.locator('[data-testid=recovery-code]').allInnerTexts();
      expect(codes.length === 10, `codes: ${codes}`);
      expect(
        codes.every((c) => /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/.test(c)),
        `codes: ${codes}`,
      );
      await settle();
      await shot('mfa-recovery-codes');
      await page.click('[data-testid=codes-done]');
      await panel.locator('[data-testid=totp-status]:has-text("On")').waitFor();
      await panel.locator('[data-testid=recovery-remaining]:has-text("10 of 10")').waitFor();
      await settle();
      await shot('mfa-security-panel');
    },
    page,
  );

  await step(
    'sign in again: the password asks for a code; a wrong one is refused inline; the right one signs in',
    async () => {
      await passwordStep();
      const input = page.locator('[data-testid=mfa-code]');
      expect(await input.evaluate((el) => el === document.activeElement), 'the code input has the focus');
      expect((await input.getAttribute('inputmode')) === 'numeric', 'numeric keyboard');
      await input.fill('000000');
      await page.click('[data-testid=mfa-submit]');
      await page.locator('[data-testid=mfa-error]').waitFor();
      await settle();
      await shot('mfa-login-code');
      // the confirmation used the current time step: the next one is fresh (the server allows one step of drift)
      await input.fill(totp(secret, Date.now() + 30_000));
      await page.click('[data-testid=mfa-submit]');
      await page.waitForURL((u) => u.pathname === '/');
      const me = await page.evaluate(() => fetch('/api/users/me').then((r) => r.json()));
      expect(me.username === 'admin', `me: ${JSON.stringify(me)}`);
    },
    page,
  );

  await step(
    'sign in with a recovery code instead; it works once',
    async () => {
      await passwordStep();
      await page.click('[data-testid=mfa-toggle-recovery]');
      await page.locator('label[for=mfa-code]:has-text("Recovery code")').waitFor();
      await page.fill('[data-testid=mfa-code]', codes[0]);
      await settle();
      await shot('mfa-login-recovery');
      await page.click('[data-testid=mfa-submit]');
      await page.waitForURL((u) => u.pathname === '/');
      await passwordStep();
      await page.click('[data-testid=mfa-toggle-recovery]');
      await page.fill('[data-testid=mfa-code]', codes[0]);
      await page.click('[data-testid=mfa-submit]');
      await page.locator('[data-testid=mfa-error]:has-text("already used")').waitFor();
    },
    page,
  );

  await step(
    'the Security page counts the recovery code as used; admins see the per-role policy on Users',
    async () => {
      await page.locator('[data-testid=mfa-code]').fill(codes[1]);
      await page.click('[data-testid=mfa-submit]');
      await page.waitForURL((u) => u.pathname === '/');
      await page.goto(url('/security'));
      await page.locator('[data-testid=recovery-remaining]:has-text("8 of 10")').waitFor();
      await page.goto(url('/users'));
      await page.locator('[data-testid=mfa-policy]').waitFor();
      await settle();
      await shot('mfa-users-policy');
    },
    page,
  );
});
