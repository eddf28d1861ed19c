// `npm run simulate`: push believable telemetry for the estate through the public ingest API, as an external
// agent would. The physics is in scripts/lib/sim-model.mjs; this file signs in, reads the inventory, schedules
// anomalies and sends the samples. Run with --help for the options.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDuration } from '../util/duration.ts';
import { mapLimit } from '../util/map-limit.ts';
import { mulberry32 as prng } from '../util/random.ts';
import {
  ANOMALY_AFTERGLOW_MS,
  ANOMALY_KINDS,
  ANOMALY_LABELS,
  buildEstate,
  chooseAnomaly,
  formatDuration,
  historyRows,
  seedOf,
  simulateTick,
} from './lib/sim-model.mjs';

const HELP = `Usage: npm run simulate -- [options]

Pushes metrics for every active server, rack and datacenter through POST /api/metrics/ingest.

  --base URL            the platform (default http://localhost:8787, env DCP_BASE)
  --token dcp_...       an API token with the "ingest" scope (env DCP_INGEST_TOKEN); without one the simulator
                        signs in as admin and creates one, kept in node_modules/.cache for the next run
  --read-token dcp_...  a token with the "read" scope for the inventory (env DCP_READ_TOKEN); default: the ingest
                        token if it can read, else an admin sign-in (env DCP_USERNAME / DCP_PASSWORD,
                        default admin / admin123)
  --rate 10s            time between samples (5s, 30s, 1m, ...)
  --backfill 2h         first send raw history from now-2h to now (at most 47h), so charts have data at once
  --history 30d         also write simulated history before that straight into the 1-hour rollups (and the last
                        --history-minutes into 1-minute rollups) through POST /api/demo/history: a demo-only
                        admin route, cheap (no raw samples), idempotent, in the background while live ticks run
  --history-minutes 6h  how much of --history also gets 1-minute rollups (at most 7d)
  --anomaly-every 15m   inject a fan failure, runaway process or PDU overload this often ("off" disables);
                        one of each is also injected within the first two minutes
  --inject KIND@DELAY   also inject one KIND (fan_failure, runaway_process, pdu_near_limit) DELAY after the live
                        ticks begin, e.g. fan_failure@3m (repeatable; independent of --anomaly-every): a test can
                        let the anomaly detectors warm up on live samples first
  --seed N              seed of the anomaly schedule (default 1)
  --concurrency 2       ingest requests in flight
  --batch 1000          samples per backfill request
  --duty 25             % of the time the platform may spend on backfill and history (100: no pauses)
  --once                send one tick (after any backfill) and exit: 0 if every request was accepted
  --quiet               print only problems (npm start runs it so)
  --help
`;

// ---------------------------------------------------------------------------------------------------------------
// Options

function options(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        base: { type: 'string', default: process.env.DCP_BASE ?? 'http://localhost:8787' },
        token: { type: 'string', default: process.env.DCP_INGEST_TOKEN || undefined },
        'read-token': { type: 'string', default: process.env.DCP_READ_TOKEN || undefined },
        rate: { type: 'string', default: '10s' },
        backfill: { type: 'string', default: '0s' },
        history: { type: 'string', default: '0s' },
        'history-minutes': { type: 'string', default: '6h' },
        'anomaly-every': { type: 'string', default: '15m' },
        inject: { type: 'string', multiple: true, default: [] },
        seed: { type: 'string', default: '1' },
        concurrency: { type: 'string', default: '2' },
        batch: { type: 'string', default: '1000' },
        duty: { type: 'string', default: '25' },
        once: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    fail(`${e.message} (see --help)`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const duration = (flag, max = Infinity) => {
    const ms = parseDuration(values[flag]);
    if (Number.isNaN(ms)) fail(`--${flag}: not a duration: "${values[flag]}" (use e.g. 10s, 1m, 2h, 30d)`);
    if (ms > max) fail(`--${flag} must be at most ${formatDuration(max)}`);
    return ms;
  };
  const rateMs = duration('rate');
  if (rateMs < 1000) fail('--rate must be at least 1s');
  const everyOff = /^(off|0|none|never)$/i.test(values['anomaly-every']);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) fail('--concurrency must be 1 to 64');
  const batch = Number(values.batch);
  if (!Number.isInteger(batch) || batch < 100 || batch > 50_000) fail('--batch must be 100 to 50000');
  const duty = Number(values.duty);
  if (!(duty >= 1 && duty <= 100)) fail('--duty must be 1 to 100');
  const injections = values.inject.map((spec) => {
    const [kind, delay = ''] = spec.split('@');
    if (!ANOMALY_KINDS.includes(kind)) fail(`--inject: unknown kind "${kind}" (one of ${ANOMALY_KINDS.join(', ')})`);
    const afterMs = parseDuration(delay);
    if (Number.isNaN(afterMs)) fail(`--inject ${spec}: not a delay: "${delay}" (use e.g. fan_failure@3m)`);
    return { kind, afterMs };
  });
  return {
    base: values.base.replace(/\/+$/, '').replace(/\/api$/, ''),
    token: values.token ?? null,
    readToken: values['read-token'] ?? null,
    rateMs,
    // the platform refuses samples older than its raw retention (48 h by default)
    backfillMs: duration('backfill', 47 * HOUR),
    historyMs: duration('history', 400 * 24 * HOUR),
    // 1-minute rollups are kept 7 days
    historyMinutesMs: duration('history-minutes', 7 * 24 * HOUR),
    anomalyEveryMs: everyOff ? 0 : duration('anomaly-every'),
    injections,
    seed: seedOf(values.seed),
    concurrency,
    batch,
    duty,
    once: values.once,
    quiet: values.quiet,
  };
}

