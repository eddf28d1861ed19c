// The telemetry simulator's physics (scripts/simulate.mjs does the networking). Pure and deterministic: every
// value is a function of the device's id, its inventory fields, the timestamp and the anomalies in force, so a
// backfill and a live run agree, and the same estate gives the same charts on every machine.
//
//   simulateServer(server, rack, datacenter, t, anomalies)  → { samples, power_w, ... }
//   simulateRack(rack, datacenter, serverResults, t, anomalies) → { samples, power_kw }
//   simulateDatacenter(datacenter, itPowerKw, t)             → { samples, facility_power_kw, pue }
//   simulateTick(estate, t, anomalies)                      → samples grouped by rack and datacenter
//
// Objects are the API's own shapes (GET /api/servers, /api/racks, /api/datacenters). Samples are the JSON
// ingest format: { server: id, metric, value, ts } / { rack: id, ... } / { datacenter: id, ... }.

import { DATACENTER_METRICS, RACK_METRICS, SERVER_METRICS } from '../../worker/telemetry/metric-names.ts';

export { DATACENTER_METRICS, RACK_METRICS, SERVER_METRICS };

export const ANOMALY_KINDS = ['fan_failure', 'runaway_process', 'pdu_near_limit'];
export const ANOMALY_LABELS = {
  fan_failure: 'fan failure',
  runaway_process: 'runaway process',
  pdu_near_limit: 'PDU near its limit',
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------------------------------------------------------
// Deterministic randomness

/** A 32-bit hash of integers (murmur3-style finaliser over each input). */
export function hash32(...keys) {
  let h = 0x9e3779b9;
  for (const k of keys) {
    let x = Math.imul(k | 0, 0xcc9e2d51) ^ Math.imul((k / 4294967296) | 0, 0x1b873593);
    x = (x << 15) | (x >>> 17);
    h ^= Math.imul(x, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform in [0, 1) from integer keys. */
export const rand01 = (...keys) => hash32(...keys) / 4294967296;
/** Uniform in [-1, 1) from integer keys. */
const randSigned = (...keys) => rand01(...keys) * 2 - 1;
/** Uniform in [lo, hi) from integer keys. */
const between = (lo, hi, ...keys) => lo + (hi - lo) * rand01(...keys);

/** A string (or number) to a 32-bit seed. */
export function seedOf(value) {
  const s = String(value);
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Smooth value noise in [-1, 1]: a hashed lattice every `periodMs`, smoothstep-interpolated. */
export function valueNoise(seed, t, periodMs) {
  const x = t / periodMs;
  const k = Math.floor(x);
  const f = x - k;
  const s = f * f * (3 - 2 * f);
  const a = randSigned(seed, k);
  const b = randSigned(seed, k + 1);
  return a + (b - a) * s;
}

/** Two octaves of value noise, in about [-1, 1]. */
export function fbm(seed, t, periodMs) {
  return (valueNoise(seed, t, periodMs) * 2 + valueNoise(seed ^ 0x5bd1e995, t, periodMs / 3)) / 3;
}

const clamp = (x, lo, hi) => Math.min(hi, Math.max(lo, x));
const round = (x, digits) => {
  const p = 10 ** digits;
  return Math.round(x * p) / p;
};
/** Per-metric salts, so one device's metrics do not share their noise. */
const SALT = Object.fromEntries(
  [...SERVER_METRICS, 'rack_inlet', 'humidity', 'rack_power', 'pue', 'job', 'dip'].map((m) => [m, seedOf(m)]),
);

// ---------------------------------------------------------------------------------------------------------------
// Local time

const ZONES = [
  [
    /new york|new jersey|secaucus|ashburn|virginia|boston|atlanta|miami|toronto|montr[eé]al|philadelphia/i,
    'America/New_York',
  ],
  [/chicago|dallas|texas|houston|austin|minneapolis|kansas/i, 'America/Chicago'],
  [/denver|phoenix|salt lake|utah|colorado/i, 'America/Denver'],
  [
    /california|san jose|santa clara|los angeles|san francisco|seattle|oregon|portland|vancouver|nevada/i,
    'America/Los_Angeles',
  ],
  [/s[aã]o paulo|brazil|brasil/i, 'America/Sao_Paulo'],
  [/london|slough|united kingdom|\buk\b|england|manchester/i, 'Europe/London'],
  [/dublin|ireland/i, 'Europe/Dublin'],
  [/lisbon|portugal/i, 'Europe/Lisbon'],
  [
    /paris|france|frankfurt|germany|berlin|munich|amsterdam|netherlands|brussels|belgium|madrid|spain|milan|italy|zurich|switzerland|vienna|austria|stockholm|sweden|oslo|norway|copenhagen|denmark|warsaw|poland/i,
    'Europe/Paris',
  ],
  [/helsinki|finland|athens|greece|bucharest/i, 'Europe/Helsinki'],
  [/dubai|emirates|\buae\b/i, 'Asia/Dubai'],
  [/mumbai|india|bangalore|bengaluru|chennai|delhi|hyderabad/i, 'Asia/Kolkata'],
  [/singapore/i, 'Asia/Singapore'],
  [/hong kong/i, 'Asia/Hong_Kong'],
  [/shanghai|beijing|china/i, 'Asia/Shanghai'],
  [/tokyo|osaka|japan/i, 'Asia/Tokyo'],
  [/seoul|korea/i, 'Asia/Seoul'],
  [/sydney|melbourne|australia/i, 'Australia/Sydney'],
  [/johannesburg|cape town|south africa/i, 'Africa/Johannesburg'],
];
const FALLBACK_ZONES = ['America/New_York', 'Europe/Paris', 'Asia/Singapore', 'America/Los_Angeles', 'Asia/Tokyo'];
const TROPICAL = /singapore|jurong|malaysia|jakarta|indonesia|bangkok|thailand|manila|mumbai|chennai|miami|dubai/i;

/** The IANA time zone of a datacenter, from its location text, else by its index in the estate. */
export function timeZoneFor(location, index = 0) {
  for (const [re, zone] of ZONES) if (re.test(location ?? '')) return zone;
  return FALLBACK_ZONES[index % FALLBACK_ZONES.length];
}

const offsetCache = new Map();
/** Minutes east of UTC in `zone` at `t` (cached per zone and hour; DST changes fall on hour boundaries). */
export function utcOffsetMinutes(zone, t) {
  const key = `${zone}|${Math.floor(t / HOUR)}`;
  let off = offsetCache.get(key);
  if (off === undefined) {
    try {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-US', {
          timeZone: zone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
        })
          .formatToParts(new Date(Math.floor(t / HOUR) * HOUR))
          .map((p) => [p.type, Number(p.value)]),
      );
      const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
      off = Math.round((asUtc - Math.floor(t / HOUR) * HOUR) / MINUTE);
    } catch {
      off = 0;
    }
    if (offsetCache.size > 5000) offsetCache.clear();
    offsetCache.set(key, off);
  }
  return off;
}

/** Local clock at `t`: fractional hour of day and whether it is a weekend. */
export function localClock(zone, t) {
  const local = t + utcOffsetMinutes(zone, t) * MINUTE;
  const hour = (((local % DAY) + DAY) % DAY) / HOUR;
  const weekday = new Date(local).getUTCDay();
  return { hour, weekend: weekday === 0 || weekday === 6 };
}

/** Business load over the day, 0 at about 04:00 and 1 at about 15:00, with a softer evening shoulder. */
export function diurnal(hour) {
  const base = 0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 3.5)) / 24);
  const evening = 0.12 * Math.exp(-(((hour - 20.5) / 1.6) ** 2));
  return clamp(base ** 1.3 + evening, 0, 1);
}

