// Benchmark: live push latency. 100 WebSockets subscribe to one rack (GET /api/live/racks/{id}); a probe sample
// stamped ts = now is ingested every ~500 ms (slower than the 250 ms coalescing interval) for ~30 s; every socket
// records (receipt time - sample ts) for each probe it receives. Prints p50/p99/max (target p99 < 50 ms), next
// to the ping/pong round trip of the same sockets and the ingest request's own latency. Figures, not pass/fail.
//
//   npm run bench:live
//   BENCH_SOCKETS=200 BENCH_SECONDS=60 BENCH_INTERVAL_MS=500 npm run bench:live
import {
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
  sleep,
  sortNum,
  startDevServer,
  unusualLog,
} from './lib/telemetry.mjs';

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 500);
const SERVERS = Number(process.env.BENCH_SERVERS ?? 40);
const TARGET_P99_MS = 50;
const PROBE_METRIC = 'bench_probe';

/** One clock for stamping and receiving (sub-millisecond; samples carry whole milliseconds). */
const clock = () => performance.timeOrigin + performance.now();

printHeader('Live push latency: ingest -> rack Durable Object -> WebSocket subscribers', [
  `${SOCKETS} WebSockets on /api/live/racks/{id} of one rack (${SERVERS} servers, one round of 9 metrics each`,
  `ingested first); a probe sample (${PROBE_METRIC}, ts = now) every ${INTERVAL_MS} ms for ${SECONDS} s through`,
  `POST /api/metrics/ingest; latency = receipt on each socket - the probe's ts (the same clock: client and server`,
  `run on this machine; the one client process receives all ${SOCKETS} sockets, so its own queueing is included)`,
  `target: p99 < ${TARGET_P99_MS} ms`,
]);

