// Benchmark: one rack's storage after 24 h of data. 40 servers x 9 metrics at 10 s resolution, timestamps from
// now-24h to now (~3.1 M samples), sent through POST /api/metrics/ingest in batches of 5,000 with 4 requests in
// flight; then GET /api/metrics/racks/{id}/storage. Prints database bytes, ring rows, bytes per sample, the
// memory estimate, the bound (ring slots per series x series) and the ingest time. Figures, not pass/fail.
//
//   npm run bench:storage
//   BENCH_HOURS=6 BENCH_BATCH=5000 BENCH_CONCURRENCY=4 npm run bench:storage
import {
  HOUR_MS,
  RESOLUTION_MS,
  api,
  adminToken,
  createRack,
  fmtBytes,
  fmtInt,
  fmtMs,
  freePort,
  ingestToken,
  loadNow,
  printHeader,
  quantile,
  sampleStream,
  sendAll,
  sortNum,
  startDevServer,
  unusualLog,
} from './lib/telemetry.mjs';

const HOURS = Number(process.env.BENCH_HOURS ?? 24);
const BATCH = Number(process.env.BENCH_BATCH ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SERVERS = Number(process.env.BENCH_SERVERS ?? 40);

const rounds = Math.round((HOURS * HOUR_MS) / RESOLUTION_MS);
const seriesCount = SERVERS * 9;
const total = rounds * seriesCount;

printHeader(`Rack storage after ${HOURS} h of data in one rack Durable Object`, [
  `${SERVERS} servers x 9 metrics = ${seriesCount} series at ${RESOLUTION_MS / 1000} s resolution, timestamps now-${HOURS}h .. now:`,
  `${fmtInt(rounds)} rounds, ${fmtInt(total)} samples, in chronological batches of ${fmtInt(BATCH)} with ${CONCURRENCY} requests`,
  `in flight through POST /api/metrics/ingest; then GET /api/metrics/racks/{id}/storage`,
]);

const server = await startDevServer({ port: await freePort() });
try {
  const token = await adminToken(server.base);
  const { rackId, serverIds } = await createRack(server.base, token, { servers: SERVERS });
  const ingest = await ingestToken(server.base, token);
  console.log(`created rack ${rackId} with ${serverIds.length} servers`);

  const last = Math.floor(Date.now() / RESOLUTION_MS) * RESOLUTION_MS;
  const stream = sampleStream(serverIds, last - (rounds - 1) * RESOLUTION_MS);
  const url = `${server.base}/metrics/ingest`;
  // bodies are built a chunk at a time, inside the clock (a sender builds them too; small next to the requests)
  const chunkRequests = CONCURRENCY * 10;
  const latencies = [];
  let sent = 0;
  let retries = 0;
  let nextReport = 0.1;
  const t0 = performance.now();
  while (sent < total) {
    const bodies = [];
    for (let k = 0; k < chunkRequests && sent < total; k++) {
      const n = Math.min(BATCH, total - sent);
      bodies.push({ n, body: stream.take(n) });
      sent += n;
    }
    const out = await sendAll(url, ingest, bodies, CONCURRENCY, { expectAccepted: true });
    latencies.push(...out.latencies);
    retries += out.retries;
    if (sent / total >= nextReport || sent === total) {
      const s = (performance.now() - t0) / 1000;
      console.log(
        `   ${((sent / total) * 100).toFixed(0).padStart(3)} %  ${fmtInt(sent).padStart(9)} samples  ${s.toFixed(0).padStart(4)} s  ` +
          `${fmtInt(sent / s).padStart(7)} samples/s overall, last chunk ${fmtInt((out.accepted / out.wallMs) * 1000)}/s  ` +
          `(load ${loadNow()})`,
      );
      while (sent / total >= nextReport) nextReport += 0.1;
    }
  }
  const ingestS = (performance.now() - t0) / 1000;

  const tStats = performance.now();
  const stats = await api(server.base, token, 'GET', `/metrics/racks/${rackId}/storage`);
  const statsMs = performance.now() - tStats;
  const lat = sortNum(latencies);
  const bound = stats.ring_slots_per_series * stats.series;
  const perRow = stats.database_bytes / stats.ring_rows;

  console.log('');
  console.log(
    `ingest: ${fmtInt(total)} samples in ${ingestS.toFixed(1)} s = ${fmtInt(total / ingestS)} samples/s ` +
      `(${fmtInt(lat.length)} requests, p50 ${fmtMs(quantile(lat, 0.5))}, p99 ${fmtMs(quantile(lat, 0.99))}, max ${fmtMs(lat.at(-1))})`,
  );
  console.log(`GET /api/metrics/racks/${rackId}/storage (took ${fmtMs(statsMs)}):`);
  const row = (k, v) => console.log(`   ${k.padEnd(34)} ${v}`);
  row('series', fmtInt(stats.series));
  row('samples_total (accepted)', fmtInt(stats.samples_total));
  row('ring rows', fmtInt(stats.ring_rows));
  row('database bytes', `${fmtInt(stats.database_bytes)} (${fmtBytes(stats.database_bytes)})`);
  row('bytes per sample (db / ring rows)', perRow.toFixed(1));
  row('memory estimate', `${fmtInt(stats.memory_estimate_bytes)} (${fmtBytes(stats.memory_estimate_bytes)})`);
  row(
    'bound: ring slots/series x series',
    `${fmtInt(stats.ring_slots_per_series)} x ${fmtInt(stats.series)} = ${fmtInt(bound)} rows ` +
      `(~${fmtBytes(bound * perRow)} at this density); now ${((stats.ring_rows / bound) * 100).toFixed(0)} % full`,
  );
  const others = Object.entries(stats).filter(
    ([k]) =>
      ![
        'series',
        'samples_total',
        'ring_rows',
        'database_bytes',
        'memory_estimate_bytes',
        'ring_slots_per_series',
      ].includes(k),
  );
  for (const [k, v] of others) row(k, typeof v === 'number' && v > 1e12 ? `${v} (${new Date(v).toISOString()})` : v);
  if (stats.ring_rows !== total)
    console.log(`NOTE: ${fmtInt(total)} samples sent, ${fmtInt(stats.ring_rows)} ring rows`);
  if (retries) {
    console.log(`NOTE: ${retries} requests were retried after a dev-server restart: figures are disturbed`);
    console.log(`dev server log (routine request lines left out):\n${unusualLog(server)}`);
  }
  console.log(`load average at the end: ${loadNow()}`);
} catch (e) {
  console.error(`dev server log (routine request lines left out):\n${unusualLog(server)}`);
  throw e;
} finally {
  await server.stop();
}