/** Outside-air temperature shape over the day: 0 before dawn, 1 mid-afternoon. */
const outsideWarmth = (hour) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 5)) / 24);

// ---------------------------------------------------------------------------------------------------------------
// Profiles: fixed per device, derived from its id and inventory

const COOLING = {
  'Air Cooling': { inlet: [21.5, 23.5], noise: 0.35, load: 0.9, strat: 1.6, airDt: 1, fan: 1 },
  'In-Row': { inlet: [20.5, 22], noise: 0.2, load: 0.4, strat: 0.8, airDt: 1, fan: 0.9 },
  'Rear-Door Heat Exchanger': { inlet: [20.5, 22], noise: 0.2, load: 0.4, strat: 0.6, airDt: 0.95, fan: 0.9 },
  Hybrid: { inlet: [19.5, 21.5], noise: 0.15, load: 0.3, strat: 0.5, airDt: 0.8, fan: 0.75 },
  'Liquid Cooling': { inlet: [18.5, 19.8], noise: 0.06, load: 0.1, strat: 0.2, airDt: 0.7, fan: 0.55 },
  Immersion: { inlet: [18.3, 19.3], noise: 0.04, load: 0.08, strat: 0.1, airDt: 0.65, fan: 0.4 },
};
const coolingOf = (rack) => COOLING[rack?.cooling_type] ?? COOLING['Air Cooling'];
export const isLiquidCooled = (rack) => coolingOf(rack).airDt < 0.9;

/** Network interface capacity in bits/s by server type. */
const NIC_BPS = { Compute: 25e9, Database: 25e9, Storage: 100e9, GPU: 200e9 };

