// Capacity forecast and exhaustion from inventory growth: pure (tested in tests/unit/capacity-forecast.test.ts);
// growth-history.ts reads the months from D1, routes serve them.
import { growthForecast, type GrowthForecast } from '../ai/growth';

/** One datacenter's (or the estate's) inventory at the end of each month, oldest first, the current month last. */
export interface MonthlyHistory {
  months: string[];
  servers: number[];
  u_used: number[];
  /** allocated (nameplate) power of the servers not decommissioned */
  power_kw: number[];
  /** vCPU promised to VMs */
  vcpus: number[];
}

export interface Capacity {
  racks: number;
  total_u: number;
  rack_power_kw: number;
  /** the cooling plant's capacity (null: not recorded) */
  cooling_kw: number | null;
  /** vCPU the VM hosts offer with their overcommit (0: no VM hosts) */
  vcpu_capacity: number;
}

/** When a datacenter records no racks yet, new ones are planned as the spec's standard rack. */
export const STANDARD_RACK = { u: 42, kw: 10 };

export type Quantity = 'servers' | 'u_used' | 'power_kw' | 'vcpus';
const QUANTITIES: Quantity[] = ['servers', 'u_used', 'power_kw', 'vcpus'];

export interface Bound {
  servers: number;
  u_used: number;
  power_kw: number;
  cooling_kw: number;
  racks_needed: number;
}
export interface ForecastMonth extends Bound {
  month: string;
  vcpus: number;
  /** racks beyond those installed today */
  racks_to_add: number;
  lower: Bound;
  upper: Bound;
}

/** `count` month keys (YYYY-MM) ending with the month of `now`. */
export function monthKeys(now: Date, count: number, ahead = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1) + i + ahead, 1));
    return d.toISOString().slice(0, 7);
  });
}

/** Sum of several datacenters' histories (same months). */
export function sumHistories(list: MonthlyHistory[], months: string[]): MonthlyHistory {
  const zeros = () => months.map(() => 0);
  const out: MonthlyHistory = { months, servers: zeros(), u_used: zeros(), power_kw: zeros(), vcpus: zeros() };
  for (const h of list) for (const k of QUANTITIES) h[k].forEach((v, i) => (out[k][i]! += v));
  return out;
}

/**
 * Racks it takes to hold `u` and `kw` with `headroom` (0–1) kept free in each, racks of the estate's mean size:
 * space or power, whichever runs out first.
 */
export function racksFor(u: number, kw: number, cap: Capacity, headroom: number): number {
  const rackU = cap.racks ? cap.total_u / cap.racks : STANDARD_RACK.u;
  const rackKw = cap.racks ? cap.rack_power_kw / cap.racks : STANDARD_RACK.kw;
  const fill = 1 - headroom;
  const bySpace = rackU > 0 ? Math.ceil(u / (rackU * fill) - 1e-9) : 0;
  const byPower = rackKw > 0 ? Math.ceil(kw / (rackKw * fill) - 1e-9) : 0;
  return Math.max(bySpace, byPower, 0);
}

const r1 = (v: number) => Math.round(v * 10) / 10;

export interface Projection {
  series: Record<Quantity, GrowthForecast>;
  months: ForecastMonth[];
}

/** `months` months ahead of the history's last month. */
export function projectCapacity(history: MonthlyHistory, cap: Capacity, months: number, headroom: number): Projection {
  const series = Object.fromEntries(QUANTITIES.map((k) => [k, growthForecast(history[k], months)])) as Record<
    Quantity,
    GrowthForecast
  >;
  const labels = monthKeys(new Date(`${history.months[history.months.length - 1]}-01T00:00:00Z`), months, months);
  const bound = (pick: 'forecast' | 'lower' | 'upper', i: number): Bound => {
    const u = series.u_used.points[i]![pick];
    const kw = series.power_kw.points[i]![pick];
    return {
      servers: Math.round(series.servers.points[i]![pick]),
      u_used: Math.round(u),
      power_kw: r1(kw),
      // every watt the IT draws becomes heat the cooling plant removes
      cooling_kw: r1(kw),
      racks_needed: racksFor(u, kw, cap, headroom),
    };
  };
  return {
    series,
    months: labels.map((month, i) => {
      const mid = bound('forecast', i);
      return {
        month,
        ...mid,
        vcpus: Math.round(series.vcpus.points[i]!.forecast),
        racks_to_add: Math.max(0, mid.racks_needed - cap.racks),
        lower: bound('lower', i),
        upper: bound('upper', i),
      };
    }),
  };
}

