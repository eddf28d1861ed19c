// PUE's trend and what drives it, pure. PUE = facility / IT = 1 + overhead / IT, so it rises when the overhead
// (cooling, power losses, lighting) grows or when the IT load it serves shrinks; the split below says which.

const DAY_MS = 86_400_000;
const r3 = (n: number) => Math.round(n * 1000) / 1000;
const r1 = (n: number) => Math.round(n * 10) / 10;

/** One hour of a site, as pueReport gives it: mean facility and IT kW over the hour (= their kWh). */
export interface PueHourIn {
  ts: number;
  it_kw: number;
  facility_kw: number;
}

export interface Period {
  from: number;
  to: number;
  hours: number;
  pue: number;
  it_kw: number;
  facility_kw: number;
  overhead_kw: number;
}

/** Energy-weighted (total facility over total IT energy, not a mean of hourly ratios) over `hours`. */
export function periodOf(hours: readonly PueHourIn[], from: number, to: number): Period | null {
  const inside = hours.filter((h) => h.ts >= from && h.ts < to && h.it_kw > 0);
  if (!inside.length) return null;
  const it = inside.reduce((s, h) => s + h.it_kw, 0);
  const facility = inside.reduce((s, h) => s + h.facility_kw, 0);
  return {
    from,
    to,
    hours: inside.length,
    pue: r3(facility / it),
    it_kw: r3(it / inside.length),
    facility_kw: r3(facility / inside.length),
    overhead_kw: r3((facility - it) / inside.length),
  };
}

/** Day by day (UTC) over the hours given. */
export function dailyPue(hours: readonly PueHourIn[]): Period[] {
  const days = [...new Set(hours.map((h) => Math.floor(h.ts / DAY_MS) * DAY_MS))].sort((a, b) => a - b);
  return days.map((d) => periodOf(hours, d, d + DAY_MS)).filter((p): p is Period => p !== null);
}

export interface Drivers {
  previous: Period;
  recent: Period;
  delta_pue: number;
  /** the part of the change the overhead's change explains */
  overhead_effect: number;
  /** the part the IT load's change explains (less IT for the same overhead: a higher PUE) */
  it_effect: number;
  main_driver: 'overhead' | 'it_load' | 'none';
  text: string;
}

/** Below this a PUE change is noise, not a trend */
export const PUE_NOISE = 0.005;

/**
 * The change from `previous` to `recent`, split exactly between overhead and IT load. With O the overhead and
 * I the IT power, PUE − 1 = O × (1/I); the change of a product is split symmetrically (each factor's change times
 * the mean of the other), so the two effects add up to the whole change with nothing left over.
 */
export function driversOf(previous: Period, recent: Period): Drivers {
  const [o1, o2, i1, i2] = [previous.overhead_kw, recent.overhead_kw, previous.it_kw, recent.it_kw];
  const overhead = (o2 - o1) * ((1 / i1 + 1 / i2) / 2);
  const it = (1 / i2 - 1 / i1) * ((o1 + o2) / 2);
  const delta = overhead + it;
  const main = Math.abs(delta) < PUE_NOISE ? 'none' : Math.abs(overhead) >= Math.abs(it) ? 'overhead' : 'it_load';
  // rounded first, so a change too small to show reads ±0.000, not -0.000
  const sign = (n: number) => {
    const r = Math.round(n * 1000) / 1000;
    return r === 0 ? '±0.000' : r > 0 ? `+${r.toFixed(3)}` : r.toFixed(3);
  };
  const kw = (n: number) => `${n >= 0 ? '+' : ''}${r1(n)} kW`;
  const moved = main === 'none' ? 'held steady' : delta > 0 ? 'rose' : 'fell';
  const text =
    `PUE ${moved} from ${previous.pue.toFixed(3)} to ${recent.pue.toFixed(3)} (${sign(delta)}): ` +
    `facility overhead ${kw(o2 - o1)} (${sign(overhead)}), IT load ${kw(i2 - i1)} (${sign(it)}).` +
    (main === 'overhead'
      ? ' The overhead drives it: cooling, power-chain losses or lighting changed, not the IT work.'
      : main === 'it_load'
        ? ' The IT load drives it: the same overhead is spread over ' + (i2 < i1 ? 'less' : 'more') + ' IT power.'
        : '');
  return {
    previous,
    recent,
    delta_pue: r3(delta),
    overhead_effect: r3(overhead),
    it_effect: r3(it),
    main_driver: main,
    text,
  };
}

/** Overhead power above what the design target would allow for the same IT load (0 when at or under it). */
export function excessOverKw(p: Period, target: number | null): number | null {
  if (target === null || !(target >= 1)) return null;
  return r3(Math.max(0, p.facility_kw - p.it_kw * target));
}
