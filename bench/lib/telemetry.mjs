// Shared by the telemetry benchmarks (bench/ingest.mjs, bench/live-latency.mjs, bench/rack-storage.mjs): a free
// port, the machine header, one rack of servers created through the public API, an ingest token, a sample
// stream with advancing timestamps, and the usual statistics. Figures only, never pass/fail.
import { createServer } from 'node:net';
import os from 'node:os';
import { adminToken, startDevServer } from '../../scripts/lib/dev-server.mjs';
import { mapLimit } from '../../util/map-limit.ts';
import { SERVER_METRICS } from '../../worker/telemetry/metric-names.ts';

export { adminToken, startDevServer };

/** Value ranges of the per-server metrics an agent sends (bench/ingest.mjs: 40 servers x 9 = 360 series in one rack). */
const RANGES = {
  cpu_pct: [5, 95],
  mem_pct: [20, 90],
  disk_pct: [10, 80],
  net_in_bps: [1e6, 9e8],
  net_out_bps: [1e6, 9e8],
  power_w: [150, 480],
  inlet_temp_c: [18, 27],
  outlet_temp_c: [28, 42],
  fan_rpm: [4000, 12000],
};
export const METRICS = SERVER_METRICS.map((m) => [m, ...RANGES[m]]);

export const RESOLUTION_MS = 10_000;
export const HOUR_MS = 3_600_000;

