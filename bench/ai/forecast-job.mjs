// What the nightly forecasting job costs for 10,000 series (issue 11: "10k series must fit the Workers CPU
// limits"): the job's own per-series code (worker/ai/series-forecast.ts: gap filling, backtest, forecast) over
// 10,000 hourly series of four weeks made from the shared datacenter traces (hourly means of each trace column,
// each series a different window and scale of them). The job spends FORECAST_CHUNK_MS (5 s by default) per
// invocation and leaves a cursor; this prints how many invocations that makes and the CPU each one spends,
// against the Workers limit of 30 s CPU per invocation (the default; paid plans may raise it to 5 minutes).
// Usage: node bench/ai/forecast-job.mjs [series=10000] [data-dir]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forecastSeries, hourlySeries, HISTORY_HOURS } from '../../worker/ai/series-forecast.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.argv[2] ?? 10_000);
const DIR = process.argv[3] ?? join(ROOT, '../shared/data/dc-traces');
const H = 3_600_000;
const CHUNK_MS = 5_000;
const LIMIT_MS = 30_000;

// hourly means of every column of every trace (5-minute samples: 12 to the hour)
const bases = [];
for (const file of readdirSync(DIR).filter((f) => f.endsWith('.csv'))) {
  const lines = readFileSync(join(DIR, file), 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const data = lines.slice(1).map((l) => l.split(',').map(Number));
  header.forEach((col, c) => {
    if (/^(timestamp|time|date)$/i.test(col)) return;
    const y = data.map((r) => r[c]).filter(Number.isFinite);
    const hours = [];
    for (let i = 0; i + 12 <= y.length; i += 12) hours.push(y.slice(i, i + 12).reduce((a, b) => a + b, 0) / 12);
    if (hours.length >= 72) bases.push(hours);
  });
}
if (!bases.length) throw new Error(`no traces in ${DIR}`);

const now = Date.UTC(2026, 11, 7, 2);
// the job reads four weeks; the traces hold about 17 days, so each series runs its trace from a different hour
// and wraps round to fill four weeks (the full history, where the weekly candidates join the backtest: the
// dearest case)
const series = Array.from({ length: N }, (_, k) => {
  const base = bases[k % bases.length];
  const offset = (k * 7) % base.length;
  const scale = 0.5 + ((k * 37) % 100) / 100;
  const first = now - HISTORY_HOURS * H;
  return Array.from({ length: HISTORY_HOURS }, (_, i) => [first + i * H, base[(offset + i) % base.length] * scale]);
});

const times = [];
const cpu = process.cpuUsage();
const started = performance.now();
for (const rows of series) {
  const t = performance.now();
  const s = hourlySeries(rows, now);
  if (s) forecastSeries(s);
  times.push(performance.now() - t);
}
const total = performance.now() - started;
const used = process.cpuUsage(cpu);
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
const perChunk = Math.ceil(CHUNK_MS / (total / N));
const hours = series.reduce((s, r) => s + r.length, 0) / N;

console.log(
  `Nightly forecasting, ${N.toLocaleString('en')} hourly series of ${hours.toFixed(0)} hours each (${bases.length} trace columns)\n`,
);
console.log(`forecasting CPU, all series     ${(total / 1000).toFixed(1)} s`);
// on a busy machine the clock counts other processes' time too: the process's own CPU time (all its threads,
// the garbage collector's among them) is the steadier figure
console.log(`process CPU time (user + sys)   ${((used.user + used.system) / 1e6).toFixed(1)} s`);
console.log(
  `per series                      mean ${(total / N).toFixed(2)} ms, p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms, max ${q(1).toFixed(2)} ms`,
);
console.log(`series per ${CHUNK_MS / 1000} s chunk            ${perChunk.toLocaleString('en')}`);
console.log(`invocations for all of them     ${Math.ceil(N / perChunk)} (one a minute after the nightly start)`);
console.log(
  `CPU per invocation              ≤ ${(CHUNK_MS / 1000).toFixed(0)} s + one step's overrun (≤ 4 racks, p99 ${((q(0.99) * 4 * 40) / 1000).toFixed(2)} s at 40 series a rack) against the ${LIMIT_MS / 1000} s limit: ${(((CHUNK_MS + q(0.99) * 160) / LIMIT_MS) * 100).toFixed(0)} % of it`,
);
