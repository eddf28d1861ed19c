// The browser-test harness every e2e/*.mjs suite runs in: its own `npm start`, as a user runs it, on a fresh
// local D1 (see startApp in scripts/lib/dev-server.mjs), Debian's Chromium driven by playwright-core over CDP, numbered steps with a
// screenshot on failure, and the closing "N passed, M failed" line CI reads. Exits 1 on any failure.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startApp } from '../../scripts/lib/dev-server.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHOTS = join(ROOT, 'e2e', 'screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const t0 = Date.now();
export const log = (...a) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s]`, ...a);

export function expect(cond, message) {
  if (!cond) throw new Error(message);
}

const portFree = (port) =>
  new Promise((resolve) => {
    const srv = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => srv.close(() => resolve(true)))
      .listen(port, '127.0.0.1');
  });

async function pickPort(from) {
  if (process.env.E2E_PORT) return Number(process.env.E2E_PORT);
  for (let p = from; p < from + 50; p++) if (await portFree(p)) return p;
  throw new Error(`no free port from ${from}`);
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

async function launchChromium(profile) {
  const chrome = spawn(
    CHROMIUM,
    [
      ...(process.env.E2E_HEADFUL ? [] : ['--headless']),
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
  const [, ws] = await waitForLine(chrome, /DevTools listening on (ws:\/\/\S+)/, 'chromium');
  return { chrome, browser: await chromium.connectOverCDP(ws) };
}

/**
 * Run one browser suite. `scenario` receives { page, context, origin, base, step, shot, log, expect, pageErrors }
 * and calls `step(name, fn)` for each check. `port` is where the search for a free port starts (suites may run
 * side by side; E2E_PORT fixes it). The server is `npm start` with nothing configured but PORT, so passkeys work
 * only if it derives its WebAuthn origin as it does for users. `env` adds `npm start` settings; by default the
 * suite starts from an empty database without the simulator (SEED=0, SIMULATE=0) and builds its own data.
 */
export async function browserSuite(name, { port: firstPort = 8788, env = {} } = {}, scenario) {
  let passed = 0;
  let failed = 0;
  const failures = [];
  let server;
  let chrome;
  let browser;
  const profile = mkdtempSync(join(tmpdir(), `dc-e2e-${name}-chromium-`));
  const stopAll = async () => {
    await browser?.close().catch(() => {});
    try {
      if (chrome) process.kill(-chrome.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await server?.stop();
    // chromium may still be writing its profile as it exits
    if (!process.env.E2E_KEEP) rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  process.once('SIGINT', () => stopAll().finally(() => process.exit(130)));
  process.once('SIGTERM', () => stopAll().finally(() => process.exit(143)));

  try {
    if (!existsSync(join(ROOT, 'build', 'index.html'))) throw new Error('build/ is missing: run `npm run build` first');
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
    mkdirSync(SHOTS, { recursive: true });
    for (const f of readdirSync(SHOTS)) if (f.startsWith(`FAILED-${name}-`)) rmSync(join(SHOTS, f));

    const port = await pickPort(firstPort);
    const origin = `http://localhost:${port}`;
    server = await startApp({ port, env: { SEED: '0', SIMULATE: '0', ...env } });
    log(`${name}: npm start running on ${origin}`);
    ({ chrome, browser } = await launchChromium(profile));
    const context = browser.contexts()[0];
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    page.setDefaultTimeout(15_000);
    const pageErrors = [];
    page.on('pageerror', (e) => {
      pageErrors.push(e.message);
      log('page error:', e.message);
    });

    const step = async (title, fn) => {
      const s = Date.now();
      try {
        await fn();
        passed++;
        log(`✓ ${title} (${Date.now() - s} ms)`);
      } catch (e) {
        failed++;
        failures.push(title);
        log(
          `✗ ${title}\n    ${String(e?.stack ?? e)
            .split('\n')
            .slice(0, 6)
            .join('\n    ')}`,
        );
        const file = join(SHOTS, `FAILED-${name}-${title.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      }
    };
    const shot = (file, fullPage = true) => page.screenshot({ path: join(SHOTS, `${file}.png`), fullPage });

    await scenario({ page, context, origin, base: `${origin}/api`, step, shot, log, expect, pageErrors });
    if (failed) console.error('--- npm start output (tail) ---\n' + server.log().slice(-3000));
  } catch (e) {
    failed++;
    failures.push('setup');
    console.error(`${name}: setup failed:`, e);
  } finally {
    await stopAll();
  }
  if (failures.length) console.log(`failed: ${failures.join('; ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

/** A bearer token for the default local admin, through the page's request context. */
export async function adminApiToken(page, origin) {
  const r = await page.request.post(`${origin}/api/token`, { form: { username: 'admin', password: 'admin123' } });
  const body = await r.json();
  if (!body.access_token) throw new Error(`token: ${r.status()} ${JSON.stringify(body)}`);
  return body.access_token;
}

/**
 * Signs the page in as the default local admin through the login form (as a person does) and returns `call`,
 * the same admin's JSON API client for fixtures: call(method, path under /api, body) → parsed JSON, failing the
 * step on a non-2xx answer.
 */
export async function signInAdmin(page, origin, expect) {
  await page.goto(`${origin}/login`);
  await page.fill('#username', 'admin');
  await page.fill('#password', 'admin123');
  await page.click('button[type=submit]');
  await page.waitForURL((u) => u.pathname === '/');
  const token = await adminApiToken(page, origin);
  return async (method, path, body) => {
    const r = await page.request.fetch(`${origin}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
      data: body,
    });
    expect(r.ok(), `${method} ${path}: ${r.status()} ${await r.text()}`);
    return r.json();
  };
}