export function serverProfile(server) {
  const id = Number(server.id) | 0;
  const type = NIC_BPS[server.server_type] ? server.server_type : 'Compute';
  const psu = server.power_supply_w > 0 ? server.power_supply_w : 500;
  const uSize = server.u_size ?? 1;
  const r = (n) => rand01(id, 0x5eed, n);
  // peak draw at 100 % load: PSUs are sized with headroom (redundant pairs), so ~60 % of the rating
  const peakW = psu * 0.6 * (type === 'GPU' ? 1.05 + 0.15 * r(1) : 0.9 + 0.25 * r(1));
  const idleW = peakW * (type === 'GPU' ? 0.25 : 0.32 + 0.06 * r(2));
  const fanMax = uSize <= 1 ? 15_000 + 4_000 * r(3) : uSize === 2 ? 11_000 + 3_000 * r(3) : 8_000 + 3_000 * r(3);
  return {
    id,
    type,
    psu,
    peakW,
    idleW,
    /** air temperature rise across the server at peak power, °C */
    dtFull: 8 + 7 * r(4),
    fanMin: fanMax * (0.18 + 0.06 * r(5)),
    fanMax,
    cpuBase: { Compute: 14 + 14 * r(6), Database: 50 + 14 * r(6), Storage: 7 + 8 * r(6), GPU: 4 + 6 * r(6) }[type],
    cpuAmp: { Compute: 35 + 25 * r(7), Database: 10 + 8 * r(7), Storage: 8 + 8 * r(7), GPU: 0 }[type],
    memBase: { Compute: 38 + 30 * r(8), Database: 76 + 12 * r(8), Storage: 28 + 20 * r(8), GPU: 45 + 25 * r(8) }[type],
    diskBase: { Compute: 18 + 35 * r(9), Database: 38 + 30 * r(9), Storage: 52 + 25 * r(9), GPU: 28 + 30 * r(9) }[type],
    /** % per day, reset by clean-ups every `diskCycleDays` */
    diskRate: 0.15 + 0.45 * r(10),
    diskCycleDays: 18 + Math.floor(24 * r(11)),
    diskPhase: r(12),
    nicBps: NIC_BPS[type],
    /** out/in ratio: web servers send more than they receive, databases send query results */
    netRatio: { Compute: 1.2 + 0.7 * r(13), Database: 1.8 + 1.2 * r(13), Storage: 0.8 + 0.5 * r(13), GPU: 0.85 }[type],
    /** GPU: share of 20-minute slots with a training job running */
    jobShare: 0.45 + 0.35 * r(14),
    /** a server's own offset from the rack inlet, °C */
    inletOffset: 0.3 * randSigned(id, 0x5eed, 15),
    phase: r(16) * 0.6 - 0.3,
    /** a forgotten ("zombie") server: powered, running nothing, under 5 % CPU (the idle-server recommendation) */
    forgotten: type === 'Compute' && r(17) < 0.05,
  };
}

export function rackProfile(rack) {
  const id = Number(rack.id) | 0;
  const c = coolingOf(rack);
  const r = (n) => rand01(id, 0xbac4, n);
  const position = Number(rack.position) || Number(/(\d+)\s*$/.exec(rack.name ?? '')?.[1]) || 1;
  const row = String(rack.row ?? '');
  const rowIndex = row ? row.toUpperCase().charCodeAt(0) - 65 : 0;
  // racks further from the cooling units run warmer, and some rows are hot spots
  const positionWarmth = Math.min(1.6, 0.11 * (position - 1)) * (c.load / 0.9);
  const rowWarmth = (rand01(rowIndex, Number(rack.datacenter_id) | 0, 0x40f) - 0.4) * 1.2 * (c.load / 0.9);
  return {
    id,
    cooling: c,
    inletBase: c.inlet[0] + (c.inlet[1] - c.inlet[0]) * r(1) + positionWarmth + rowWarmth,
    uCapacity: Number(rack.u_capacity) || 42,
    humidityOffset: 3 * randSigned(id, 0xbac4, 2),
    pduOverhead: 0.025 + 0.01 * r(3),
  };
}

