// Browser test: passkeys (see e2e/lib/harness.mjs for the server, the browser and the step runner).
import { join } from 'node:path';
import { browserSuite, expect, log, SHOTS } from './lib/harness.mjs';

await browserSuite('passkeys', { port: 8820 }, async ({ page, context, origin, step }) => {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  const url = (p) => `${origin}${p}`;
  const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  let rackId;

  await step(
    'sign in with the password',
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
    'add a passkey from the Security page',
    async () => {
      await page.goto(url('/security'));
      await page.locator('[data-testid=passkeys-empty]').waitFor();
      await page.click('[data-testid=add-passkey]');
      await page.fill('[data-testid=passkey-name]', 'E2E laptop');
      await page.click('[data-testid=passkey-save]');
      await page.locator('[data-testid=passkey-row][data-name="E2E laptop"]').waitFor();
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      expect(credentials.length === 1 && credentials[0].isResidentCredential, 'one resident credential stored');
      await page.waitForTimeout(300);
      await shot('passkeys-panel');
    },
    page,
  );

  await step(
    'rename the passkey',
    async () => {
      await page.click('[data-testid=passkey-row] button:has-text("Rename")');
      await page.fill('[data-testid=passkey-name]', 'E2E security key');
      await page.click('[data-testid=passkey-save]');
      await page.locator('[data-testid=passkey-row][data-name="E2E security key"]').waitFor();
    },
    page,
  );

  const createRack = (datacenter_id) =>
    page.evaluate(async (datacenter_id) => {
      const r = await fetch('/api/racks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'TS-VAULT-01', datacenter_id, security_zone: 'Top Secret' }),
      });
      return { status: r.status, body: await r.json() };
    }, datacenter_id);
  let dcId;

  await step(
    'the API refuses to create a Top Secret rack without a step-up (password session)',
    async () => {
      const dc = await page.evaluate(async () => {
        const r = await fetch('/api/datacenters', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'E2E-VAULT', location: 'Somewhere', tier: 'Tier 4' }),
        });
        return { status: r.status, body: await r.json() };
      });
      expect(dc.status === 201, `datacenter: ${dc.status} ${JSON.stringify(dc.body)}`);
      dcId = dc.body.id;
      const refused = await createRack(dcId);
      expect(
        refused.status === 403 && /step-up-required$/.test(refused.body.type) && refused.body.zone === 'Top Secret',
        `step-up expected: ${JSON.stringify(refused.body)}`,
      );
    },
    page,
  );

  await step(
    'sign out, then sign in with the passkey from the login page',
    async () => {
      await page.evaluate(() => fetch('/api/session', { method: 'DELETE' }));
      await page.goto(url('/login'));
      await page.locator('[data-testid=passkey-sign-in]').waitFor();
      await shot('login-passkey');
      await page.click('[data-testid=passkey-sign-in]');
      await page.waitForURL((u) => u.pathname === '/');
      const me = await page.evaluate(async () => (await fetch('/api/users/me')).json());
      expect(me.username === 'admin', `signed in as ${me.username}`);
    },
    page,
  );

  await step(
    'a verified passkey sign-in counts as a step-up: the API creates the Top Secret rack',
    async () => {
      const made = await createRack(dcId);
      expect(made.status === 201, `rack: ${made.status} ${JSON.stringify(made.body)}`);
      rackId = made.body.id;
    },
    page,
  );

  await step(
    'the Top Secret rack opens straight after a verified passkey sign-in',
    async () => {
      await page.goto(url(`/racks/${rackId}`));
      await page.getByText('TS-VAULT-01').first().waitFor();
      expect(!(await page.locator('[data-testid=step-up-dialog]').isVisible()), 'no step-up dialog expected');
    },
    page,
  );

  await step(
    'once the step-up is older than 5 minutes, opening the rack shows the step-up dialog; confirming shows the rack',
    async () => {
      // sign in again by password: a fresh session without a step-up (the same effect as 5 minutes passing)
      await page.evaluate(() => fetch('/api/session', { method: 'DELETE' }));
      await page.goto(url('/login'));
      await page.fill('#username', 'admin');
      await page.fill('#password', 'admin123');
      await page.click('button[type=submit]');
      await page.waitForURL((u) => u.pathname === '/');
      await page.goto(url(`/racks/${rackId}`));
      const dialog = page.locator('[data-testid=step-up-dialog]');
      await dialog.waitFor();
      const said = await dialog.innerText();
      expect(/This rack is in the\s+Top Secret\s+zone/.test(said), `dialog text: ${said}`);
      await page.waitForTimeout(200);
      await shot('step-up-dialog');
      await page.click('[data-testid=step-up-confirm]');
      await dialog.waitFor({ state: 'detached' });
      await page.locator('[data-testid=rack-elevation]').waitFor();
      await page.getByText('TS-VAULT-01').first().waitFor();
      await page.waitForTimeout(200);
      await shot('step-up-rack');
    },
    page,
  );

  await step(
    'revoke the passkey',
    async () => {
      await page.goto(url('/security'));
      await page.click('[data-testid=passkey-row] button:has-text("Revoke")');
      await page.locator('dialog button:has-text("Revoke passkey")').click();
      await page.locator('[data-testid=passkeys-empty]').waitFor();
    },
    page,
  );
});
