// Benchmark: alerting. (1) Time from the ingest of the sample that completes a rule's `for` duration to the alert
// being on a WebSocket (GET /api/live/alerts), p50/p99 (target p99 < 100 ms), next to the latency of the same
// ingest request when it completes nothing. (2) Rule evaluation cost per sample with 100 rules active in a rack:
// ingest time of batches whose metric 100 rules watch over batches of a metric no rule watches, interleaved
// (ABBA) in the same run (target ratio <= 1.3). Figures, not a pass/fail test.
//
//   npm run bench:alerts
//   BENCH_FIRES=100 BENCH_ROUNDS=8 npm run bench:alerts
import {
  adminToken,
  api,
  createRack,
  fmtInt,
  fmtMs,
  freePort,
  ingestToken,
  loadNow,
  printHeader,
  quantile,
  sleep,
  sortNum,
  startDevServer,
  unusualLog,
} from './lib/telemetry.mjs';

const FIRES = Number(process.env.BENCH_FIRES ?? 60);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const SERVERS = Number(process.env.BENCH_SERVERS ?? 40);
const RULES = Number(process.env.BENCH_RULES ?? 100);
const BATCH_POINTS = 50; // samples per server per batch
const clock = () => performance.timeOrigin + performance.now();

printHeader('Alerting: ingest -> rule -> alert on a WebSocket; rule evaluation cost per sample', [
  `(1) ${FIRES} alerts: a rule "bench_alert > 50 for 20 s"; per alert two samples of one server (pending, then the`,
  `    one completing the 20 s) through POST /api/metrics/ingest; latency = the second request's start to the`,
  `    "fired" frame on GET /api/live/alerts (rack object -> D1 -> alert hub -> socket); baseline: the first`,
  `    (pending) request's own latency. Target p99 < 100 ms.`,
  `(2) ${RULES} rules on one metric in one rack (half "last", half "avg over 300 s", none firing; rules over the`,
  `    same span share one sample window) vs a metric no rule watches; and ${RULES} rules each over its own span;`,
  `    batches of ${SERVERS} servers x ${BATCH_POINTS} samples, ${ROUNDS} rounds each, interleaved ABBA.`,
  `    Target: ruled / unruled <= 1.3.`,
]);

