// `npm start`: build the UI, migrate the local D1 database, start `wrangler dev`, seed the demo estate when the
// database is empty, start the telemetry simulator, then keep running until Ctrl-C. A few lines of output; the
// full output of a step that fails is shown. Settings (environment): PORT, HOST, SKIP_BUILD=1, SIMULATE=0,
// SEED=0, DC_STATE_DIR (where the local database lives; default .wrangler/state), VERBOSE=1 (wrangler's own log).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const PORT = Number(process.env.PORT ?? 8787);
const HOST = process.env.HOST ?? '127.0.0.1';
const BASE = `http://localhost:${PORT}`;
const STATE = process.env.DC_STATE_DIR || null;
const VERBOSE = process.env.VERBOSE === '1';
const quietEnv = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };
const step = (msg) => console.log(`\x1b[36m▸\x1b[0m ${msg}`);
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(
    `Node ${process.version} is too old: run through \`npm start\` (the project's node devDependency is 22).`,
  );
  process.exit(1);
}
if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) {
  console.error(`PORT=${process.env.PORT} is not a port number.`);
  process.exit(1);
}

/** Runs a command with its output captured; on failure prints all of it and exits. */
function run(cmd, args) {
  const r = spawnSync(cmd, args, { env: quietEnv, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal ?? r.error?.message}).`);
    process.exit(r.status || 1);
  }
  return `${r.stdout}\n${r.stderr}`;
}

/** Variables set in .dev.vars (wrangler reads that file itself; we only need to know what the user chose). */
function devVarNames() {
  if (!existsSync('.dev.vars')) return new Set();
  const lines = readFileSync('.dev.vars', 'utf8').split('\n');
  return new Set(lines.map((l) => /^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=/.exec(l)?.[1]).filter(Boolean));
}

/**
 * Passkeys are bound to the page's origin: unless the user configured RP_ORIGIN / RP_ID (environment or
 * .dev.vars), derive them from where this server listens, so `PORT=8811 npm start` works as 8787 does.
 * Browsers allow WebAuthn over plain http only on localhost, so a loopback or wildcard HOST means localhost.
 */
function relyingPartyVars() {
  const configured = devVarNames();
  const loopback = ['127.0.0.1', 'localhost', '0.0.0.0', '::', '::1', '[::1]'].includes(HOST);
  const host = loopback ? 'localhost' : HOST;
  const derived = { RP_ORIGIN: `http://${host}:${PORT}`, RP_ID: host };
  const vars = {};
  for (const [name, value] of Object.entries(derived)) {
    if (process.env[name]) vars[name] = process.env[name];
    else if (!configured.has(name)) vars[name] = value;
  }
  return vars;
}

const persist = STATE ? ['--persist-to', STATE] : [];

let t = Date.now();
if (process.env.SKIP_BUILD !== '1' || !existsSync('build/index.html')) {
  run('npm', ['run', '--silent', 'build']);
  step(`UI built (${seconds(t)})`);
}

t = Date.now();
const migrated = run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', ...persist]);
const applied = Number(/About to apply (\d+) migration/.exec(migrated)?.[1] ?? 0);
step(`database ${STATE ?? '.wrangler/state'}: ${applied ? `${applied} migrations applied` : 'up to date'}`);

const rp = relyingPartyVars();
const varArgs = Object.entries(rp).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
t = Date.now();
const wrangler = spawn(
  'wrangler',
  ['dev', '--port', String(PORT), '--ip', HOST, '--show-interactive-dev-session=false', ...persist, ...varArgs],
  { env: quietEnv, stdio: ['ignore', 'pipe', 'pipe'] },
);
let ready = false;
let startupLog = '';
// Once running, wrangler logs a line per request: only what is not routine reaches the terminal.
const ROUTINE =
  /^\[wrangler:info\] (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) |Request\.cf|getaddrinfo ENOTFOUND workers\.cloudflare\.com|^\s+at (GetAddrInfoReqWrap|.*callbackTrampoline)/;
