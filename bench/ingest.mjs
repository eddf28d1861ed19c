// Benchmark: samples/s into ONE rack Durable Object through POST /api/metrics/ingest, next to the ceiling of the
// same request path whose object stores nothing (?bench=noop), measured in the same run with interleaved rounds
// (ingest, noop, noop, ingest, ...) so that both share the machine's noise. Figures, not a pass/fail test.
//
//   npm run bench:ingest
//   BENCH_BATCHES=1000 BENCH_CONCURRENCY=4 BENCH_ROUNDS=5 BENCH_ROUND_SECONDS=5 npm run bench:ingest
//   BENCH_TIMESTAMPS=now npm run bench:ingest    every sample in the current 10 s slot (no historical backfill)
import {
  HOUR_MS,
  RESOLUTION_MS,
  api,
  adminToken,
  createRack,
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

const list = (v, d) => (v ?? d).split(',').map((x) => Number(x.trim()));
const BATCHES = list(process.env.BENCH_BATCHES, '100,1000,5000');
const CONCURRENCIES = list(process.env.BENCH_CONCURRENCY, '4,8');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3); // per mode, per (batch, concurrency)
// an ingest round lasts about this long (sized from the warm-up's rate), and has at least 3 waves of requests
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 3);
const SERVERS = Number(process.env.BENCH_SERVERS ?? 40);
// backfill (default): rounds 10 s apart from 47 h ago; now: every round in the current slot (overwrites)
const TIMESTAMPS = process.env.BENCH_TIMESTAMPS === 'now' ? 'now' : 'backfill';
const TARGET_RATIO = 0.5;
const TARGET_RATE = 100_000;

/** Requests per round: about ROUND_SECONDS of ingest at the warm-up's rate, at least three waves of requests. */
const roundRequests = (batch, concurrency, warmRate) =>
  Math.max(Math.ceil((warmRate * ROUND_SECONDS) / batch), concurrency * 3);

printHeader('Ingest throughput into one rack Durable Object (POST /api/metrics/ingest)', [
  `one rack, ${SERVERS} servers x 9 metrics = ${SERVERS * 9} series; batches of consecutive samples, every round`,
  TIMESTAMPS === 'backfill'
    ? `of all series ${RESOLUTION_MS / 1000} s after the previous one, starting 47 h ago (historical backfill order)`
    : `of all series stamped with the current ${RESOLUTION_MS / 1000} s slot (BENCH_TIMESTAMPS=now: rounds overwrite)`,
  `batch sizes ${BATCHES.join(' / ')}, concurrency ${CONCURRENCIES.join(' and ')}, ${ROUNDS} rounds per mode of ~${ROUND_SECONDS} s,`,
  `rounds interleaved ingest/noop (ABBA); noop = ?bench=noop: same auth, decode, validation, device resolution and`,
  `one RPC to the same rack object, which stores nothing. Each mode's round sends the very same request bodies.`,
  `targets: ingest >= ${TARGET_RATIO * 100} % of the noop ceiling; >= ${fmtInt(TARGET_RATE)} samples/s at batch 1,000`,
]);

