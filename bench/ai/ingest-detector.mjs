// Benchmark: ingest throughput into one rack Durable Object with the streaming anomaly detector on (as shipped)
// and off (AI_ANOMALY_DETECTION=off), two `wrangler dev` servers side by side, rounds alternating between them
// (ABBA) so both share the machine's noise. Figures, not a pass/fail test.
// Target (issue 11): with the detector on, ≥ 0.8× the throughput with it off.
//
//   node bench/ai/ingest-detector.mjs
//   BENCH_BATCH=1000 BENCH_CONCURRENCY=4 BENCH_ROUNDS=6 node bench/ai/ingest-detector.mjs
import {
  HOUR_MS,
  RESOLUTION_MS,
  adminToken,
  createRack,
  fmtInt,
  freePort,
  ingestToken,
  loadNow,
  printHeader,
  sampleStream,
  sendAll,
  startDevServer,
} from '../lib/telemetry.mjs';

const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 40);
const SERVERS = Number(process.env.BENCH_SERVERS ?? 40);

printHeader('Ingest with the anomaly detector on and off (POST /api/metrics/ingest, one rack object each)', [
  `one rack per server process, ${SERVERS} servers x 9 metrics = ${SERVERS * 9} series, batches of ${BATCH}`,
  `samples, concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${REQUESTS} requests per mode, alternating (ABBA);`,
  'both servers get the very same request bodies (consecutive 10 s slots from 47 h ago, as a backfill).',
  'target: detector on >= 0.8 x detector off',
]);

const setups = {};
const servers = [];
try {
  for (const mode of ['on', 'off']) {
    const server = await startDevServer({ port: await freePort(), vars: { AI_ANOMALY_DETECTION: mode } });
    servers.push(server);
    const token = await adminToken(server.base);
    const { serverIds } = await createRack(server.base, token, { servers: SERVERS });
    setups[mode] = { url: `${server.base}/metrics/ingest`, token: await ingestToken(server.base, token), serverIds };
  }
  // the same bodies for both: the two estates were created alike, so their server ids match
  const start = Math.floor((Date.now() - 47 * HOUR_MS) / RESOLUTION_MS) * RESOLUTION_MS;
  const stream = sampleStream(setups.on.serverIds, start);
  const take = (n) => Array.from({ length: n }, () => ({ n: BATCH, body: stream.take(BATCH) }));
  for (const mode of ['on', 'off']) await sendAll(setups[mode].url, setups[mode].token, take(10), CONCURRENCY, {});
  const acc = { on: { n: 0, ms: 0 }, off: { n: 0, ms: 0 } };
  for (let r = 0; r < ROUNDS; r++) {
    const round = take(REQUESTS);
    for (const mode of r % 2 === 0 ? ['on', 'off'] : ['off', 'on']) {
      const out = await sendAll(setups[mode].url, setups[mode].token, round, CONCURRENCY, { expectAccepted: true });
      acc[mode].n += out.accepted;
      acc[mode].ms += out.wallMs;
    }
    console.log(`   round ${r + 1}: load ${loadNow()}`);
  }
  const rate = (m) => (acc[m].n / acc[m].ms) * 1000;
  console.log(`detector on   ${fmtInt(rate('on'))} samples/s`);
  console.log(`detector off  ${fmtInt(rate('off'))} samples/s`);
  console.log(`on / off      ${(rate('on') / rate('off')).toFixed(2)}   (target >= 0.80)`);
} finally {
  for (const s of servers) await s.stop();
}