for (const [stream, out] of [
  [wrangler.stdout, process.stdout],
  [wrangler.stderr, process.stderr],
]) {
  createInterface({ input: stream }).on('line', (line) => {
    if (!ready) startupLog += `${line}\n`;
    else if (VERBOSE || !ROUTINE.test(line)) out.write(`${line}\n`);
  });
}
const stop = () => {
  wrangler.kill('SIGTERM');
  setTimeout(() => process.exit(0), 500);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
wrangler.on('exit', (code) => {
  if (!ready) process.stderr.write(startupLog);
  console.error(`wrangler dev exited (code ${code})`);
  process.exit(code || 1);
});

/** Ready when the Worker answers (wrangler's "Ready on" comes before its first request is served). */
async function waitUntilServing(timeoutMs = 120_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(`${BASE}/api/health`, { signal: AbortSignal.timeout(5_000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  process.stderr.write(startupLog);
  console.error(`wrangler dev did not answer on ${BASE} within ${timeoutMs / 1000} s`);
  wrangler.kill('SIGTERM');
  process.exit(1);
}
await waitUntilServing();
ready = true;
if (VERBOSE) process.stdout.write(startupLog);
step(`wrangler dev serving on ${BASE} (${seconds(t)})`);

async function seed() {
  const tokenRes = await fetch(`${BASE}/api/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=admin&password=admin123',
  });
  if (!tokenRes.ok) {
    // the admin password was changed: the database is in use, leave it alone
    return 'skipped: the default admin account is not usable (its password was changed)';
  }
  const { access_token } = await tokenRes.json();
  const res = await fetch(`${BASE}/api/demo/seed`, {
    method: 'POST',
    headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  const body = await res.json();
  if (!res.ok) return `failed: ${body.detail ?? res.status}`;
  return body.seeded
    ? `seeded ${body.datacenters} datacenters, ${body.racks} racks, ${body.servers} servers, ${body.users} demo users`
    : 'kept the existing data';
}

const seeded = process.env.SEED === '0' ? 'not loaded (SEED=0)' : await seed().catch((e) => `failed: ${e.message}`);
step(`demo estate ${seeded}`);

// The telemetry simulator (scripts/simulate.mjs) pushes live metrics for the estate through the ingest API. It
// first writes 30 days of simulated hourly history (and a day of minutes) straight into the rollups and sends the
// last hour as raw samples, so every chart range has data. --quiet: only its problems are shown.
const simulate = process.env.SIMULATE !== '0';
if (simulate) {
  const sim = spawn(
    process.execPath,
    ['scripts/simulate.mjs', '--base', BASE, '--backfill', '1h', '--history', '30d', '--quiet'],
    {
      env: { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  for (const [stream, out] of [
    [sim.stdout, process.stdout],
    [sim.stderr, process.stderr],
  ]) {
    createInterface({ input: stream }).on('line', (line) => out.write(`\x1b[35m[sim]\x1b[0m ${line}\n`));
  }
  sim.on('exit', (code, signal) => {
    if (code && !signal) console.error(`\x1b[35m[sim]\x1b[0m the simulator exited (code ${code})`);
  });
  const stopSim = () => sim.exitCode === null && sim.kill('SIGTERM');
  process.on('SIGINT', stopSim);
  process.on('SIGTERM', stopSim);
  process.on('exit', stopSim);
}
step(
  simulate
    ? 'telemetry simulator pushing every 10 s, 30 days of simulated history loading (SIMULATE=0 turns it off)'
    : 'telemetry simulator off (SIMULATE=0)',
);

// Cron Triggers do not fire under `wrangler dev`: run wrangler.toml's schedules locally (audit checkpoints,
// alert inventory checks, later forecasting and remediation) through wrangler's scheduled-handler endpoint. Only
// the minute field is read ("*" or "*/N"): the project's crons use no other form.
const CRONS = [
  ...(/crons\s*=\s*\[([^\]]*)\]/.exec(readFileSync('wrangler.toml', 'utf8'))?.[1] ?? '').matchAll(/"([^"]+)"/g),
].map((m) => m[1]);
const everyMinutes = (cron) => {
  const minute = cron.split(/\s+/)[0];
  return minute === '*' ? 1 : Number(/^\*\/(\d+)$/.exec(minute)?.[1] ?? 0);
};
setInterval(() => {
  const minute = Math.floor(Date.now() / 60_000);
  for (const cron of CRONS) {
    const n = everyMinutes(cron);
    if (n > 0 && minute % n === 0)
      fetch(`${BASE}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}`).catch(() => undefined);
  }
}, 60_000).unref();
console.log(`
\x1b[1mDC Platform is running\x1b[0m (Ctrl-C stops it)
  API        ${BASE}/api   (reference: ${BASE}/api/docs)
  UI         \x1b[1m${BASE}/\x1b[0m
  Sign in    \x1b[1madmin / admin123\x1b[0m   (demo: ops.lead, noc.viewer, auditor / demo-password-2026)
`);