function fail(message, code = 2) {
  console.error(`simulate: ${message}`);
  process.exit(code);
}

const HOUR = 3_600_000;
const opts = options(process.argv.slice(2));
const API = `${opts.base}/api`;
/**
 * Samples per backfill request (--batch; the endpoint takes up to 50,000). Small on purpose: `wrangler dev` serves
 * every request, the Worker and all its Durable Objects on one thread, so a 20,000-sample request holds up every
 * click made meanwhile for seconds.
 */
const MAX_SAMPLES_PER_REQUEST = opts.batch;
/** Racks per request in live ticks. */
const RACKS_PER_REQUEST = 4;
const ESTATE_REFRESH_MS = 5 * 60_000;
/** Live ticks later than this are skipped rather than caught up (the server was down). */
const MAX_CATCH_UP_MS = 10 * 60_000;

const COLOR = process.stdout.isTTY || Boolean(process.env.FORCE_COLOR);
const paint = (code) => (text) => (COLOR ? `\x1b[${code}m${text}\x1b[0m` : text);
const yellow = paint(33);
const green = paint(32);
const clock = () => new Date().toTimeString().slice(0, 8);
const say = (msg) => console.log(`${clock()} ${msg}`);
/** routine progress (silenced by --quiet); warn: problems, always shown */
const log = (msg) => opts.quiet || say(msg);
const warn = (msg) => say(yellow(msg));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (n) => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------------------------
// HTTP with retries

class HttpError extends Error {
  constructor(status, detail, body) {
    super(`${status}: ${detail}`);
    this.status = status;
    this.detail = detail;
    this.body = body;
  }
}

let waitingNoted = false;
/**
 * fetch with retries on network errors, 5xx and 429 (exponential backoff, Retry-After honoured). 4xx other than
 * 429 throw an HttpError with the problem's `detail`. `attempts: Infinity` waits for the server to come up.
 */
