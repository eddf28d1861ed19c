// Benchmark: what a person clicking around feels while the telemetry simulator runs. One `npm start` (demo estate,
// simulator off), then the same "user" — GET /api/health, GET /api/servers?limit=50, GET / (the page), one at a
// time with a short pause, as clicks come — in three phases of the same run:
//   1. simulator off;
//   2. the simulator as `npm start` runs it (paced raw backfill of the last hour, simulated 30-day rollup history,
//      live ticks);
//   3. the simulator with the settings it had before (20,000-sample backfill requests, 8 in flight, no pauses).
// Prints p50/p95/max of each request per phase. Figures, never pass/fail; compare phases of one run.
//
//   npm run bench:ui                       BENCH_SECONDS=45 (per phase) BENCH_PORT=8865 npm run bench:ui
import { spawn } from 'node:child_process';
import os from 'node:os';
import { adminToken, startApp } from '../scripts/lib/dev-server.mjs';
import { fmtMs, freePort, quantile, sleep, sortNum } from './lib/telemetry.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 45);
const THINK_MS = 250;
const PHASES = [
  { name: 'simulator off', args: null },
  { name: 'simulator as npm start runs it', args: ['--backfill', '1h', '--history', '30d'] },
  {
    name: 'simulator, previous settings',
    args: ['--backfill', '1h', '--concurrency', '8', '--batch', '20000', '--duty', '100'],
  },
];

const port = await freePort();
console.log(`ui-under-ingest: ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}; ${SECONDS} s per phase`);
const app = await startApp({ port, env: { SIMULATE: '0' } });
try {
  const token = await adminToken(app.base);
  const requests = [
    ['GET /api/health', `${app.base}/health`, {}],
    ['GET /api/servers?limit=50', `${app.base}/servers?limit=50`, { authorization: `Bearer ${token}` }],
    ['GET / (page)', `${app.origin}/`, {}],
  ];
  const rows = [];
  for (const phase of PHASES) {
    const sim = phase.args
      ? spawn(process.execPath, ['scripts/simulate.mjs', '--base', app.origin, '--quiet', ...phase.args], {
          stdio: ['ignore', 'inherit', 'inherit'],
        })
      : null;
    const lat = requests.map(() => []);
    const until = Date.now() + SECONDS * 1000;
    while (Date.now() < until) {
      for (const [i, [, url, headers]] of requests.entries()) {
        const t0 = performance.now();
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
        lat[i].push(performance.now() - t0);
      }
      await sleep(THINK_MS);
    }
    if (sim) {
      sim.kill('SIGTERM');
      await new Promise((r) => sim.once('exit', r));
      await sleep(5_000); // let the platform drain what the simulator left in flight
    }
    for (const [i, [label]] of requests.entries()) {
      const s = sortNum(lat[i]);
      rows.push([phase.name, label, s.length, quantile(s, 0.5), quantile(s, 0.95), s.at(-1)]);
    }
    console.log(`  phase done: ${phase.name} (load ${os.loadavg()[0].toFixed(2)})`);
  }
  console.log(
    `\n${'phase'.padEnd(32)} ${'request'.padEnd(26)} ${'n'.padStart(4)} ${'p50'.padStart(10)} ${'p95'.padStart(10)} ${'max'.padStart(10)}`,
  );
  for (const [phase, label, n, p50, p95, max] of rows) {
    console.log(
      `${phase.padEnd(32)} ${label.padEnd(26)} ${String(n).padStart(4)} ${fmtMs(p50).padStart(10)} ${fmtMs(p95).padStart(10)} ${fmtMs(max).padStart(10)}`,
    );
  }
} finally {
  await app.stop();
}
