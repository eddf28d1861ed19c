// `npm start`: build the UI, migrate the local D1 database, start `wrangler dev`, seed the demo estate when the
// database is empty, then keep running until Ctrl-C. PORT overrides 8787; SKIP_BUILD=1 reuses build/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PORT = Number(process.env.PORT ?? 8787);
const HOST = process.env.HOST ?? '127.0.0.1';
const BASE = `http://localhost:${PORT}`;
const quietEnv = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' };
const step = (msg) => console.log(`\x1b[36m▸\x1b[0m ${msg}`);

if (Number(process.versions.node.split('.')[0]) < 22) {
  console.error(
    `Node ${process.version} is too old: run through \`npm start\` (the project's node devDependency is 22).`,
  );
  process.exit(1);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: quietEnv });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(' ')} failed (exit ${r.status}).`);
    process.exit(r.status ?? 1);
  }
}

if (process.env.SKIP_BUILD !== '1' || !existsSync('build/index.html')) {
  step('Building the UI');
  run('npm', ['run', '--silent', 'build']);
}
step('Applying D1 migrations to the local database (.wrangler/state)');
run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local']);

step(`Starting wrangler dev on ${BASE}`);
const wrangler = spawn('wrangler', ['dev', '--port', String(PORT), '--ip', HOST], {
  env: quietEnv,
  stdio: ['inherit', 'pipe', 'pipe'],
});
const stop = () => {
  wrangler.kill('SIGTERM');
  setTimeout(() => process.exit(0), 500);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
wrangler.on('exit', (code) => process.exit(code ?? 0));

const ready = new Promise((resolve) => {
  const watch = (stream, out) =>
    stream.on('data', (buf) => {
      out.write(buf);
      if (/Ready on/.test(buf.toString())) resolve();
    });
  watch(wrangler.stdout, process.stdout);
  watch(wrangler.stderr, process.stderr);
});
await ready;

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

const seeded = await seed().catch((e) => `failed: ${e.message}`);

// The telemetry simulator (scripts/simulate.mjs) pushes live metrics for the estate through the ingest API, with an
// hour of history first, so charts are populated on first load. SIMULATE=0 turns it off.
const simulate = process.env.SIMULATE !== '0';
if (simulate) {
  const { createInterface } = await import('node:readline');
  const sim = spawn(process.execPath, ['scripts/simulate.mjs', '--base', BASE, '--backfill', '1h'], {
    env: { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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

// Cron Triggers do not fire under `wrangler dev`: run the same schedule locally (audit checkpoints, and later
// forecasting and remediation) through wrangler's scheduled-handler endpoint.
const CRON = '*/5 * * * *';
setInterval(
  () => fetch(`${BASE}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(CRON)}`).catch(() => undefined),
  5 * 60_000,
).unref();
console.log(`
\x1b[1mDC Platform is running\x1b[0m
  UI             ${BASE}/
  API            ${BASE}/api   (reference: ${BASE}/api/docs)
  Sign in        admin / admin123   (demo: ops.lead, noc.viewer, auditor / demo-password-2026)
  Demo estate    ${seeded}
  Telemetry      ${simulate ? 'simulator pushing every 10 s (SIMULATE=0 to disable)' : 'simulator off (SIMULATE=0)'}
Press Ctrl-C to stop.
`);