async function http(method, path, { token, json, form, attempts = 4, quiet = false } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  let body;
  if (json !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof json === 'string' ? json : JSON.stringify(json);
  } else if (form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(form).toString();
  }
  let delay = 500;
  for (let attempt = 1; ; attempt++) {
    let retryable;
    let waitMs = delay;
    try {
      const res = await fetch(`${API}${path}`, { method, headers, body, signal: AbortSignal.timeout(60_000) });
      const text = await res.text();
      let data = null;
      try {
        data = text ? JSON.parse(text) : null;
      } catch {
        data = text;
      }
      if (res.ok) {
        if (waitingNoted) {
          log(`connected to ${opts.base}`);
          waitingNoted = false;
        }
        return { status: res.status, headers: res.headers, data };
      }
      const detail =
        (data && typeof data === 'object' && (data.detail || data.title)) ||
        (typeof data === 'string' && data.slice(0, 200)) ||
        res.statusText;
      if (res.status !== 429 && res.status < 500) throw new HttpError(res.status, detail, data);
      retryable = new HttpError(res.status, detail, data);
      const after = Number(res.headers.get('retry-after'));
      if (after > 0) waitMs = Math.min(after * 1000, 60_000);
    } catch (e) {
      if (e instanceof HttpError) throw e;
      retryable = e;
      if (attempts === Infinity && !waitingNoted && !quiet) {
        warn(`waiting for ${opts.base} (${e.cause?.code ?? e.message}) ...`);
        waitingNoted = true;
      }
    }
    if (attempt >= attempts) throw retryable;
    stats.retries++;
    await sleep(waitMs);
    delay = Math.min(delay * 2, attempts === Infinity ? 10_000 : 15_000);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Credentials

const auth = {
  access: null,
  refresh: null,
  expiresAt: 0,
  /** token for reading the inventory */
  read: opts.readToken,
  ingest: opts.token,
};

const CACHE_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'node_modules',
  '.cache',
  'dc-platform-simulator.json',
);
const readCache = () => {
  try {
    return JSON.parse(readFileSync(CACHE_FILE, 'utf8'));
  } catch {
    return {};
  }
};
function writeCache(token) {
  try {
    mkdirSync(dirname(CACHE_FILE), { recursive: true });
    writeFileSync(CACHE_FILE, JSON.stringify({ ...readCache(), [opts.base]: token }, null, 2), { mode: 0o600 });
  } catch {
    /* a cache only */
  }
}

async function signIn() {
  const username = process.env.DCP_USERNAME ?? 'admin';
  const password = process.env.DCP_PASSWORD ?? 'admin123';
  try {
    const { data } = await http('POST', '/token', { form: { username, password }, attempts: Infinity });
    auth.access = data.access_token;
    auth.refresh = data.refresh_token ?? null;
    auth.expiresAt = Date.now() + (data.expires_in ?? 900) * 1000;
  } catch (e) {
    if (e instanceof HttpError) {
      fail(
        `cannot sign in as ${username} (${e.detail}). Pass --token (scope "ingest") and DCP_READ_TOKEN (scope ` +
          `"read"), or set DCP_USERNAME / DCP_PASSWORD.`,
        3,
      );
    }
    throw e;
  }
}

/** A bearer token for signed-in calls, refreshed (or signed in again) before it expires. */
async function accessToken() {
  if (auth.access && Date.now() < auth.expiresAt - 60_000) return auth.access;
  if (auth.refresh) {
    try {
      const { data } = await http('POST', '/token', {
        form: { grant_type: 'refresh_token', refresh_token: auth.refresh },
      });
      auth.access = data.access_token;
      auth.refresh = data.refresh_token ?? null;
      auth.expiresAt = Date.now() + (data.expires_in ?? 900) * 1000;
      return auth.access;
    } catch {
      /* sign in again */
    }
  }
  await signIn();
  return auth.access;
}

async function mintIngestToken() {
  const { data } = await http('POST', '/tokens', {
    token: await accessToken(),
    json: { name: 'simulator', scopes: ['ingest'], expires_in_days: 30 },
  });
  auth.ingest = data.token;
  writeCache(data.token);
  log(`created API token "simulator" (${data.token_prefix}…, scope ingest)`);
}

/**
 * Whether the ingest token is known, without sending data: an empty batch is refused as invalid (422) once the
 * token has been accepted, and as unauthorised (401) before that.
 */
async function ingestTokenWorks() {
  try {
    await http('POST', '/metrics/ingest', { token: auth.ingest, json: [], attempts: Infinity });
    return true;
  } catch (e) {
    return !(e instanceof HttpError && e.status === 401);
  }
}

async function setUpCredentials() {
  if (!auth.ingest) {
    auth.ingest = readCache()[opts.base] ?? null;
    // a cached token dies with the database it was made in
    if (!auth.ingest || !(await ingestTokenWorks())) await mintIngestToken();
  } else if (!(await ingestTokenWorks())) {
    fail('the platform refuses the token given (--token / DCP_INGEST_TOKEN): unknown, revoked or expired', 3);
  }
  if (!auth.read && opts.token) {
    // an explicitly given token that can also read spares the admin sign-in
    try {
      await http('GET', '/datacenters?limit=1', { token: opts.token, attempts: Infinity });
      auth.read = opts.token;
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
    }
  }
}

const readToken = async () => auth.read ?? (await accessToken());

// ---------------------------------------------------------------------------------------------------------------
// Inventory

async function fetchAll(resource, attempts) {
  const rows = [];
  for (let offset = 0; ;) {
    const { headers, data } = await http('GET', `/${resource}?limit=500&offset=${offset}`, {
      token: await readToken(),
      attempts,
    });
    rows.push(...data);
    offset += data.length;
    const total = Number(headers.get('x-total-count') ?? rows.length);
    if (data.length === 0 || offset >= total) return rows;
  }
}

/** Devices the ingest endpoint did not know (deleted since the inventory was read, or outside the token's
 * clearance): "server:12", "rack:3", "datacenter:1". Left out from then on. */
const excluded = new Set();

/** `attempts`: Infinity waits for the platform at start; a refresh gives up and keeps the estate it has. */
async function loadEstate(attempts = Infinity) {
  const [datacenters, racks, servers, storage, switches, ports] = [
    await fetchAll('datacenters', attempts),
    await fetchAll('racks', attempts),
    await fetchAll('servers', attempts),
    // storage arrays and switch ports report too; a platform without those lists (older) just has none
    await fetchAll('storage', attempts).catch(() => []),
    await fetchAll('network/devices', attempts).catch(() => []),
    await fetchAll('network/ports', attempts).catch(() => []),
  ];
  const switchById = new Map(switches.map((d) => [d.id, d]));
  const estate = buildEstate({
    datacenters: datacenters.filter((d) => !excluded.has(`datacenter:${d.id}`)),
    racks: racks.filter((r) => !excluded.has(`rack:${r.id}`)),
    servers: servers.filter((s) => !excluded.has(`server:${s.id}`)),
    storage,
    ports: ports.map((p) => ({
      ...p,
      rack_id: switchById.get(p.device_id)?.rack_id,
      device_type: switchById.get(p.device_id)?.device_type,
    })),
  });
  // requests: a few racks of one datacenter each; the facility meter rides with the datacenter's first group
  estate.groups = [];
  const live = (r) =>
    (estate.serversByRack.get(r.id) ?? []).some((s) => s.status === 'active' || s.status === 'maintenance');
  for (const dc of estate.datacenters) {
    const mine = estate.racks.filter((r) => r.datacenter_id === dc.id && live(r));
    for (let i = 0; i < mine.length; i += RACKS_PER_REQUEST) {
      estate.groups.push({ racks: mine.slice(i, i + RACKS_PER_REQUEST).map((r) => r.id), dc: i === 0 ? dc.id : null });
    }
  }
  return estate;
}

/** Leave a device out of this estate and later ones. */
function exclude(estate, kind, id) {
  excluded.add(`${kind}:${id}`);
  if (kind === 'server') {
    for (const list of estate.serversByRack.values()) {
      const i = list.findIndex((s) => String(s.id) === id);
      if (i >= 0) list.splice(i, 1);
    }
  } else if (kind === 'rack') {
    for (const g of estate.groups) g.racks = g.racks.filter((r) => String(r) !== id);
  } else {
    for (const g of estate.groups) if (String(g.dc) === id) g.dc = null;
  }
}

const describeEstate = (e) =>
  `${e.datacenters.length} datacenters, ${e.racks.length} racks, ${e.counts.servers} servers ` +
  `(${e.counts.active} active, ${e.counts.maintenance} in maintenance: ${e.counts.simulated} simulated)`;

// ---------------------------------------------------------------------------------------------------------------
// Anomalies

const where = (a) =>
  a.server_name
    ? `${a.server_name} in rack ${a.rack_name} (${a.datacenter_name})`
    : `rack ${a.rack_name} (${a.datacenter_name})`;

function describeInjection(a, estate) {
  const what = ANOMALY_LABELS[a.kind];
  const dur = formatDuration(a.end - a.start);
  if (a.kind === 'pdu_near_limit') {
    const cap = estate.rackById.get(a.rack_id)?.power_capacity_kw;
    return `⚠ injecting ${what} on ${where(a)}: PDU climbing to ~95 % of ${cap} kW, for ${dur}`;
  }
  if (a.kind === 'fan_failure')
    return `⚠ injecting ${what} on ${where(a)}: fans stop, outlet and rack inlet heat up, for ${dur}`;
  return `⚠ injecting ${what} on ${where(a)}: CPU pinned near 100 %, power up, for ${dur}`;
}

/** How long the early (and --inject) anomalies last. */
const INJECTED_MS = { fan_failure: 5 * 60_000, runaway_process: 4 * 60_000, pdu_near_limit: 4 * 60_000 };

/** The anomaly schedule: a deterministic sequence from the seed, checked at every tick. */
class Anomalies {
  constructor(rng, everyMs, injections = []) {
    this.rng = rng;
    this.everyMs = everyMs;
    /** --inject: [{ kind, afterMs }], each once, at its delay after the live ticks begin */
    this.injections = injections;
    /** injected, including cleared ones still settling */
    this.list = [];
    this.queue = [];
    this.nextAt = Infinity;
  }
  /** one of each kind early on, then one every ~everyMs; and what --inject asked for, when it asked */
  startLive(t0) {
    const asked = this.injections.map((i) => ({ kind: i.kind, at: t0 + i.afterMs, dur: INJECTED_MS[i.kind] }));
    if (!this.everyMs) {
      this.queue = asked.sort((a, b) => a.at - b.at);
      return;
    }
    this.queue = [
      { kind: 'fan_failure', at: t0 + 20_000, dur: INJECTED_MS.fan_failure },
      { kind: 'runaway_process', at: t0 + 60_000, dur: INJECTED_MS.runaway_process },
      { kind: 'pdu_near_limit', at: t0 + 100_000, dur: INJECTED_MS.pdu_near_limit },
      ...asked,
    ].sort((a, b) => a.at - b.at);
    this.nextAt = t0 + Math.max(this.everyMs, 8 * 60_000) * (0.8 + 0.4 * this.rng.next());
  }
  jitteredDuration() {
    return Math.round((3 + 3 * this.rng.next()) * 6) * 10_000;
  }
  inject(estate, kind, at, dur, announce) {
    const a = chooseAnomaly(estate, kind, this.rng, at, dur, this.current(at));
    if (a) {
      this.list.push(a);
      if (announce) log(yellow(describeInjection(a, estate)));
    }
    return a;
  }
  /** inject what is due by t and announce what cleared */
  advance(estate, t, announce = true) {
    while (this.queue.length && this.queue[0].at <= t) {
      const q = this.queue.shift();
      this.inject(estate, q.kind, t, q.dur, announce);
    }
    while (this.nextAt <= t) {
      this.inject(estate, this.rng.pick(ANOMALY_KINDS), t, this.jitteredDuration(), announce);
      this.nextAt += this.everyMs * (0.8 + 0.4 * this.rng.next());
    }
    for (const a of this.list) {
      if (!a.cleared && t >= a.end) {
        a.cleared = true;
        if (announce) log(green(`✓ cleared ${ANOMALY_LABELS[a.kind]} on ${where(a)}`));
      }
    }
    this.list = this.list.filter((a) => t <= a.end + ANOMALY_AFTERGLOW_MS);
  }
  current(t) {
    return this.list.filter((a) => a.start <= t && t < a.end);
  }
  /** what the model should see at t */
  at(t) {
    return this.list.filter((a) => a.start <= t && t <= a.end + ANOMALY_AFTERGLOW_MS);
  }
}

/** Past incidents for the backfill window, ending before it does, from their own seed. */
function backfillAnomalies(estate, from, to) {
  if (!opts.anomalyEveryMs) return [];
  const rng = prng(opts.seed ^ 0x6ac4f111);
  const list = [];
  for (let at = from + opts.anomalyEveryMs * (0.3 + 0.5 * rng.next()); ;) {
    const dur = (3 + 3 * rng.next()) * 60_000;
    if (at + dur > to) break;
    const busy = list.filter((a) => a.start <= at && at < a.end);
    const a = chooseAnomaly(estate, rng.pick(ANOMALY_KINDS), rng, at, dur, busy);
    if (a) list.push({ ...a, cleared: true });
    at += opts.anomalyEveryMs * (0.8 + 0.4 * rng.next());
  }
  return list;
}

// ---------------------------------------------------------------------------------------------------------------
// Sending

const stats = {
  samples: 0,
  requests: 0,
  errors: 0,
  retries: 0,
  ticks: 0,
  latencyMs: 0,
  last: null,
  problems: new Map(),
  noted: false,
  failing: false,
};
const minute = { samples: 0, requests: 0, errors: 0, ticks: 0, latencyMs: 0 };

function noteProblem(status, detail) {
  const key = `${status}: ${detail}`;
  const n = (stats.problems.get(key) ?? 0) + 1;
  stats.problems.set(key, n);
  if (n === 1) {
    warn(
      status === 'network'
        ? `✗ ingest failed (${detail}): samples are dropped until the platform answers again`
        : `✗ ingest rejected (${status}): ${detail}`,
    );
  }
}

/**
 * POST one batch; splits it on 413, and drops a device the endpoint does not know (the JSON format refuses the
 * whole batch for one). True if accepted.
 */
async function postSamples(estate, samples, attempts, unknownLeft = 20) {
  const started = Date.now();
  stats.requests++;
  minute.requests++;
  try {
    const { data } = await http('POST', '/metrics/ingest', { token: auth.ingest, json: samples, attempts });
    const ms = Date.now() - started;
    stats.latencyMs += ms;
    minute.latencyMs += ms;
    if (stats.failing) {
      stats.failing = false;
      stats.problems.clear();
      log(green('✓ ingest requests are accepted again'));
    }
    const accepted = typeof data?.accepted === 'number' ? data.accepted : samples.length;
    stats.samples += accepted;
    minute.samples += accepted;
    if (accepted < samples.length && !stats.noted) {
      stats.noted = true;
      warn(
        `note: ${samples.length - accepted} of ${samples.length} samples not accepted: ${JSON.stringify(data).slice(0, 400)}`,
      );
    }
    return true;
  } catch (e) {
    if (e instanceof HttpError && e.status === 413 && samples.length > 1) {
      noteProblem(413, `${e.detail} (splitting the batch)`);
      const half = Math.ceil(samples.length / 2);
      const a = await postSamples(estate, samples.slice(0, half), attempts);
      const b = await postSamples(estate, samples.slice(half), attempts);
      return a && b;
    }
    const unknown =
      e instanceof HttpError &&
      e.status === 400 &&
      /no device matches (server|rack|datacenter)="([^"]*)"/.exec(e.detail);
    if (unknown && unknownLeft > 0) {
      const [, kind, id] = unknown;
      warn(`the platform does not know ${kind} ${id} (deleted, or outside the token's clearance): leaving it out`);
      exclude(estate, kind, id);
      const rest = samples.filter((s) => String(s[kind]) !== id);
      return rest.length === 0 || postSamples(estate, rest, attempts, unknownLeft - 1);
    }
    stats.errors++;
    minute.errors++;
    stats.failing = true;
    // a token revoked while running stays revoked: restarting makes a new one (when none was given)
    if (e instanceof HttpError && e.status === 401 && !opts.token) {
      noteProblem(401, `${e.detail} (restart the simulator to create a new one)`);
    } else if (e instanceof HttpError) noteProblem(e.status, e.detail);
    else noteProblem('network', e.cause?.code ?? e.message);
    return false;
  }
}