/** A port nobody listens on right now (BENCH_PORT wins when set). */
export async function freePort() {
  if (process.env.BENCH_PORT) return Number(process.env.BENCH_PORT);
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** What is measured, the targets, and the machine it runs on (load average: the machine is shared and noisy). */
export function printHeader(title, lines = []) {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  console.log(`== ${title}`);
  for (const l of lines) console.log(`   ${l}`);
  console.log(
    `   machine: ${cpus.length} CPU (${cpus[0]?.model?.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
      `${os.platform()} ${os.release()}, node ${process.version}`,
  );
  console.log(`   load average (1/5/15 min): ${load}`);
  console.log('');
}

export const loadNow = () => os.loadavg()[0].toFixed(2);

/** JSON request with a bearer token; throws with the response body on an unexpected status. */
export async function api(base, token, method, path, body, expect = [200, 201]) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

/**
 * One datacenter, one 42U / 20 kW rack and `servers` 1U servers in it (U1..), created through the public API.
 * @returns {Promise<{ datacenterId: number, rackId: number, serverIds: number[] }>}
 */
export async function createRack(base, token, { servers = 40, tag = 'bench' } = {}) {
  const dc = await api(base, token, 'POST', '/datacenters', { name: `${tag}-dc`, location: 'Benchmark Hall' });
  const rack = await api(base, token, 'POST', '/racks', {
    name: `${tag}-rack-01`,
    datacenter_id: dc.id,
    u_capacity: 42,
    power_capacity_kw: 20,
  });
  const serverIds = [];
  for (let i = 1; i <= servers; i++) {
    const s = await api(base, token, 'POST', '/servers', {
      name: `${tag}-srv-${String(i).padStart(2, '0')}`,
      rack_id: rack.id,
      serial_number: `${tag.toUpperCase()}-SN-${String(i).padStart(4, '0')}`,
      u_position: i,
      u_size: 1,
      power_supply_w: 500,
    });
    serverIds.push(s.id);
  }
  return { datacenterId: dc.id, rackId: rack.id, serverIds };
}

/** A personal API token with the `ingest` scope. */
export async function ingestToken(base, token) {
  const created = await api(base, token, 'POST', '/tokens', { name: 'bench', scopes: ['ingest'] });
  return created.token;
}

/**
 * An endless stream of samples over `serverIds` x METRICS in a fixed series order: each round of all series
 * carries one timestamp, and the next round is RESOLUTION_MS later. `take(n)` returns the JSON body of the next
 * `n` samples (built as text: the client shares the CPUs with the server, so keep it cheap).
 * With `startTs` null every sample is stamped with the current RESOLUTION_MS slot instead (rounds overwrite).
 */
export function sampleStream(serverIds, startTs) {
  const series = serverIds.flatMap((id) => METRICS.map(([metric, lo, hi]) => ({ id, metric, lo, hi })));
  let index = 0; // position in the endless stream
  let seed = 0x2545f491;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  return {
    series: series.length,
    /** timestamp of the next sample */
    get nextTs() {
      if (startTs === null) return Math.floor(Date.now() / RESOLUTION_MS) * RESOLUTION_MS;
      return startTs + Math.floor(index / series.length) * RESOLUTION_MS;
    },
    get taken() {
      return index;
    },
    take(n) {
      const parts = new Array(n);
      for (let k = 0; k < n; k++, index++) {
        const s = series[index % series.length];
        const ts =
          startTs === null
            ? Math.floor(Date.now() / RESOLUTION_MS) * RESOLUTION_MS
            : startTs + Math.floor(index / series.length) * RESOLUTION_MS;
        const value = s.lo + (s.hi - s.lo) * rand();
        const v = s.hi > 1000 ? Math.round(value) : Math.round(value * 100) / 100;
        parts[k] = `{"server":${s.id},"metric":"${s.metric}","value":${v},"ts":${ts}}`;
      }
      return `[${parts.join(',')}]`;
    },
  };
}

/**
 * Send `bodies` to `url` with `concurrency` requests in flight. Returns the wall time from the first request to
 * the last response, each request's latency and the samples accepted; throws on the first non-2xx answer (with
 * its body). A 503 "worker restarted mid-request" (wrangler dev reloads when a source file changes under it) is
 * retried and counted in `retries`: a round with retries is not a clean measurement.
 */
export async function sendAll(url, token, bodies, concurrency, { expectAccepted } = {}) {
  const latencies = [];
  let accepted = 0;
  let retries = 0;
  const t0 = performance.now();
  await mapLimit(bodies, concurrency, async (_, i) => {
    for (let attempt = 0; ; attempt++) {
      const s = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: bodies[i].body,
      });
      const text = await res.text();
      const ms = performance.now() - s;
      if (res.status === 503 && /restarted/i.test(text) && attempt < 3) {
        retries++;
        console.log(`   (request ${i}: "${text.slice(0, 80)}" after ${ms.toFixed(0)} ms; retrying)`);
        continue;
      }
      if (!res.ok) throw new Error(`POST ${url} request ${i}: HTTP ${res.status} after ${ms.toFixed(0)} ms: ${text}`);
      const out = JSON.parse(text);
      if (expectAccepted && out.accepted !== bodies[i].n) {
        throw new Error(`POST ${url} request ${i}: accepted ${out.accepted} of ${bodies[i].n}: ${text.slice(0, 500)}`);
      }
      accepted += out.accepted;
      latencies.push(ms);
      break;
    }
  });
  return { wallMs: performance.now() - t0, latencies, accepted, retries };
}

/** The dev server's log without its routine request lines (successful requests): restarts, errors, warnings. */
export function unusualLog(server, max = 40) {
  const lines = server
    .log()
    .split('\n')
    .filter((l) => l.trim() && !/\[wrangler:info\] (GET|POST|PUT|PATCH|DELETE) \S+ (1|2)\d\d /.test(l));
  return lines.slice(-max).join('\n');
}

export const sortNum = (xs) => [...xs].sort((a, b) => a - b);
/** Nearest-rank quantile of an ascending array. */
export const quantile = (sorted, q) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : NaN;
export const fmtMs = (ms) => (Number.isFinite(ms) ? `${ms.toFixed(ms < 10 ? 2 : 1)} ms` : 'n/a');
export const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
export const fmtBytes = (b) =>
  b >= 2 ** 30
    ? `${(b / 2 ** 30).toFixed(2)} GiB`
    : b >= 2 ** 20
      ? `${(b / 2 ** 20).toFixed(1)} MiB`
      : b >= 1024
        ? `${(b / 1024).toFixed(1)} KiB`
        : `${b} B`;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