const server = await startDevServer({ port: await freePort() });
try {
  const token = await adminToken(server.base);
  const { rackId, serverIds } = await createRack(server.base, token, { servers: SERVERS });
  const ingest = await ingestToken(server.base, token);
  console.log(`created rack ${rackId} with ${serverIds.length} servers; ingest token ${ingest.slice(0, 8)}...`);

  const start = () =>
    TIMESTAMPS === 'now' ? null : Math.floor((Date.now() - 47 * HOUR_MS) / RESOLUTION_MS) * RESOLUTION_MS;
  let stream = sampleStream(serverIds, start());
  const ingestUrl = `${server.base}/metrics/ingest`;
  const noopUrl = `${ingestUrl}?bench=noop`;

  /** The next `count` bodies of `batch` samples (built before the clock starts). */
  const bodies = (count, batch) => {
    // the stream must stay inside the accepted window (48 h back .. 5 min ahead): wrap to 47 h ago when it
    // would come within 10 minutes of now (a rewrite of the same slots with the same timestamps)
    const span = Math.ceil((count * batch) / stream.series) * RESOLUTION_MS;
    if (TIMESTAMPS === 'backfill' && stream.nextTs + span > Date.now() - 10 * 60_000) {
      console.log('   (the sample stream reached the present: starting again 47 h ago)');
      stream = sampleStream(serverIds, start());
    }
    return Array.from({ length: count }, () => ({ n: batch, body: stream.take(batch) }));
  };

  // warm-up: creates the 360 series, fills the device cache, compiles the hot paths of both modes, and gives the
  // ingest rate per batch size that sizes the rounds
  const warmRate = new Map();
  let warmed = 0;
  let retries = 0;
  for (const batch of BATCHES) {
    const warm = bodies(Math.max(8, Math.ceil(2000 / batch)), batch);
    const out = await sendAll(ingestUrl, ingest, warm, 4, { expectAccepted: true });
    await sendAll(noopUrl, ingest, warm, 4, { expectAccepted: true });
    warmRate.set(batch, (out.accepted / out.wallMs) * 1000);
    warmed += out.accepted;
    retries += out.retries;
  }
  console.log(
    `warm-up ingest rates: ${BATCHES.map((b) => `batch ${fmtInt(b)} ${fmtInt(warmRate.get(b))}/s`).join(', ')}`,
  );

  const results = [];
  for (const batch of BATCHES) {
    for (const concurrency of CONCURRENCIES) {
      const acc = { ingest: { n: 0, ms: 0, lat: [] }, noop: { n: 0, ms: 0, lat: [] } };
      const count = roundRequests(batch, concurrency, warmRate.get(batch));
      for (let r = 0; r < ROUNDS; r++) {
        const round = bodies(count, batch);
        const order = r % 2 === 0 ? ['ingest', 'noop'] : ['noop', 'ingest'];
        for (const mode of order) {
          const out = await sendAll(mode === 'ingest' ? ingestUrl : noopUrl, ingest, round, concurrency, {
            expectAccepted: true,
          });
          acc[mode].n += out.accepted;
          acc[mode].ms += out.wallMs;
          acc[mode].lat.push(...out.latencies);
          retries += out.retries;
        }
      }
      const rate = (m) => (acc[m].n / acc[m].ms) * 1000;
      const row = {
        batch,
        concurrency,
        requests: count * ROUNDS,
        ingest: rate('ingest'),
        noop: rate('noop'),
        ingestP50: quantile(sortNum(acc.ingest.lat), 0.5),
        ingestP99: quantile(sortNum(acc.ingest.lat), 0.99),
        noopP50: quantile(sortNum(acc.noop.lat), 0.5),
        load: loadNow(),
      };
      results.push(row);
      console.log(
        `   batch ${fmtInt(batch)}, concurrency ${concurrency}: ingest ${fmtInt(row.ingest)}/s, ` +
          `noop ${fmtInt(row.noop)}/s (${row.requests} requests per mode, load ${row.load})`,
      );
    }
  }

  const stats = await api(server.base, token, 'GET', `/metrics/racks/${rackId}/storage`);

  const cols = [
    ['batch', 6],
    ['conc', 5],
    ['ingest samples/s', 17],
    ['p50', 10],
    ['p99', 10],
    ['noop samples/s', 15],
    ['noop p50', 10],
    ['ratio', 7],
    ['>= 50 %', 8],
  ];
  const line = (cells) => cells.map((c, i) => String(c).padStart(cols[i][1])).join('  ');
  console.log('');
  console.log(line(cols.map((c) => c[0])));
  for (const r of results) {
    const ratio = r.ingest / r.noop;
    console.log(
      line([
        fmtInt(r.batch),
        r.concurrency,
        fmtInt(r.ingest),
        fmtMs(r.ingestP50),
        fmtMs(r.ingestP99),
        fmtInt(r.noop),
        fmtMs(r.noopP50),
        `${(ratio * 100).toFixed(0)} %`,
        ratio >= TARGET_RATIO ? 'yes' : 'no',
      ]),
    );
  }
  console.log('(p50/p99: request latency of the ingest requests; samples/s: samples / wall time of the rounds)');

  console.log('');
  for (const batch of BATCHES) {
    const rows = results.filter((r) => r.batch === batch);
    const best = rows.reduce((a, b) => (b.ingest > a.ingest ? b : a));
    const bestNoop = rows.reduce((a, b) => (b.noop > a.noop ? b : a));
    const ratio = best.ingest / bestNoop.noop;
    console.log(
      `batch ${fmtInt(batch).padStart(5)}: best ingest ${fmtInt(best.ingest)} samples/s (concurrency ${best.concurrency}), ` +
        `best noop ${fmtInt(bestNoop.noop)} samples/s (concurrency ${bestNoop.concurrency}), ratio ${(ratio * 100).toFixed(0)} % ` +
        `(target >= ${TARGET_RATIO * 100} %)`,
    );
  }
  const at1000 = results.filter((r) => r.batch === 1000);
  if (at1000.length) {
    const best = Math.max(...at1000.map((r) => r.ingest));
    console.log(
      `>= ${fmtInt(TARGET_RATE)} samples/s at batch 1,000: ${best >= TARGET_RATE ? 'yes' : 'no'} (best ${fmtInt(best)} samples/s)`,
    );
  }
  const sent = stream.taken; // includes the warm-up; noop requests are not stored
  console.log(
    `rack object: ${fmtInt(stats.samples_total)} samples accepted in total (${fmtInt(warmed)} in the warm-up), ` +
      `${fmtInt(stats.series)} series, ${fmtInt(stats.ring_rows)} ring rows; stream position ${fmtInt(sent)}`,
  );
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