const server = await startDevServer({ port: await freePort() });
const sockets = [];
try {
  const token = await adminToken(server.base);
  const { rackId, serverIds } = await createRack(server.base, token, { servers: SERVERS });
  const ingest = await ingestToken(server.base, token);
  const ingestUrl = `${server.base}/metrics/ingest`;
  const post = async (body) => {
    const t0 = clock();
    const res = await fetch(ingestUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
      body,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST /metrics/ingest: HTTP ${res.status} ${text}`);
    return clock() - t0;
  };
  // one round of every series, so snapshots and summaries look like a working rack's
  const now = Math.floor(Date.now() / 10_000) * 10_000;
  await post(sampleStream(serverIds, now - 10_000).take(serverIds.length * 9));
  console.log(`created rack ${rackId} with ${serverIds.length} servers and ${serverIds.length * 9} series`);

  // ---- connect ------------------------------------------------------------------------------------------------
  const wsUrl = `${server.origin.replace(/^http/, 'ws')}/api/live/racks/${rackId}`;
  let auth = 'Authorization header';
  const open = (headers) =>
    new Promise((resolve, reject) => {
      const t0 = clock();
      const ws = new WebSocket(wsUrl, { headers });
      const s = {
        ws,
        connectMs: 0,
        snapshotBytes: 0,
        deltas: 0,
        probes: new Map(),
        split: [],
        pongs: [],
        pingAt: 0,
        closed: null,
      };
      const timer = setTimeout(() => reject(new Error('no snapshot within 30 s')), 30_000);
      ws.onerror = (e) => {
        clearTimeout(timer);
        reject(new Error(`WebSocket error: ${e.message ?? e.type}`));
      };
      ws.onclose = (e) => (s.closed = `${e.code} ${e.reason}`);
      ws.onmessage = (e) => {
        const at = clock(); // first thing: before any parsing
        if (e.data === 'pong') {
          s.pongs.push(at - s.pingAt);
          return;
        }
        const msg = JSON.parse(e.data);
        if (msg.type === 'snapshot') {
          s.connectMs = at - t0;
          s.snapshotBytes = e.data.length;
          clearTimeout(timer);
          resolve(s);
        } else if (msg.type === 'delta') {
          s.deltas++;
          for (const p of msg.points) {
            if (p.metric !== PROBE_METRIC || s.probes.has(p.ts)) continue;
            s.probes.set(p.ts, at - p.ts);
            // split at the object's push time (the delta's `at`; same machine, same clock)
            s.split.push([msg.at - p.ts, at - msg.at]);
          }
        }
      };
    });
  // the Authorization header (Node's WebSocket accepts `headers`); should it be dropped, the session cookie
  let headers = { authorization: `Bearer ${token}` };
  const tConnect = clock();
  sockets.push(
    await open(headers).catch(() => {
      auth = 'dc_session cookie';
      headers = { cookie: `dc_session=${token}` };
      return open(headers);
    }),
  );
  while (sockets.length < SOCKETS) {
    const wave = Math.min(10, SOCKETS - sockets.length);
    sockets.push(...(await Promise.all(Array.from({ length: wave }, () => open(headers)))));
  }
  const connectMs = sortNum(sockets.map((s) => s.connectMs));
  console.log(
    `${sockets.length} sockets open (auth by ${auth}) in ${((clock() - tConnect) / 1000).toFixed(1)} s; ` +
      `upgrade to snapshot p50 ${fmtMs(quantile(connectMs, 0.5))}, max ${fmtMs(connectMs.at(-1))}; ` +
      `snapshot ${fmtInt(sockets[0].snapshotBytes)} bytes`,
  );

  // ---- baseline: ping/pong round trip (answered by the runtime without waking the object) ---------------------
  for (let r = 0; r < 5; r++) {
    for (const s of sockets) {
      s.pingAt = clock();
      s.ws.send('ping');
    }
    await sleep(200);
  }
  const pongs = sortNum(sockets.flatMap((s) => s.pongs));

  // ---- probes ---------------------------------------------------------------------------------------------------
  await sleep(500); // let any delta of the setup round go by
  for (const s of sockets) {
    s.deltas = 0;
    s.probes.clear();
    s.split = [];
  }
  const probeServer = serverIds[0];
  const sent = [];
  const ingestMs = [];
  const until = clock() + SECONDS * 1000;
  let i = 0;
  while (clock() < until) {
    const tick = clock();
    const ts = Math.floor(clock());
    sent.push(ts);
    ingestMs.push(await post(`[{"server":${probeServer},"metric":"${PROBE_METRIC}","value":${i++},"ts":${ts}}]`));
    await sleep(Math.max(0, INTERVAL_MS - (clock() - tick)));
  }
  await sleep(1000); // the last probe's delta

  const sentSet = new Set(sent);
  const lat = sortNum(sockets.flatMap((s) => [...s.probes].filter(([ts]) => sentSet.has(ts)).map(([, ms]) => ms)));
  const deltas = sortNum(sockets.map((s) => s.deltas));
  const received = sortNum(sockets.map((s) => [...s.probes.keys()].filter((ts) => sentSet.has(ts)).length));
  const closed = sockets.filter((s) => s.closed).length;
  const ing = sortNum(ingestMs);
  const p99 = quantile(lat, 0.99);

  console.log('');
  console.log(`probes sent: ${sent.length} (every ${INTERVAL_MS} ms for ${SECONDS} s); load average ${loadNow()}`);
  console.log(
    `probe latency over all sockets (n=${fmtInt(lat.length)} of ${fmtInt(sent.length * sockets.length)} expected): ` +
      `p50 ${fmtMs(quantile(lat, 0.5))}  p99 ${fmtMs(p99)}  max ${fmtMs(lat.at(-1))}   ` +
      `(target p99 < ${TARGET_P99_MS} ms: ${p99 < TARGET_P99_MS ? 'yes' : 'no'})`,
  );
  const medians = sortNum(sockets.map(median).filter(Number.isFinite));
  console.log(
    `per-socket p50 of the probe latency: best ${fmtMs(medians[0])}, median ${fmtMs(quantile(medians, 0.5))}, ` +
      `worst ${fmtMs(medians.at(-1))}`,
  );
  console.log(
    `deltas per socket: min ${deltas[0]}, median ${quantile(deltas, 0.5)}, max ${deltas.at(-1)}; ` +
      `probes received per socket: min ${received[0]}, median ${quantile(received, 0.5)}, max ${received.at(-1)} of ${sent.length}`,
  );
  const toPush = sortNum(sockets.flatMap((s) => s.split.map((x) => x[0])));
  const toSocket = sortNum(sockets.flatMap((s) => s.split.map((x) => x[1])));
  console.log(
    `split at the delta's "at": probe ts -> object pushes p50 ${fmtMs(quantile(toPush, 0.5))}, ` +
      `p99 ${fmtMs(quantile(toPush, 0.99))}; push -> received p50 ${fmtMs(quantile(toSocket, 0.5))}, ` +
      `p99 ${fmtMs(quantile(toSocket, 0.99))}`,
  );
  console.log(
    `baseline ping/pong round trip (same sockets, ${fmtInt(pongs.length)} pings): p50 ${fmtMs(quantile(pongs, 0.5))}, ` +
      `p99 ${fmtMs(quantile(pongs, 0.99))}`,
  );
  console.log(
    `ingest request of one probe (POST to 200): p50 ${fmtMs(quantile(ing, 0.5))}, p99 ${fmtMs(quantile(ing, 0.99))}, max ${fmtMs(ing.at(-1))}`,
  );
  if (closed) console.log(`NOTE: ${closed} sockets closed during the run: ${sockets.find((s) => s.closed).closed}`);
} catch (e) {
  console.error(`dev server log (routine request lines left out):\n${unusualLog(server)}`);
  throw e;
} finally {
  for (const s of sockets) s.ws.close();
  await server.stop();
}

/** One socket's median probe latency. */
function median(s) {
  return quantile(sortNum([...s.probes.values()]), 0.5);
}
