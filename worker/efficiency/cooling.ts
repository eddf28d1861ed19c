// The floor's inlet temperatures against the ASHRAE A1 recommended envelope, pure: hot spots, overcooled racks,
// the spread across a room, and how far the cooling setpoint could rise.

/** ASHRAE TC 9.9, Thermal Guidelines for Data Processing Environments: the recommended envelope of class A1 */
export const ENVELOPE = { min_c: 18, max_c: 27 } as const;
/**
 * Our heuristic, not a standard: racks of one room more than this apart at the inlet point to airflow trouble
 * (hot-air recirculation, bypass, missing blanking panels, perforated tiles in the wrong place).
 */
export const IMBALANCE_SPREAD_C = 5;
/** Kept below 27 °C after a raise: the hottest hour seen is not the hottest hour there will be */
export const SETPOINT_MARGIN_C = 1;
export const SETPOINT_STEP_C = 0.5;

/**
 * The rule of thumb for a setpoint raise. ENERGY STAR puts the saving at 4–5 % of energy costs per 1 °F (about
 * 7–9 % per °C); we apply a lower 4 % of cooling energy per 1 °C and show 2–5 % as its range, because the real
 * figure depends on economisers and fan control, and warmer inlets speed up server fans.
 */
export const SETPOINT_RULE: {
  pct_per_c: number;
  low_pct_per_c: number;
  high_pct_per_c: number;
  text: string;
  sources: { title: string; url: string | null }[];
} = {
  pct_per_c: 4,
  low_pct_per_c: 2,
  high_pct_per_c: 5,
  text:
    'Rule of thumb: raising the cooling setpoint saves roughly 4 % of cooling energy per 1 °C (range 2–5 %), ' +
    'an estimate: economisers and fan-speed control save more, fixed-speed plant less, and warmer inlets make ' +
    'server fans work harder. ENERGY STAR quotes 4–5 % of energy costs per 1 °F of server inlet temperature; ' +
    'El-Sayed et al. (SIGMETRICS 2012) cite studies finding 2–5 % per degree.',
  sources: [
    {
      title: 'ENERGY STAR (US EPA): Raise the Temperature — 5 Simple Ways to Avoid Energy Waste in Your Data Center',
      url: 'https://www.energystar.gov/products/data_center_equipment/5-simple-ways-avoid-energy-waste-your-data-center/raise-temperature',
    },
    {
      title:
        'N. El-Sayed, I. A. Stefanovici, G. Amvrosiadis, A. A. Hwang, B. Schroeder: Temperature Management in Data Centers: Why Some (Might) Like It Hot, ACM SIGMETRICS 2012',
      url: null,
    },
    {
      title: 'ASHRAE TC 9.9: Thermal Guidelines for Data Processing Environments (A1 recommended 18–27 °C)',
      url: null,
    },
  ],
};

/** One hour of a rack's inlet: the mean of its samples, how many there were. */
export interface InletHour {
  ts: number;
  mean: number;
  max: number;
  count: number;
}

export type RackStatus = 'hot' | 'overcooled' | 'ok' | 'no_data';

export interface RackInlet {
  status: RackStatus;
  hours: number;
  samples: number;
  /** mean of every sample in the window */
  mean_c: number | null;
  /** the coolest and warmest hourly means */
  min_c: number | null;
  max_c: number | null;
  /** the last hour's mean */
  latest_c: number | null;
  /** the highest single sample */
  peak_c: number | null;
  hours_above: number;
  hours_below: number;
}

const r2 = (n: number) => Math.round(n * 100) / 100;

/**
 * A rack over the window: hot when any hour's mean was above 27 °C, overcooled when no hour's mean reached 18 °C
 * (cooled below the envelope all along: energy spent for nothing), ok otherwise.
 */
export function rackInlet(hours: readonly InletHour[]): RackInlet {
  const h = hours.filter((x) => x.count > 0);
  if (!h.length)
    return {
      status: 'no_data',
      hours: 0,
      samples: 0,
      mean_c: null,
      min_c: null,
      max_c: null,
      latest_c: null,
      peak_c: null,
      hours_above: 0,
      hours_below: 0,
    };
  const samples = h.reduce((s, x) => s + x.count, 0);
  const mean = h.reduce((s, x) => s + x.mean * x.count, 0) / samples;
  const max = Math.max(...h.map((x) => x.mean));
  const min = Math.min(...h.map((x) => x.mean));
  const latest = h.reduce((a, b) => (b.ts > a.ts ? b : a));
  const status: RackStatus = max > ENVELOPE.max_c ? 'hot' : max < ENVELOPE.min_c ? 'overcooled' : 'ok';
  return {
    status,
    hours: h.length,
    samples,
    mean_c: r2(mean),
    min_c: r2(min),
    max_c: r2(max),
    latest_c: r2(latest.mean),
    peak_c: r2(Math.max(...h.map((x) => x.max))),
    hours_above: h.filter((x) => x.mean > ENVELOPE.max_c).length,
    hours_below: h.filter((x) => x.mean < ENVELOPE.min_c).length,
  };
}

export interface Named {
  rack_id: number;
  rack: string;
  mean_c: number | null;
}

/** The coldest and hottest rack of a room by mean inlet, and how far apart they are. */
export function roomSpread(racks: readonly Named[]) {
  const measured = racks.filter((r) => r.mean_c !== null) as (Named & { mean_c: number })[];
  if (measured.length < 2) return { coldest: null, hottest: null, spread_c: null, imbalanced: false };
  const coldest = measured.reduce((a, b) => (b.mean_c < a.mean_c ? b : a));
  const hottest = measured.reduce((a, b) => (b.mean_c > a.mean_c ? b : a));
  const spread = r2(hottest.mean_c - coldest.mean_c);
  return {
    coldest: { rack_id: coldest.rack_id, rack: coldest.rack, mean_c: coldest.mean_c },
    hottest: { rack_id: hottest.rack_id, rack: hottest.rack, mean_c: hottest.mean_c },
    spread_c: spread,
    imbalanced: spread > IMBALANCE_SPREAD_C,
  };
}

/**
 * How far the setpoint may rise: the hottest hourly inlet seen must stay `SETPOINT_MARGIN_C` under 27 °C, in
 * half-degree steps. Zero when there is no headroom (a hot spot is fixed first: raising the setpoint would make
 * it worse). Assumes inlets rise about one for one with the setpoint.
 */
export function setpointRaise(hottestC: number): { headroom_c: number; raise_c: number } {
  const headroom = r2(ENVELOPE.max_c - hottestC);
  const room = headroom - SETPOINT_MARGIN_C;
  const raise = room > 0 ? Math.floor(room / SETPOINT_STEP_C + 1e-9) * SETPOINT_STEP_C : 0;
  return { headroom_c: headroom, raise_c: raise };
}

/** The share of cooling energy a raise saves, low, central and high, by the rule of thumb. */
export const raiseShare = (raiseC: number) => ({
  low: (raiseC * SETPOINT_RULE.low_pct_per_c) / 100,
  central: (raiseC * SETPOINT_RULE.pct_per_c) / 100,
  high: (raiseC * SETPOINT_RULE.high_pct_per_c) / 100,
});