const server = await startDevServer({ port: await freePort() });
try {
  const token = await adminToken(server.base);
  const { rackId, serverIds } = await createRack(server.base, token, { servers: SERVERS });
  const ingest = await ingestToken(server.base, token);
  const post = async (samples) => {
    const t0 = clock();
    const res = await fetch(`${server.base}/metrics/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
      body: JSON.stringify(samples),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`ingest: HTTP ${res.status} ${text}`);
    return { t0, ms: clock() - t0 };
  };
  // the rack object exists and holds rules before the first measured sample
  await post(serverIds.map((id) => ({ server: id, metric: 'cpu_pct', value: 1, ts: Date.now() - 60_000 })));

  // ---- (1) latency --------------------------------------------------------------------------------------------
  await api(server.base, token, 'POST', '/alert-rules', {
    name: 'bench alert',
    metric: 'bench_alert',
    threshold: 50,
    clear_threshold: 40,
    for_s: 20,
    severity: 'warning',
  });
  const ws = new WebSocket(`${server.origin.replace(/^http/, 'ws')}/api/live/alerts`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const waiting = new Map(); // server id -> resolve(receipt time)
  await new Promise((resolve, reject) => {
    ws.onerror = (e) => reject(new Error(`WebSocket: ${e.message ?? e.type}`));
    ws.onmessage = (e) => {
      const at = clock();
      const msg = JSON.parse(e.data);
      if (msg.type === 'hello') resolve();
      if (msg.type === 'alert' && msg.event === 'fired' && msg.alert.metric === 'bench_alert') {
        waiting.get(msg.alert.server_id)?.(at);
        waiting.delete(msg.alert.server_id);
      }
    };
  });
  const latencies = [];
  const baseline = [];
  const base = Date.now() - 40 * 60_000;
  for (let i = 0; i < FIRES; i++) {
    const id = serverIds[i % serverIds.length];
    const t = base + Math.floor(i / serverIds.length) * 120_000; // each server's rounds 2 min apart
    baseline.push((await post([{ server: id, metric: 'bench_alert', value: 60, ts: t }])).ms);
    const fired = new Promise((resolve) => waiting.set(id, resolve));
    const { t0 } = await post([{ server: id, metric: 'bench_alert', value: 61, ts: t + 20_000 }]);
    const at = await Promise.race([fired, sleep(5_000).then(() => null)]);
    if (at === null) throw new Error(`alert ${i} did not arrive within 5 s`);
    latencies.push(at - t0);
    await post([{ server: id, metric: 'bench_alert', value: 10, ts: t + 30_000 }]); // resolves it
  }
  ws.close();
  const lat = sortNum(latencies);
  const bl = sortNum(baseline);
  console.log('\n(1) ingest of the completing sample -> "fired" on the alert socket');
  console.log(
    `    alert latency  p50 ${fmtMs(quantile(lat, 0.5))}  p99 ${fmtMs(quantile(lat, 0.99))}  max ${fmtMs(lat.at(-1))}  (target p99 < 100 ms)`,
  );
  console.log(
    `    plain ingest   p50 ${fmtMs(quantile(bl, 0.5))}  p99 ${fmtMs(quantile(bl, 0.99))}  (same request, nothing fires)`,
  );

  // ---- (2) evaluation cost -------------------------------------------------------------------------------------
  for (let r = 0; r < RULES; r++) {
    await api(server.base, token, 'POST', '/alert-rules', {
      name: `bench eval ${r}`,
      metric: 'bench_ruled',
      threshold: 1e9,
      ...(r % 2 ? { aggregate: 'avg', window_s: 300 } : {}),
      scope_type: 'rack',
      scope_value: String(rackId),
    });
  }
  // the worst case: every rule over its own span (no window shared)
  for (let r = 0; r < RULES; r++) {
    await api(server.base, token, 'POST', '/alert-rules', {
      name: `bench distinct ${r}`,
      metric: 'bench_distinct',
      threshold: 1e9,
      aggregate: ['avg', 'min', 'max'][r % 3],
      window_s: 60 + r,
      scope_type: 'rack',
      scope_value: String(rackId),
    });
  }
  let cursor = Date.now() - 30 * 60_000;
  const batch = (metric) => {
    const out = [];
    for (let k = 0; k < BATCH_POINTS; k++) {
      cursor += 1_000;
      for (const id of serverIds) out.push({ server: id, metric, value: 50 + (k % 7), ts: cursor });
    }
    return out;
  };
  await post(batch('bench_ruled')); // warm: windows created, rules loaded
  await post(batch('bench_distinct'));
  await post(batch('bench_free'));
  const times = { bench_ruled: [], bench_free: [], bench_distinct: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order =
      r % 2
        ? ['bench_free', 'bench_ruled', 'bench_distinct', 'bench_distinct', 'bench_ruled', 'bench_free']
        : ['bench_ruled', 'bench_distinct', 'bench_free', 'bench_free', 'bench_distinct', 'bench_ruled'];
    for (const m of order) times[m].push((await post(batch(m))).ms);
  }
  const med = (xs) => quantile(sortNum(xs), 0.5);
  const perSample = (ms) => (ms * 1000) / (SERVERS * BATCH_POINTS);
  const ruled = med(times.bench_ruled);
  const free = med(times.bench_free);
  console.log(
    `\n(2) ${fmtInt(SERVERS * BATCH_POINTS)} samples per batch, median of ${times.bench_free.length} batches each`,
  );
  console.log(
    `    no rule watches the metric   ${fmtMs(free)} per batch  (${perSample(free).toFixed(2)} µs per sample)`,
  );
  console.log(
    `    ${RULES} rules watch the metric    ${fmtMs(ruled)} per batch  (${perSample(ruled).toFixed(2)} µs per sample)`,
  );
  const distinct = med(times.bench_distinct);
  console.log(`    ratio ${(ruled / free).toFixed(2)}  (target <= 1.3)`);
  console.log(
    `    worst case, ${RULES} rules each over its own span (avg/min/max of 60..${59 + RULES} s, no window shared):`,
  );
  console.log(
    `    ${fmtMs(distinct)} per batch (${perSample(distinct).toFixed(2)} µs per sample), ratio ${(distinct / free).toFixed(2)}   load average ${loadNow()}`,
  );
} catch (e) {
  console.error(e);
  console.error(unusualLog(server));
  process.exitCode = 1;
} finally {
  await server.stop();
}