/**
 * Simulate and send the ticks `times` in the order given (live: ascending; backfill: newest first). Live ticks go
 * as one request per rack group, --concurrency at a time; a backfill (`pace`) packs many ticks of a group into
 * each request, one request at a time with a pause after each (see yieldAfter).
 */
async function sendTicks(estate, times, anomaliesAt, attempts, { pace = false } = {}) {
  if (times.length === 0 || estate.groups.length === 0) return true;
  let perTick = 1;
  const probe = simulateTick(estate, times[0], anomaliesAt(times[0]));
  for (const g of estate.groups) {
    let n = g.dc ? (probe.byDatacenter.get(g.dc)?.length ?? 0) : 0;
    for (const r of g.racks) n += probe.byRack.get(r)?.length ?? 0;
    perTick = Math.max(perTick, n);
  }
  const ticksPerChunk = Math.max(1, Math.floor(MAX_SAMPLES_PER_REQUEST / perTick));
  let ok = true;
  for (let i = 0; i < times.length; i += ticksPerChunk) {
    const chunk = times.slice(i, i + ticksPerChunk);
    const batches = estate.groups.map(() => []);
    for (const t of chunk) {
      const tick = i === 0 && t === times[0] ? probe : simulateTick(estate, t, anomaliesAt(t));
      estate.groups.forEach((g, gi) => {
        const out = batches[gi];
        for (const r of g.racks) for (const s of tick.byRack.get(r) ?? []) out.push(s);
        if (g.dc) for (const s of tick.byDatacenter.get(g.dc) ?? []) out.push(s);
      });
      stats.last = tick;
    }
    const results = await mapLimit(
      batches.filter((b) => b.length > 0),
      pace ? 1 : opts.concurrency,
      async (b) => {
        const sentAt = Date.now();
        const ok = await postSamples(estate, b, attempts);
        if (pace) await yieldAfter(sentAt);
        return ok;
      },
    );
    ok &&= results.every(Boolean);
    stats.ticks += chunk.length;
    minute.ticks += chunk.length;
  }
  return ok;
}

