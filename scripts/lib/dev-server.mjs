// Starts the platform on a fresh, throwaway local database for tests and benchmarks, and stops it again:
// startApp runs `npm start` exactly as a user does (browser suites); startDevServer runs bare `wrangler dev`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const quietEnv = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };

/**
 * `stateDir`: persist there (and keep it on stop), e.g. to restart on the state a killed server left.
 * `kill()` is a kill -9 of the whole process group, leaving the state as the crash left it.
 * @param {{ port: number, vars?: Record<string,string>, timeoutMs?: number, stateDir?: string }} opts
 * @returns {Promise<{ base: string, origin: string, log: () => string, stop: () => Promise<void>, kill: () => Promise<void> }>}
 */
export async function startDevServer({ port, vars = {}, timeoutMs = 60_000, stateDir }) {
  const state = stateDir ?? mkdtempSync(join(tmpdir(), 'dc-platform-state-'));
  mkdirSync('build', { recursive: true }); // wrangler refuses to start without the assets directory
  const migrate = spawnSync('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], {
    env: quietEnv,
    encoding: 'utf8',
  });
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

  const varArgs = Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const proc = spawn(
    'wrangler',
    [
      'dev',
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--persist-to',
      state,
      '--show-interactive-dev-session=false',
      ...varArgs,
    ],
    { env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`wrangler dev not ready after ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (buf) => {
      output += buf;
      if (/Ready on/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wrangler dev exited with ${code}:\n${output}`));
    });
  });
  proc.removeAllListeners('exit');
  const origin = `http://localhost:${port}`;
  return {
    origin,
    base: `${origin}/api`,
    log: () => output,
    async stop() {
      try {
        process.kill(-proc.pid, 'SIGTERM'); // the whole process group: wrangler and its workerd
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 300));
      if (!stateDir) rmSync(state, { recursive: true, force: true });
    },
    async kill() {
      try {
        process.kill(-proc.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 500));
    },
  };
}

/**
 * `npm start` on a fresh database in a temporary DC_STATE_DIR, with the build already made (SKIP_BUILD=1).
 * `env` adds settings such as SIMULATE=0 (no simulator) and SEED=0 (no demo estate, for suites that build
 * their own data). Resolves once it prints that it is running.
 * @param {{ port: number, env?: Record<string,string>, timeoutMs?: number }} opts
 * @returns {Promise<{ base: string, origin: string, log: () => string, stop: () => Promise<void> }>}
 */
export async function startApp({ port, env = {}, timeoutMs = 180_000 }) {
  const state = mkdtempSync(join(tmpdir(), 'dc-platform-state-'));
  const proc = spawn('npm', ['start'], {
    env: { ...process.env, SKIP_BUILD: '1', ...env, PORT: String(port), DC_STATE_DIR: state },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: npm, node, wrangler, workerd and the simulator stop together
  });
  let output = '';
  const stop = async () => {
    try {
      process.kill(-proc.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    await new Promise((r) => setTimeout(r, 500));
    rmSync(state, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start not running after ${timeoutMs} ms`)), timeoutMs);
      const onData = (buf) => {
        output += buf;
        if (/DC Platform is running/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited with ${code}`));
      });
    });
  } catch (e) {
    await stop();
    throw new Error(`${e.message}:\n${output}`, { cause: e });
  }
  proc.removeAllListeners('exit');
  const origin = `http://localhost:${port}`;
  return { origin, base: `${origin}/api`, log: () => output, stop };
}

/** A bearer token for the default local admin (created on first use). */
export async function adminToken(base) {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=admin&password=admin123',
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (await res.json()).access_token;
}
