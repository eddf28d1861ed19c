// Browser test of passkeys and biometric step-up: wrangler dev on a fresh local D1 + Debian chromium over CDP with
// a virtual WebAuthn authenticator (ctap2, internal, resident keys, user verification). Needs `npm run build`.
// Prints "N passed, M failed" and exits 1 on any failure. Env: E2E_PASSKEYS_PORT, E2E_KEEP=1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHOTS = join(ROOT, 'e2e', 'screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler');
const ENV = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
const t0 = Date.now();
const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`, ...a);

const children = [];
const tempDirs = [];
let passed = 0;
let failed = 0;

const portFree = (port) =>
  new Promise((resolve) => {
    const srv = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => srv.close(() => resolve(true)))
      .listen(port, '127.0.0.1');
  });

async function pickPort() {
  if (process.env.E2E_PASSKEYS_PORT) return Number(process.env.E2E_PASSKEYS_PORT);
  // away from run.mjs (8788+) and the benches
  for (let p = 8820; p < 8870; p++) if (await portFree(p)) return p;
  throw new Error('no free port found from 8820');
}

function waitForLine(proc, re, label, ms = 60_000) {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${label}: timed out waiting for ${re}\n${buf.slice(-2000)}`)), ms);
    const onData = (d) => {
      buf += d.toString();
      const m = buf.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited early with ${code}\n${buf.slice(-2000)}`));
    });
  });
}

function cleanup() {
  for (const c of children.reverse()) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    try {
      process.kill(-c.pid, 'SIGTERM'); // its process group only (wrangler spawns workerd)
    } catch {
      /* gone */
    }
  }
  if (!process.env.E2E_KEEP) for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}

async function step(name, fn, page) {
  const s = Date.now();
  try {
    await fn();
    passed++;
    log(`✓ ${name} (${Date.now() - s} ms)`);
  } catch (e) {
    failed++;
    log(
      `✗ ${name}\n    ${String(e?.stack ?? e)
        .split('\n')
        .slice(0, 6)
        .join('\n    ')}`,
    );
    const file = join(SHOTS, `FAILED-passkeys-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await page?.screenshot({ path: file, fullPage: true }).catch(() => {});
  }
}
const expect = (cond, message) => {
  if (!cond) throw new Error(message);
};

async function main() {
  if (!existsSync(join(ROOT, 'build', 'index.html'))) throw new Error('build/ is missing: run `npm run build` first');
  mkdirSync(SHOTS, { recursive: true });

  const persist = mkdtempSync(join(tmpdir(), 'dc-e2e-passkeys-d1-'));
  tempDirs.push(persist);
  const mig = spawnSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persist], {
    cwd: ROOT,
    env: ENV,
    encoding: 'utf8',
  });
  if (mig.status !== 0) throw new Error(`migrations failed:\n${mig.stdout}\n${mig.stderr}`);

  const port = await pickPort();
  const origin = `http://localhost:${port}`; // the WebAuthn origin: RP_ID localhost, RP_ORIGIN this port
  const wrangler = spawn(
    WRANGLER,
    ['dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persist, '--var', `RP_ORIGIN:${origin}`],
    { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  children.push(wrangler);
  let wranglerLog = '';
  wrangler.stdout.on('data', (d) => (wranglerLog += d));
  wrangler.stderr.on('data', (d) => (wranglerLog += d));
  await waitForLine(wrangler, /Ready on/, 'wrangler dev');
  log('wrangler ready on', origin);

  const profile = mkdtempSync(join(tmpdir(), 'dc-e2e-passkeys-chromium-'));
  tempDirs.push(profile);
  const chrome = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      '--window-size=1280,900',
      'about:blank',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  children.push(chrome);
  const [, ws] = await waitForLine(chrome, /DevTools listening on (ws:\/\/\S+)/, 'chromium');
  const browser = await chromium.connectOverCDP(ws);
  const context = browser.contexts()[0];
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => log('page error:', e.message));

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

  try {
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
  } finally {
    await browser.close().catch(() => {});
    if (failed) console.error('--- wrangler log (tail) ---\n' + wranglerLog.slice(-3000));
  }
}

try {
  await main();
} catch (e) {
  failed++;
  console.error(e);
} finally {
  cleanup();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
