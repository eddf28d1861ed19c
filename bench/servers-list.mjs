// Benchmark: the servers list endpoint against /api/health, under the same concurrent load, on ~10,000 servers.
// Prints p50/p99 for both and their ratio (target: list p50 <= 2x health p50). Figures, not a pass/fail test.
//
//   npm run bench                       (defaults below)
//   BENCH_SCALE=26 BENCH_CONCURRENCY=8 BENCH_REQUESTS=400 npm run bench
//   BENCH_STATE=/tmp/list-bench node bench/servers-list.mjs   (keeps the seeded database for the next run)
import { adminToken, startDevServer } from '../scripts/lib/dev-server.mjs';
import { mapLimit } from '../util/map-limit.ts';

const SCALE = Number(process.env.BENCH_SCALE ?? 29); // demo estate x29 ≈ 10,000 servers
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400); // per endpoint, split over the rounds
const ROUNDS = 4;
const PORT = Number(process.env.BENCH_PORT ?? 8799);

const LIST_QUERIES = [
  '/servers?limit=100',
  '/servers?limit=100&status=active&sort=-power_supply_w',
  '/servers?limit=100&server_type=Compute,GPU&sort=name',
  '/servers?limit=100&datacenter_id=2&sort=-u_position,name',
  '/servers?limit=100&offset=5000&sort=serial_number',
  '/servers?limit=100&q=PowerEdge',
  '/servers?limit=100&rack_id=120',
  '/servers?limit=100&warranty_before=2026-01-01&sort=warranty_expires',
];

// Filters and sorts an index answers (target: list p50 <= 1.5x health p50).
const INDEXED_QUERIES = [
  '/servers?limit=100&rack_id=120',
  '/servers?limit=100&status=active&sort=name',
  '/servers?limit=100&server_type=GPU&sort=name',
  '/servers?limit=100&sort=-power_supply_w',
];
// Deep pages: by offset (SQLite steps over 9,000 index entries) and by keyset cursor (it seeks).
const DEEP_OFFSET_QUERIES = [
  '/servers?limit=100&offset=9000&sort=name',
  '/servers?limit=100&offset=9000&sort=serial_number',
];

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fmt = (ms) => `${ms.toFixed(2)} ms`;

/** Fire `count` requests with `CONCURRENCY` in flight; returns each request's latency. */
async function load(count, makeRequest) {
  const indices = Array.from({ length: count }, (_, i) => i);
  return mapLimit(indices, CONCURRENCY, async (i) => {
    const t0 = performance.now();
    const res = await makeRequest(i);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`HTTP ${res.status} for request ${i}`);
    return performance.now() - t0;
  });
}

// BENCH_STATE=<dir>: keep the database there and seed it only once (the seed takes minutes)
const server = await startDevServer({ port: PORT, stateDir: process.env.BENCH_STATE });
try {
  const token = await adminToken(server.base);
  const auth = { authorization: `Bearer ${token}` };
  const existing = await fetch(`${server.base}/servers?limit=1`, { headers: auth });
  const have = Number(existing.headers.get('x-total-count') ?? 0);
  if (have >= 1000) console.log(`reusing ${have} servers in ${process.env.BENCH_STATE}`);
  else {
    const t0 = performance.now();
    const seedRes = await fetch(`${server.base}/demo/seed`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ scale: SCALE, users: false }),
    });
    const seeded = await seedRes.json();
    if (!seedRes.ok) throw new Error(`seed failed: ${JSON.stringify(seeded)}`);
    console.log(
      `seeded ${seeded.servers} servers in ${seeded.racks} racks (${seeded.datacenters} datacenters) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }

  const health = () => fetch(`${server.base}/health`);
  const list = (i) => fetch(`${server.base}${LIST_QUERIES[i % LIST_QUERIES.length]}`, { headers: auth });
  // warm-up, then alternate rounds so that drift in machine load hits both endpoints alike
  await load(40, health);
  await load(40, list);
  const h = [];
  const l = [];
  const per = Math.ceil(REQUESTS / ROUNDS);
  for (let r = 0; r < ROUNDS; r++) {
    h.push(...(await load(per, health)));
    l.push(...(await load(per, list)));
  }
  h.sort((a, b) => a - b);
  l.sort((a, b) => a - b);

  /** Alternating rounds of health and `queries`, each against its own health figures (drift hits both alike). */
  const group = async (queries, headers = {}) => {
    const gh = [];
    const gl = [];
    for (let r = 0; r < ROUNDS; r++) {
      gh.push(...(await load(per, () => fetch(`${server.base}/health`, { headers }))));
      gl.push(
        ...(await load(per, (i) =>
          fetch(`${server.base}${queries[i % queries.length]}`, { headers: { ...auth, ...headers } }),
        )),
      );
    }
    gh.sort((a, b) => a - b);
    gl.sort((a, b) => a - b);
    return { gh, gl, ratio: quantile(gl, 0.5) / quantile(gh, 0.5) };
  };
  const cursorAt = async (sort) => {
    const res = await fetch(`${server.base}/servers?limit=100&offset=8900&sort=${sort}`, { headers: auth });
    const next = res.headers.get('x-next-cursor');
    if (!next) throw new Error(`no X-Next-Cursor at offset 8900 for sort=${sort}`);
    return `/servers?limit=100&sort=${sort}&after=${next}`;
  };
  const indexed = await group(INDEXED_QUERIES);
  const deep = await group(DEEP_OFFSET_QUERIES);
  const keyset = await group([await cursorAt('name'), await cursorAt('serial_number')]);
  // wrangler dev compresses answers in the Worker's own process, as Cloudflare's edge would outside it (fetch asks
  // for gzip): ~90 KB of list against a few bytes of health. Without it, the Worker's own share.
  const identity = await group(INDEXED_QUERIES, { 'accept-encoding': 'identity' });
  const row = (name, xs) =>
    `${name.padEnd(34)} n=${String(xs.length).padStart(4)}  p50 ${fmt(quantile(xs, 0.5)).padStart(10)}  p99 ${fmt(quantile(xs, 0.99)).padStart(10)}`;
  console.log(`\nconcurrency ${CONCURRENCY}, ${ROUNDS} alternating rounds`);
  console.log(row('GET /api/health', h));
  console.log(row('GET /api/servers?limit=100 (mixed)', l));
  const ratio50 = quantile(l, 0.5) / quantile(h, 0.5);
  const ratio99 = quantile(l, 0.99) / quantile(h, 0.99);
  console.log(`ratio list/health: p50 ${ratio50.toFixed(2)}x, p99 ${ratio99.toFixed(2)}x (target p50 <= 2x)`);
  for (const [name, g, target] of [
    ['indexed filters and sorts', indexed, ' (target p50 <= 1.5x)'],
    ['offset=9000', deep, ''],
    ['the same rows by after= cursor', keyset, ''],
    ['indexed, uncompressed (identity)', identity, ''],
  ]) {
    console.log(`\n${row('GET /api/health', g.gh)}\n${row(name, g.gl)}`);
    console.log(`ratio ${name}/health: p50 ${g.ratio.toFixed(2)}x${target}`);
  }
} finally {
  await server.stop();
}