// ---------------------------------------------------------------------------------------------------------------
// Simulated history (rollups, not raw samples)

/** History rows per request (the route takes up to 10,000) and model evaluations per bucket. */
const HISTORY_ROWS_PER_REQUEST = 2_000;
const POINTS_PER_HOUR = 6;
const POINTS_PER_MINUTE = 2;

/**
 * After a request of work that can wait (history, backfill), pause so that the platform spends at most --duty %
 * of its time on it (25: three times as long as the request took): a person's clicks are served in between
 * instead of queueing behind it, and small requests (--batch) keep the wait for one short.
 */
const yieldAfter = (startedAt) => sleep(Math.min(((Date.now() - startedAt) * (100 - opts.duty)) / opts.duty, 5_000));

/**
 * Writes simulated 1-minute rollups for the last historyMinutesMs before `to` (where raw samples begin) and
 * 1-hour ones for historyMs before its hour, newest first, only before what D1 already holds (a second run adds
 * nothing). One request at a time.
 */
async function writeHistory(estate, to) {
  const token = await accessToken();
  const { data: have } = await http('GET', '/demo/history', { token, attempts: 3 });
  const hoursTo = Math.floor(to / HOUR) * HOUR;
  const plans = [
    { stepMs: 60_000, points: POINTS_PER_MINUTE, to, from: to - opts.historyMinutesMs, first: have.first_minute },
    { stepMs: HOUR, points: POINTS_PER_HOUR, to: hoursTo, from: hoursTo - opts.historyMs, first: have.first_hour },
  ];
  const started = Date.now();
  let written = 0;
  let rows = 0;
  for (const { stepMs, points, to: planTo, from, first } of plans) {
    const end = Math.min(planTo, first ?? planTo);
    let batch = [];
    // the sites' PUE hours ride with the hourly rollups of the same hours
    let pue = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const sentAt = Date.now();
      const json = pue.length ? { rows: batch, pue } : { rows: batch };
      const { data } = await http('POST', '/demo/history', { token: await accessToken(), json });
      written += data.written;
      rows += batch.length;
      batch = [];
      pue = [];
      await yieldAfter(sentAt);
    };
    for (let t = end - stepMs; t >= from; t -= stepMs) {
      const hourPue = [];
      const bucket = historyRows(estate, t, stepMs, points, stepMs === HOUR ? hourPue : null);
      if (batch.length + bucket.length > HISTORY_ROWS_PER_REQUEST) await flush();
      batch.push(...bucket);
      pue.push(...hourPue);
    }
    await flush();
  }
  log(
    `simulated history: ${fmt(written)} rollup rows written (${fmt(rows - written)} already there) ` +
      `in ${formatDuration(Date.now() - started)}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Main

// stop at once, even in the middle of a backfill (nothing needs cleaning up: the token is kept for next time)
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`stopped: ${fmt(stats.samples)} samples in ${stats.requests} requests, ${stats.errors} errors`);
    process.exit(0);
  });
}
// started by `npm start` with piped output: when that parent is gone, so is the reason to run
process.stdout.on('error', () => process.exit(0));

function statusLine(anomalies, now) {
  const avg = minute.requests ? Math.round(minute.latencyMs / Math.max(1, minute.requests - minute.errors)) : 0;
  const power = stats.last
    ? ` · IT ${fmt(stats.last.itKw)} kW, facility ${fmt(stats.last.facilityKw)} kW (PUE ${(stats.last.facilityKw / stats.last.itKw).toFixed(2)})`
    : '';
  const current = anomalies.current(now);
  const list = current.length
    ? current
        .map((a) => `${ANOMALY_LABELS[a.kind]} ${a.server_name ?? a.rack_name} (${formatDuration(a.end - now)} left)`)
        .join(', ')
    : 'none';
  log(
    `status: ${minute.ticks} ticks, ${fmt(minute.samples)} samples in ${minute.requests} requests, ` +
      `${minute.errors} errors, ${avg} ms/request${power} · anomalies: ${list}`,
  );
  Object.assign(minute, { samples: 0, requests: 0, errors: 0, ticks: 0, latencyMs: 0 });
}

async function main() {
  log(`simulator → ${opts.base} every ${formatDuration(opts.rateMs)}`);
  await setUpCredentials();
  let estate = await loadEstate();
  log(`estate: ${describeEstate(estate)}`);
  if (estate.counts.simulated === 0)
    log('nothing to simulate yet (no active servers); the estate is re-read every 5 minutes');

  const rate = opts.rateMs;
  const anomalies = new Anomalies(prng(opts.seed), opts.anomalyEveryMs, opts.injections);
  let next = Math.floor(Date.now() / rate) * rate;

  // With --history the raw backfill starts on a minute, where the simulated 1-minute rollups end (the hour it
  // starts in is left to the rack objects), so no bucket is written twice.
  const rawFrom = Math.floor((next - Math.floor(opts.backfillMs / rate) * rate) / 60_000) * 60_000;
  let backfill = async () => {};
  if (rawFrom < next) {
    const from = rawFrom;
    const times = [];
    // newest first: the 1-hour chart fills from the right while the rest arrives
    for (let t = next - rate; t >= from; t -= rate) times.push(t);
    const past = backfillAnomalies(estate, from, next);
    for (const a of past) {
      log(`  history: ${ANOMALY_LABELS[a.kind]} on ${where(a)}, ${formatDuration(next - a.start)} ago`);
    }
    const during = (t) => past.filter((a) => a.start <= t && t <= a.end + ANOMALY_AFTERGLOW_MS);
    anomalies.list.push(...past.filter((a) => a.end + ANOMALY_AFTERGLOW_MS > next));
    backfill = async () => {
      log(`backfilling ${formatDuration(next - from)}: ${times.length} ticks ...`);
      const started = Date.now();
      const before = { samples: stats.samples, requests: stats.requests, errors: stats.errors };
      await sendTicks(estate, times, during, 8, { pace: true });
      log(
        `backfill done: ${fmt(stats.samples - before.samples)} samples in ${stats.requests - before.requests} ` +
          `requests (${stats.errors - before.errors} errors) in ${formatDuration(Date.now() - started)}`,
      );
    };
  }
  // History first reaches the newest buckets; both run paced beside the live ticks (or before the --once tick).
  const background = (async () => {
    await backfill();
    if (opts.historyMs > 0 && estate.counts.simulated > 0) await writeHistory(estate, rawFrom);
  })().catch((e) =>
    warn(`history stopped: ${e instanceof HttpError ? `${e.status} ${e.detail}` : (e.cause?.code ?? e.message)}`),
  );

  if (opts.once) {
    await background;
    const ok = await sendTicks(estate, [next], (t) => anomalies.at(t), 4);
    log(
      `once: ${fmt(stats.samples)} samples accepted in ${stats.requests} requests, ${stats.errors} errors` +
        (stats.last ? ` (IT ${fmt(stats.last.itKw)} kW, facility ${fmt(stats.last.facilityKw)} kW)` : ''),
    );
    process.exit(ok && stats.errors === 0 ? 0 : 1);
  }

  anomalies.startLive(Date.now());
  Object.assign(minute, { samples: 0, requests: 0, errors: 0, ticks: 0, latencyMs: 0 });
  let statusAt = Date.now() + 60_000;
  let refreshAt = Date.now() + ESTATE_REFRESH_MS;
  log(`live: ${estate.groups.length} requests per tick, ${opts.concurrency} at a time`);
  for (;;) {
    const now = Date.now();
    if (next > now) {
      await sleep(Math.min(next - now, statusAt - now > 0 ? statusAt - now : next - now));
      if (Date.now() >= statusAt) {
        statusLine(anomalies, Date.now());
        statusAt += 60_000;
      }
      continue;
    }
    if (now - next > MAX_CATCH_UP_MS) {
      const skip = Math.floor((now - next - MAX_CATCH_UP_MS) / rate) + 1;
      warn(`fell ${formatDuration(now - next)} behind: skipping ${skip} ticks`);
      next += skip * rate;
    }
    const due = [];
    for (; next <= now; next += rate) due.push(next);
    for (const t of due) anomalies.advance(estate, t);
    await sendTicks(estate, due, (t) => anomalies.at(t), 3);

    if (Date.now() >= statusAt) {
      statusLine(anomalies, Date.now());
      statusAt += 60_000 * Math.max(1, Math.ceil((Date.now() - statusAt) / 60_000));
    }
    if (Date.now() >= refreshAt) {
      refreshAt = Date.now() + ESTATE_REFRESH_MS;
      try {
        const fresh = await loadEstate(3);
        if (fresh.counts.servers !== estate.counts.servers || fresh.counts.simulated !== estate.counts.simulated) {
          log(`estate changed: ${describeEstate(fresh)}`);
        }
        estate = fresh;
      } catch (e) {
        warn(`could not re-read the estate (${e.message}); keeping the previous one`);
      }
    }
  }
}

main().catch((e) => fail(e instanceof HttpError ? `${e.status} ${e.detail}` : (e.stack ?? e.message), 1));