export function datacenterProfile(dc, index = dc.index ?? 0) {
  const id = Number(dc.id) | 0;
  const r = (n) => rand01(id, 0xdc, n);
  const tropical = TROPICAL.test(dc.location ?? '');
  const target = Number(dc.pue_target);
  // a site usually runs a little above its PUE target; hot afternoons cost more cooling energy
  const pueBase = clamp(target >= 1 ? target - 0.02 + 0.05 * r(1) : 1.25 + 0.2 * r(1), 1.12, 1.55);
  return {
    id,
    zone: timeZoneFor(dc.location, index),
    pueBase,
    pueSwing: tropical ? 0.03 + 0.02 * r(2) : 0.06 + 0.06 * r(2),
    humidityBase: tropical ? 50 + 4 * r(3) : 40 + 7 * r(3),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Anomalies: { id, kind, server_id?, rack_id, datacenter_id, start, end } in Unix ms. The model reads them
// while they are in force and shortly after (temperatures take minutes to settle back).

/** How far an effect has developed at t: rises with time constant `tau` from `start`, decays after `end`. */
export function ramp(anomaly, t, tau, tauDecay = tau) {
  if (t < anomaly.start) return 0;
  const until = Math.min(t, anomaly.end);
  const peak = 1 - Math.exp(-(until - anomaly.start) / tau);
  return t <= anomaly.end ? peak : peak * Math.exp(-(t - anomaly.end) / tauDecay);
}

/** After this long past its end an anomaly no longer shows (the decays are below measurement noise). */
export const ANOMALY_AFTERGLOW_MS = 12 * MINUTE;

const effect = (anomalies, kind, pred, t, tau, tauDecay) => {
  let e = 0;
  for (const a of anomalies ?? []) if (a.kind === kind && pred(a)) e = Math.max(e, ramp(a, t, tau, tauDecay));
  return e;
};

// ---------------------------------------------------------------------------------------------------------------
// The model

/** Rack inlet air temperature at t, before the servers' own offsets. */
export function rackInlet(rack, dc, t, anomalies, rp = rackProfile(rack), dp = datacenterProfile(dc)) {
  const { hour } = localClock(dp.zone, t);
  const c = rp.cooling;
  const load = diurnal(hour);
  const fanHeat = effect(anomalies, 'fan_failure', (a) => a.rack_id === rp.id, t, 3 * MINUTE, 4 * MINUTE);
  const pduHeat = effect(anomalies, 'pdu_near_limit', (a) => a.rack_id === rp.id, t, 4 * MINUTE, 4 * MINUTE);
  const v =
    rp.inletBase +
    c.load * load +
    c.noise * fbm(rp.id ^ SALT.rack_inlet, t, 12 * MINUTE) +
    0.25 * c.noise * randSigned(rp.id, SALT.rack_inlet, Math.floor(t / 1000)) +
    2.8 * fanHeat * c.fan +
    1.2 * pduHeat * c.load;
  return clamp(v, 16, 34);
}

/**
 * One server at t. `rackInletC` may be passed when already computed for the rack. Returns its samples
 * (none unless active or in maintenance) and the physical quantities the rack roll-up needs.
 */
export function simulateServer(server, rack, dc, t, anomalies = [], rackInletC) {
  if (server.status !== 'active' && server.status !== 'maintenance') {
    return { samples: [], power_w: 0, simulated: false };
  }
  const p = serverProfile(server);
  const rp = rackProfile(rack);
  const dp = datacenterProfile(dc);
  const id = p.id;
  const sec = Math.floor(t / 1000);
  const { hour, weekend } = localClock(dp.zone, t);
  const d = diurnal((hour + p.phase + 24) % 24) * (weekend ? 0.72 : 1);
  const jitter = (salt) => randSigned(id, salt, sec);
  const slow = (salt, period) => fbm(id ^ salt, t, period);

  const runaway = effect(anomalies, 'runaway_process', (a) => a.server_id === id, t, 25_000, 40_000);
  const pduLoad = effect(anomalies, 'pdu_near_limit', (a) => a.rack_id === rp.id, t, 90_000, 60_000);
  const fanDead = effect(anomalies, 'fan_failure', (a) => a.server_id === id, t, 12_000, 20_000);
  const fanHeat = effect(anomalies, 'fan_failure', (a) => a.server_id === id, t, 2.5 * MINUTE, 3 * MINUTE);

  // --- CPU
  let cpu;
  let gpuBusy = 0;
  if (server.status === 'maintenance') {
    cpu = 2 + 4 * rand01(id, 77) + 1.5 * slow(SALT.cpu_pct, 15 * MINUTE) + 0.8 * jitter(SALT.cpu_pct);
  } else if (p.forgotten) {
    // agents and cron only: never an hour at 5 %
    cpu = 1 + 1.5 * rand01(id, 78) + 0.5 * slow(SALT.cpu_pct, 15 * MINUTE) + 0.3 * jitter(SALT.cpu_pct);
  } else if (p.type === 'GPU') {
    // training jobs fill 20-minute slots (more by day); checkpoints dip the host load briefly. The host CPU of a
    // job stays under 90 %: the GPUs do the work, and a pegged host is a fault (the runaway process), not normal
    const slot = Math.floor(t / (20 * MINUTE));
    const busy = (s) => rand01(id, SALT.job, s) < p.jobShare * (0.75 + 0.5 * d);
    const into = (t % (20 * MINUTE)) / MINUTE;
    // jobs spin up over a minute and wind down over 30 s
    if (busy(slot)) gpuBusy = busy(slot - 1) ? 1 : Math.min(1, into);
    else gpuBusy = busy(slot - 1) ? Math.max(0, 1 - 2 * into) : 0;
    const checkpoint = gpuBusy > 0.9 && t % (7 * MINUTE) < 25_000 ? 0.55 : 1;
    cpu =
      p.cpuBase +
      gpuBusy * (64 + 12 * rand01(id, SALT.job, slot)) * checkpoint +
      3 * slow(SALT.cpu_pct, 8 * MINUTE) +
      2.5 * jitter(SALT.cpu_pct);
  } else {
    const nightly =
      p.type === 'Database' && hour >= 1 && hour < 2 ? 14 : p.type === 'Storage' && hour >= 0.5 && hour < 4 ? 9 : 0;
    cpu =
      p.cpuBase +
      p.cpuAmp * d +
      nightly +
      { Compute: 6, Database: 3, Storage: 3 }[p.type] * slow(SALT.cpu_pct, 20 * MINUTE) +
      { Compute: 2.5, Database: 1.5, Storage: 1.5 }[p.type] * jitter(SALT.cpu_pct);
  }
  cpu = clamp(cpu, 0.5, 100);
  if (pduLoad > 0) cpu += (Math.max(cpu, 88 + 6 * rand01(id, 91)) - cpu) * pduLoad;
  if (runaway > 0) cpu += (99 + 0.8 * rand01(id, sec) - cpu) * runaway;
  cpu = clamp(cpu, 0.5, 100);

  // --- memory, disk
  const mem = clamp(
    p.memBase +
      6 * slow(SALT.mem_pct, 2 * HOUR) +
      0.06 * (cpu - 40) +
      (p.type === 'GPU' ? 12 * gpuBusy : 0) +
      4 * runaway +
      0.3 * jitter(SALT.mem_pct),
    3,
    98.5,
  );
  const days = t / DAY + p.diskPhase * p.diskCycleDays;
  const disk = clamp(p.diskBase + p.diskRate * (days % p.diskCycleDays) + 0.3 * slow(SALT.disk_pct, 6 * HOUR), 1, 97);

  // --- network (bits/s)
  const u = cpu / 100;
  let netIn;
  if (server.status === 'maintenance') netIn = p.nicBps * (0.0004 + 0.0003 * rand01(id, sec, 5));
  else if (p.type === 'Storage') {
    const backup = hour >= 0.5 && hour < 4 ? 0.22 : 0;
    netIn = p.nicBps * (0.02 + 0.14 * d + backup) * (1 + 0.25 * slow(SALT.net_in_bps, 10 * MINUTE));
  } else if (p.type === 'GPU') {
    netIn = p.nicBps * (0.002 + gpuBusy * (0.12 + 0.2 * rand01(id, SALT.job, Math.floor(t / 30_000))));
  } else {
    netIn = p.nicBps * (0.004 + 0.07 * u) * (1 + 0.3 * slow(SALT.net_in_bps, 8 * MINUTE));
  }
  netIn *= 1 + 0.08 * jitter(SALT.net_in_bps);
  let netOut =
    netIn * (p.type === 'Storage' ? p.netRatio * (1 + 0.8 * d) : p.netRatio) * (1 + 0.1 * jitter(SALT.net_out_bps));
  netIn = clamp(netIn, 0, p.nicBps * 0.94);
  netOut = clamp(netOut, 0, p.nicBps * 0.94);

  // --- power: idle floor plus a near-linear dynamic range (GPUs draw by accelerator load, not host CPU)
  const load = p.type === 'GPU' && server.status === 'active' ? Math.max(gpuBusy * 0.95, u * 0.6) : u;
  let power = (p.idleW + (p.peakW - p.idleW) * load ** 0.9) * (1 + 0.012 * jitter(SALT.power_w)) * (1 + 0.04 * fanHeat);
  power = clamp(power, p.idleW * 0.9, p.psu);

  // --- temperatures and fans
  const c = rp.cooling;
  const rackIn = rackInletC ?? rackInlet(rack, dc, t, anomalies, rp, dp);
  const heightInRack = clamp(((server.u_position ?? 1) + (server.u_size ?? 1) / 2) / rp.uCapacity, 0, 1);
  const inlet = clamp(rackIn + c.strat * heightInRack + p.inletOffset + 0.1 * jitter(SALT.inlet_temp_c), 15, 36);
  // ΔT at peak power: 8-15 °C; liquid-cooled racks take part of the heat in water, so their air warms less
  const dT = ((8 + (p.dtFull - 8) * c.airDt) * power) / p.peakW;
  const outlet = clamp(inlet + dT * (1 + 1.3 * fanHeat) + 9 * fanHeat + 0.2 * jitter(SALT.outlet_temp_c), inlet, 78);
  const thermal = clamp((outlet - 27) / 23, 0, 1);
  const fanNormal =
    (p.fanMin + (p.fanMax - p.fanMin) * (0.1 + 0.9 * thermal) * c.fan) * (1 + 0.015 * jitter(SALT.fan_rpm));
  const fan = fanDead > 0 ? fanNormal * (1 - fanDead) + 60 * rand01(id, sec, 9) * fanDead : fanNormal;

  const ts = t;
  const s = (metric, value) => ({ server: id, metric, value, ts });
  return {
    simulated: true,
    power_w: power,
    inlet_temp_c: inlet,
    outlet_temp_c: outlet,
    samples: [
      s('cpu_pct', round(cpu, 1)),
      s('mem_pct', round(mem, 1)),
      s('disk_pct', round(disk, 2)),
      s('net_in_bps', Math.round(netIn)),
      s('net_out_bps', Math.round(netOut)),
      s('power_w', round(power, 1)),
      s('inlet_temp_c', round(inlet, 2)),
      s('outlet_temp_c', round(outlet, 2)),
      s('fan_rpm', Math.round(fan)),
    ],
  };
}

/** The rack's PDU and sensors at t, given its servers' results at the same t. */
export function simulateRack(rack, dc, serverResults, t, anomalies = [], rackInletC) {
  const rp = rackProfile(rack);
  const dp = datacenterProfile(dc);
  const { hour } = localClock(dp.zone, t);
  const itW = serverResults.reduce((sum, r) => sum + (r.power_w ?? 0), 0);
  let kw = (itW / 1000) * (1 + rp.pduOverhead) * (1 + 0.006 * randSigned(rp.id, SALT.rack_power, Math.floor(t / 1000)));
  const cap = Number(rack.power_capacity_kw) || 0;
  const near = effect(anomalies, 'pdu_near_limit', (a) => a.rack_id === rp.id, t, 70_000, 60_000);
  if (near > 0 && cap > 0) {
    // load beyond what the servers account for (a new unregistered device, a PSU fault): the PDU reads it
    const target = cap * (0.945 + 0.02 * valueNoise(rp.id ^ SALT.rack_power, t, 40_000));
    kw += Math.max(0, target - kw) * near;
  }
  if (cap > 0) kw = Math.min(kw, cap * 0.995);
  const inlet = rackInletC ?? rackInlet(rack, dc, t, anomalies, rp, dp);
  const humidity = clamp(
    dp.humidityBase +
      rp.humidityOffset +
      3 * fbm(rp.id ^ SALT.humidity, t, 3 * HOUR) -
      2.5 * outsideWarmth(hour) +
      0.15 * randSigned(rp.id, SALT.humidity, Math.floor(t / 1000)),
    20,
    75,
  );
  const s = (metric, value) => ({ rack: rp.id, metric, value, ts: t });
  return {
    power_kw: kw,
    samples: [s('power_kw', round(kw, 3)), s('inlet_temp_c', round(inlet, 2)), s('humidity_pct', round(humidity, 1))],
  };
}

/**
 * A storage array at t, named by its inventory name (the platform routes it to its rack, labelled device=<name>):
 * IOPS follow the site's business day with a write-heavy backup window at night; latency climbs steeply as the
 * array nears its IOPS ceiling; throughput is IOPS × the usual block sizes (32 KiB reads, 64 KiB writes).
 */
export function simulateStorage(array, dc, t) {
  const id = Number(array.id) | 0;
  const dp = datacenterProfile(dc);
  const { hour } = localClock(dp.zone, t);
  const flash = array.storage_type === 'SAN' || array.storage_type === 'Block';
  const ceiling = (flash ? 180_000 : 60_000) * between(0.7, 1.2, id, 31);
  const backup = Math.exp(-(((hour - 2.5) / 0.9) ** 2));
  const busy = clamp(
    0.08 +
      0.45 * diurnal(hour) +
      0.1 * fbm(id ^ 0x5a17, t, 20 * MINUTE) +
      0.04 * randSigned(id, Math.floor(t / 1000), 3),
    0.02,
    0.97,
  );
  const read = ceiling * busy * (1 - 0.35 * backup);
  const write = ceiling * (0.22 * busy + 0.45 * backup) * (1 + 0.1 * randSigned(id, Math.floor(t / 1000), 4));
  const load = clamp((read + write) / ceiling, 0, 0.99);
  const latency = (flash ? 0.35 : 1.1) * (1 + 2.5 * load ** 3) * (1 + 0.06 * randSigned(id, Math.floor(t / 1000), 5));
  const s = (metric, value) => ({ server: array.name, metric, value, ts: t });
  return [
    s('storage_read_iops', Math.round(read)),
    s('storage_write_iops', Math.round(Math.max(0, write))),
    s('storage_read_mbps', round((read * 32) / 1024, 1)),
    s('storage_write_mbps', round((Math.max(0, write) * 64) / 1024, 1)),
    s('storage_latency_ms', round(latency, 3)),
  ];
}

/**
 * A top-of-rack switch's uplinks at t: the rack's servers' traffic, shared equally, in bits/s per port
 * (network_rx_bps / network_tx_bps labelled ifName), as the switch reports them (the traffic view reads a link from
 * either end).
 */
export function simulateUplinks(uplinks, serverResults, t) {
  let inBps = 0;
  let outBps = 0;
  for (const r of serverResults) {
    for (const x of r.samples) {
      if (x.metric === 'net_in_bps') inBps += x.value;
      else if (x.metric === 'net_out_bps') outBps += x.value;
    }
  }
  const n = uplinks.length;
  const samples = [];
  for (const p of uplinks) {
    const rx = Math.round(inBps / n);
    const tx = Math.round(outBps / n);
    const port = (device, ifName, rxBps, txBps) => [
      { server: device, metric: 'network_rx_bps', value: rxBps, ts: t, labels: { ifName } },
      { server: device, metric: 'network_tx_bps', value: txBps, ts: t, labels: { ifName } },
    ];
    samples.push(...port(p.device_name, p.name, rx, tx));
  }
  return samples;
}

/** The datacenter's facility meter: IT power (sum of rack PDUs) × a PUE that follows the outside temperature. */
export function simulateDatacenter(dc, itPowerKw, t, index = dc.index ?? 0) {
  const dp = datacenterProfile(dc, index);
  const { hour } = localClock(dp.zone, t);
  const pue = clamp(
    dp.pueBase + dp.pueSwing * (outsideWarmth(hour) - 0.35) + 0.012 * fbm(dp.id ^ SALT.pue, t, 30 * MINUTE),
    1.08,
    1.75,
  );
  const kw = itPowerKw * pue;
  return {
    pue,
    facility_power_kw: kw,
    samples: [{ datacenter: dp.id, metric: 'facility_power_kw', value: round(kw, 2), ts: t }],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The estate

/**
 * Index the inventory once: datacenters by id (with their index, for the time-zone fallback), racks by id,
 * servers by rack. Servers whose rack or datacenter is missing are dropped.
 */
export function buildEstate({ datacenters, racks, servers, storage = [], ports = [] }) {
  const dcs = new Map(datacenters.map((dc, index) => [dc.id, { ...dc, index }]));
  const rackMap = new Map();
  for (const r of racks) if (dcs.has(r.datacenter_id)) rackMap.set(r.id, r);
  const byRack = new Map([...rackMap.keys()].map((id) => [id, []]));
  for (const s of servers) byRack.get(s.rack_id)?.push(s);
  const live = (s) => s.status === 'active' || s.status === 'maintenance';
  // storage arrays and the cabled ports of top-of-rack switches, by rack (GET /api/storage, /api/network/ports)
  const storageByRack = new Map();
  for (const a of storage)
    if (a.rack_id && rackMap.has(a.rack_id) && a.status === 'active')
      storageByRack.set(a.rack_id, [...(storageByRack.get(a.rack_id) ?? []), a]);
  const uplinksByRack = new Map();
  for (const p of ports)
    if (p.rack_id && rackMap.has(p.rack_id) && p.peer && p.device_type === 'access_switch')
      uplinksByRack.set(p.rack_id, [...(uplinksByRack.get(p.rack_id) ?? []), p]);
  return {
    datacenters: [...dcs.values()],
    dcById: dcs,
    racks: [...rackMap.values()],
    rackById: rackMap,
    serversByRack: byRack,
    storageByRack,
    uplinksByRack,
    serverById: new Map(servers.filter((s) => rackMap.has(s.rack_id)).map((s) => [s.id, s])),
    counts: {
      servers: servers.length,
      active: servers.filter((s) => s.status === 'active').length,
      maintenance: servers.filter((s) => s.status === 'maintenance').length,
      simulated: servers.filter((s) => live(s) && rackMap.has(s.rack_id)).length,
    },
  };
}

/**
 * Every sample of the estate at t. Returns samples per rack id (its servers' and its own), per datacenter id
 * (the facility meter), and totals for status lines.
 */
export function simulateTick(estate, t, anomalies = []) {
  const byRack = new Map();
  const itKw = new Map();
  for (const rack of estate.racks) {
    const dc = estate.dcById.get(rack.datacenter_id);
    const inlet = rackInlet(rack, dc, t, anomalies);
    const results = [];
    const samples = [];
    for (const server of estate.serversByRack.get(rack.id) ?? []) {
      const r = simulateServer(server, rack, dc, t, anomalies, inlet);
      if (!r.simulated) continue;
      results.push(r);
      for (const s of r.samples) samples.push(s);
    }
    for (const array of estate.storageByRack?.get(rack.id) ?? []) {
      for (const x of simulateStorage(array, dc, t)) samples.push(x);
    }
    const uplinks = estate.uplinksByRack?.get(rack.id);
    if (uplinks?.length) for (const x of simulateUplinks(uplinks, results, t)) samples.push(x);
    // an empty rack has no PDU reading worth sending
    if (results.length > 0) {
      const rr = simulateRack(rack, dc, results, t, anomalies, inlet);
      for (const s of rr.samples) samples.push(s);
      itKw.set(dc.id, (itKw.get(dc.id) ?? 0) + rr.power_kw);
    }
    byRack.set(rack.id, samples);
  }
  const byDatacenter = new Map();
  let facilityKw = 0;
  let totalIt = 0;
  for (const dc of estate.datacenters) {
    const it = itKw.get(dc.id) ?? 0;
    if (it <= 0) continue;
    const r = simulateDatacenter(dc, it, t, dc.index);
    byDatacenter.set(dc.id, r.samples);
    facilityKw += r.facility_power_kw;
    totalIt += it;
  }
  return { byRack, byDatacenter, itKw: totalIt, facilityKw, itByDatacenter: itKw };
}

// ---------------------------------------------------------------------------------------------------------------
// Choosing anomaly targets

/**
 * A new anomaly of `kind` starting at `start` for `durationMs`, on a target chosen with `rng` (a prng()) among
 * active servers / populated racks not already under an anomaly. Null if nothing fits.
 */
export function chooseAnomaly(estate, kind, rng, start, durationMs, busy = []) {
  const busyServers = new Set(busy.map((a) => a.server_id).filter(Boolean));
  const busyRacks = new Set(busy.filter((a) => a.kind !== 'runaway_process').map((a) => a.rack_id));
  const activeIn = (rack) => (estate.serversByRack.get(rack.id) ?? []).filter((s) => s.status === 'active');
  let server = null;
  let rack = null;
  if (kind === 'pdu_near_limit') {
    const racks = estate.racks.filter(
      (r) => Number(r.power_capacity_kw) > 0 && activeIn(r).length >= 3 && !busyRacks.has(r.id),
    );
    if (racks.length === 0) return null;
    rack = rng.pick(racks);
  } else {
    let candidates = [];
    for (const r of estate.racks) {
      if (kind === 'fan_failure' && busyRacks.has(r.id)) continue;
      for (const s of activeIn(r)) if (!busyServers.has(s.id)) candidates.push(s);
    }
    // fan failures show best in air-cooled racks; runaway processes on general-purpose servers
    const preferred = candidates.filter((s) =>
      kind === 'fan_failure' ? !isLiquidCooled(estate.rackById.get(s.rack_id)) : s.server_type !== 'GPU',
    );
    if (preferred.length > 0) candidates = preferred;
    if (candidates.length === 0) return null;
    server = rng.pick(candidates);
    rack = estate.rackById.get(server.rack_id);
  }
  const dc = estate.dcById.get(rack.datacenter_id);
  return {
    id: `${kind}:${start}:${server?.id ?? rack.id}`,
    kind,
    server_id: server?.id ?? null,
    server_name: server?.name ?? null,
    rack_id: rack.id,
    rack_name: rack.name,
    datacenter_id: dc.id,
    datacenter_name: dc.name,
    start,
    end: start + durationMs,
  };
}

/** 125000 → "2m05s" */
export function formatDuration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Simulated rollup rows of one bucket [start, start + stepMs) for every server and rack of the estate: the model
 * evaluated at `points` evenly spaced instants (not every 10 s: history stays cheap), aggregated as the rack
 * objects aggregate samples. Rows are POST /api/demo/history's:
 * [rack_id, server_id (0: the rack's own sensors), metric, step_s, bucket_start, count, sum, min, max, last, p95].
 */
export function historyRows(estate, start, stepMs, points, pueOut = null) {
  const acc = new Map();
  const sites = new Map();
  for (let i = 0; i < points; i++) {
    const tick = simulateTick(estate, start + Math.floor((i * stepMs) / points), []);
    // each site's facility reading against its IT power at the same instant: the hour's PUE, as the site's
    // live object sums it
    for (const [dcId, [facility]] of tick.byDatacenter) {
      const it = tick.itByDatacenter.get(dcId) ?? 0;
      if (!(it > 0)) continue;
      const s = sites.get(dcId) ?? { count: 0, facility: 0, it: 0, min: Infinity, max: -Infinity };
      s.count++;
      s.facility += facility.value;
      s.it += it;
      s.min = Math.min(s.min, facility.value / it);
      s.max = Math.max(s.max, facility.value / it);
      sites.set(dcId, s);
    }
    for (const [rackId, samples] of tick.byRack) {
      for (const s of samples) {
        // a storage array's or a switch's series is named and labelled (device=, ifName=): history rows carry
        // neither, so those series start with the live samples
        if (typeof s.server === 'string' || s.labels) continue;
        const key = `${rackId}|${s.server ?? 0}|${s.metric}`;
        let a = acc.get(key);
        if (!a) acc.set(key, (a = { rackId, serverId: s.server ?? 0, metric: s.metric, values: [] }));
        a.values.push(s.value);
      }
    }
  }
  if (pueOut) {
    for (const [dcId, s] of sites) pueOut.push([dcId, start, s.count, s.facility, s.it, s.min, s.max]);
  }
  const rows = [];
  for (const a of acc.values()) {
    const sorted = [...a.values].sort((x, y) => x - y);
    const sum = a.values.reduce((n, x) => n + x, 0);
    // nearest rank, as a p95 of so few points can only be
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
    const last = a.values[a.values.length - 1];
    rows.push([
      a.rackId,
      a.serverId,
      a.metric,
      stepMs / 1000,
      start,
      a.values.length,
      sum,
      sorted[0],
      sorted.at(-1),
      last,
      p95,
    ]);
  }
  return rows;
}