export type Resource = 'space' | 'power' | 'cooling' | 'compute';
export interface Exhaustion {
  resource: Resource;
  unit: string;
  capacity: number | null;
  /** the share of capacity that may be used: what is left is headroom */
  usable: number | null;
  used: number;
  utilization_pct: number | null;
  status: 'exhausted' | 'runs_out' | 'not_within_horizon' | 'no_capacity';
  /** when the forecast reaches the usable capacity (null: not within the horizon) and its 90 % interval */
  date: string | null;
  earliest: string | null;
  latest: string | null;
  method: string;
  message: string;
}

/** The day (ISO date) `f` months after the end of the history (`now`), linearly within months. */
const dayAfter = (now: Date, months: number) =>
  new Date(now.getTime() + months * 30.4375 * 86_400_000).toISOString().slice(0, 10);

/** Months ahead (fractional) at which `path` (values at months 1..n, `start` now) first reaches `limit`. */
export function crossing(start: number, path: number[], limit: number): number | null {
  let prev = start;
  for (let i = 0; i < path.length; i++) {
    const v = path[i]!;
    if (v >= limit) return i + (v > prev ? (limit - prev) / (v - prev) : 1);
    prev = v;
  }
  return null;
}

/**
 * When each resource of one datacenter runs out within `horizon` months: the forecast reaching capacity less
 * the headroom, the interval from the upper bound (earliest) and the lower bound (latest).
 */
export function exhaustion(
  history: MonthlyHistory,
  cap: Capacity,
  opts: { now: Date; horizon: number; headroom: number },
): Exhaustion[] {
  const fill = 1 - opts.headroom;
  const last = (k: Quantity) => history[k][history[k].length - 1] ?? 0;
  const rows: { resource: Resource; unit: string; capacity: number | null; quantity: Quantity }[] = [
    { resource: 'space', unit: 'U', capacity: cap.total_u || null, quantity: 'u_used' },
    { resource: 'power', unit: 'kW', capacity: cap.rack_power_kw || null, quantity: 'power_kw' },
    { resource: 'cooling', unit: 'kW', capacity: cap.cooling_kw || null, quantity: 'power_kw' },
    { resource: 'compute', unit: 'vCPU', capacity: cap.vcpu_capacity || null, quantity: 'vcpus' },
  ];
  const forecasts = new Map<Quantity, GrowthForecast>();
  const fc = (k: Quantity) => {
    if (!forecasts.has(k)) forecasts.set(k, growthForecast(history[k], opts.horizon));
    return forecasts.get(k)!;
  };
  return rows.map(({ resource, unit, capacity, quantity }) => {
    const used = r1(last(quantity));
    const base = { resource, unit, capacity, used, date: null, earliest: null, latest: null };
    if (capacity === null) {
      return {
        ...base,
        usable: null,
        utilization_pct: null,
        status: 'no_capacity' as const,
        method: 'none',
        message: `no ${resource} capacity recorded`,
      };
    }
    const usable = r1(capacity * fill);
    const f = fc(quantity);
    const at = (pick: 'forecast' | 'lower' | 'upper') =>
      crossing(
        used,
        f.points.map((p) => p[pick]),
        usable,
      );
    const common = { ...base, usable, utilization_pct: r1((used / capacity) * 100), method: f.method };
    if (used >= usable) {
      return {
        ...common,
        status: 'exhausted' as const,
        date: opts.now.toISOString().slice(0, 10),
        message: `${resource} is past its usable ${usable} ${unit} (${Math.round(opts.headroom * 100)} % kept as headroom)`,
      };
    }
    const mid = at('forecast');
    const early = at('upper');
    const late = at('lower');
    const date = mid === null ? null : dayAfter(opts.now, mid);
    return {
      ...common,
      status: mid === null ? ('not_within_horizon' as const) : ('runs_out' as const),
      date,
      earliest: early === null ? null : dayAfter(opts.now, early),
      latest: late === null ? null : dayAfter(opts.now, late),
      message:
        mid === null
          ? `${resource}: not within ${opts.horizon} months` +
            (early === null ? '' : ` (possibly from ${dayAfter(opts.now, early)})`)
          : `${resource} runs out around ${date}`,
    };
  });
}
