// Capacity planning, the spec's "resource recommendations, procurement planning, risk analysis": pure functions
// over racks and forecasts (tested in tests/unit/planning.test.ts); planning-service.ts loads what they need.
import type { Exhaustion, ForecastMonth } from './capacity-forecast';

export interface RackState {
  id: number;
  name: string;
  datacenter_id: number;
  datacenter: string;
  zone: string;
  u_capacity: number;
  power_capacity_kw: number;
  /** servers in the rack (decommissioned ones keep their slots and draw nothing) */
  mounted: { u_position: number; u_size: number; power_w: number }[];
}

/** Free runs of consecutive U, lowest first: [first U, length]. */
export function freeBlocks(rack: Pick<RackState, 'u_capacity' | 'mounted'>): [number, number][] {
  const taken = new Uint8Array(rack.u_capacity + 2);
  for (const m of rack.mounted) {
    for (let u = m.u_position; u < m.u_position + m.u_size && u <= rack.u_capacity; u++) taken[u] = 1;
  }
  const out: [number, number][] = [];
  let start = 0;
  for (let u = 1; u <= rack.u_capacity + 1; u++) {
    if (u <= rack.u_capacity && !taken[u]) {
      if (!start) start = u;
    } else if (start) {
      out.push([start, u - start]);
      start = 0;
    }
  }
  return out;
}

const kw = (rack: RackState) => rack.mounted.reduce((s, m) => s + m.power_w, 0) / 1000;
const r1 = (v: number) => Math.round(v * 10) / 10;

/** The server most of the estate is made of: median height and power (what a stranded U would have to hold). */
export function typicalServer(racks: RackState[]): { u_size: number; power_w: number } {
  const all = racks.flatMap((r) => r.mounted.filter((m) => m.power_w > 0));
  if (!all.length) return { u_size: 1, power_w: 500 };
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { u_size: median(all.map((m) => m.u_size)), power_w: median(all.map((m) => m.power_w)) };
}

export interface Stranded {
  rack_id: number;
  rack: string;
  datacenter_id: number;
  datacenter: string;
  kind: 'space_without_power' | 'power_without_space';
  free_u: number;
  largest_free_block_u: number;
  free_kw: number;
  /** the capacity that cannot be used: U when power is short, kW when space is */
  stranded: number;
  unit: 'U' | 'kW';
  message: string;
}

/**
 * Racks whose free space cannot be used for lack of power (free U for a typical server, not its power within
 * the headroom) or the reverse (power for two typical servers, no run of U to hold one).
 */
export function strandedCapacity(racks: RackState[], headroom: number): Stranded[] {
  const typical = typicalServer(racks);
  const typicalKw = typical.power_w / 1000;
  const out: Stranded[] = [];
  for (const rack of racks) {
    const blocks = freeBlocks(rack);
    const freeU = blocks.reduce((s, [, n]) => s + n, 0);
    const largest = blocks.reduce((m, [, n]) => Math.max(m, n), 0);
    const freeKw = r1(Math.max(0, rack.power_capacity_kw * (1 - headroom) - kw(rack)));
    const base = { rack_id: rack.id, rack: rack.name, datacenter_id: rack.datacenter_id, datacenter: rack.datacenter };
    if (largest >= typical.u_size && freeKw < typicalKw) {
      out.push({
        ...base,
        kind: 'space_without_power',
        free_u: freeU,
        largest_free_block_u: largest,
        free_kw: freeKw,
        stranded: freeU,
        unit: 'U',
        message: `${freeU} U free but only ${freeKw} kW within the power budget: not enough for a typical ${typical.power_w} W server`,
      });
    } else if (freeKw >= 2 * typicalKw && largest < typical.u_size) {
      out.push({
        ...base,
        kind: 'power_without_space',
        free_u: freeU,
        largest_free_block_u: largest,
        free_kw: freeKw,
        stranded: freeKw,
        unit: 'kW',
        message: `${freeKw} kW unused but no run of ${typical.u_size} U to mount a typical server`,
      });
    }
  }
  return out.sort((a, b) => b.stranded - a.stranded || a.rack.localeCompare(b.rack));
}

export interface Placement {
  rack_id: number;
  rack: string;
  datacenter_id: number;
  datacenter: string;
  u_position: number;
  /** what the rack has left after this server and the ones placed before it */
  free_u_after: number;
  free_kw_after: number;
}

/**
 * Where `count` servers of `u_size` U and `power_w` W go, one by one: in the rack that keeps its free space and
 * free power most in proportion after taking it (so neither is left stranded), fuller racks first on a tie, at
 * the lowest U of the smallest free run that holds it. Returns the placements and, when some do not fit, why.
 */
export function placeServers(
  racks: RackState[],
  server: { count: number; u_size: number; power_w: number },
  headroom: number,
): { placements: Placement[]; unplaced: number } {
  const state = racks
    .filter((r) => r.u_capacity > 0 && r.power_capacity_kw > 0)
    .map((r) => ({
      rack: r,
      blocks: freeBlocks(r),
      freeKw: r.power_capacity_kw * (1 - headroom) - kw(r),
    }));
  const needKw = server.power_w / 1000;
  const placements: Placement[] = [];
  for (let i = 0; i < server.count; i++) {
    let best: { s: (typeof state)[number]; block: number; score: number; freeU: number } | null = null;
    for (const s of state) {
      if (s.freeKw + 1e-9 < needKw) continue;
      let block = -1;
      s.blocks.forEach(([, n], bi) => {
        if (n >= server.u_size && (block < 0 || n < s.blocks[block]![1])) block = bi;
      });
      if (block < 0) continue;
      const freeU = s.blocks.reduce((t, [, n]) => t + n, 0) - server.u_size;
      const uFrac = freeU / s.rack.u_capacity;
      const kwFrac = (s.freeKw - needKw) / s.rack.power_capacity_kw;
      const score = Math.abs(uFrac - kwFrac) + 0.25 * (uFrac + kwFrac);
      if (!best || score < best.score - 1e-12) best = { s, block, score, freeU };
    }
    if (!best) return { placements, unplaced: server.count - i };
    const { s, block } = best;
    const [start, n] = s.blocks[block]!;
    if (n === server.u_size) s.blocks.splice(block, 1);
    else s.blocks[block] = [start + server.u_size, n - server.u_size];
    s.freeKw -= needKw;
    placements.push({
      rack_id: s.rack.id,
      rack: s.rack.name,
      datacenter_id: s.rack.datacenter_id,
      datacenter: s.rack.datacenter,
      u_position: start,
      free_u_after: best.freeU,
      free_kw_after: r1(s.freeKw),
    });
  }
  return { placements, unplaced: 0 };
}

export interface ProcurementLine {
  datacenter_id: number;
  datacenter: string;
  item: 'racks' | 'pdus' | 'power' | 'cooling';
  quantity: number;
  unit: string;
  /** the first day of the month the forecast first needs it */
  needed_by: string;
  /** needed_by less the lead time; today when that is already past */
  order_by: string;
  overdue: boolean;
  message: string;
}

/** PDUs a rack takes: one per feed, A and B, so a failed feed or PDU drops no dual-corded server. */
export const PDUS_PER_RACK = 2;

/**
 * What to order for one datacenter and by when: the racks its forecast needs beyond those installed (and their
 * PDUs), ordered in one go by the first month they are short less the lead time; power and cooling that run out
 * within the horizon, as capacity to add.
 */
export function procurement(
  dc: { id: number; name: string },
  forecast: ForecastMonth[],
  exhausted: Exhaustion[],
  opts: { now: Date; leadDays: number },
): ProcurementLine[] {
  const today = opts.now.toISOString().slice(0, 10);
  const orderBy = (needed: string) => {
    const d = new Date(Date.parse(`${needed}T00:00:00Z`) - opts.leadDays * 86_400_000).toISOString().slice(0, 10);
    return d < today ? { order_by: today, overdue: true } : { order_by: d, overdue: false };
  };
  const lines: ProcurementLine[] = [];
  const base = { datacenter_id: dc.id, datacenter: dc.name };
  const first = forecast.find((m) => m.racks_to_add > 0);
  if (first) {
    const racks = Math.max(...forecast.map((m) => m.racks_to_add));
    const needed = `${first.month}-01`;
    const when = orderBy(needed);
    const horizon = forecast[forecast.length - 1]!.month;
    lines.push({
      ...base,
      item: 'racks',
      quantity: racks,
      unit: 'racks',
      needed_by: needed,
      ...when,
      message: `order ${racks} rack${racks > 1 ? 's' : ''} and ${racks * PDUS_PER_RACK} PDUs by ${when.order_by} (short from ${first.month}; enough to ${horizon})`,
    });
    lines.push({
      ...base,
      item: 'pdus',
      quantity: racks * PDUS_PER_RACK,
      unit: 'PDUs',
      needed_by: needed,
      ...when,
      message: `${PDUS_PER_RACK} PDUs per rack, one per feed`,
    });
  }
  const last = forecast[forecast.length - 1];
  for (const e of exhausted) {
    if ((e.resource !== 'power' && e.resource !== 'cooling') || !e.date || e.usable === null || !last) continue;
    if (e.status !== 'runs_out' && e.status !== 'exhausted') continue;
    // enough for the forecast at the end of the horizon, with the same headroom
    const need = Math.max(0, Math.ceil((last.upper.power_kw - e.usable) / (e.usable / e.capacity! || 1)));
    if (need <= 0) continue;
    const needed = e.status === 'exhausted' ? today : e.date.slice(0, 8) + '01';
    const when = orderBy(needed);
    lines.push({
      ...base,
      item: e.resource,
      quantity: need,
      unit: 'kW',
      needed_by: needed,
      ...when,
      message: `add ${need} kW of ${e.resource === 'power' ? 'rack power (feeds, PDUs, breakers)' : 'cooling'} by ${when.order_by}`,
    });
  }
  return lines;
}

export interface Risk {
  kind: 'headroom' | 'feed_load' | 'single_point_of_failure';
  severity: 'critical' | 'warning';
  datacenter_id: number;
  datacenter: string;
  subject: string;
  message: string;
  /** what the risk rests on, in numbers */
  evidence: Record<string, number | string | null>;
}

/** Datacenters with a resource running out within `months`: critical when it has run out already. */
export function headroomRisks(dc: { id: number; name: string }, rows: Exhaustion[], months: number, now: Date): Risk[] {
  const limit = new Date(now.getTime() + months * 30.4375 * 86_400_000).toISOString().slice(0, 10);
  return rows
    .filter((r) => r.date !== null && r.date <= limit)
    .map((r) => ({
      kind: 'headroom' as const,
      severity: r.status === 'exhausted' ? ('critical' as const) : ('warning' as const),
      datacenter_id: dc.id,
      datacenter: dc.name,
      subject: `${dc.name} ${r.resource}`,
      message:
        r.status === 'exhausted'
          ? `${r.resource} is already past its usable capacity`
          : `${r.resource} runs out around ${r.date}, within ${months} months`,
      evidence: { used: r.used, usable: r.usable, unit: r.unit, date: r.date, earliest: r.earliest },
    }));
}

/**
 * Racks a single feed could not carry: on a dual-fed rack each feed is sized for the whole budget, so when one
 * fails the other takes everything, and above 80 % of its rating (the continuous-load rule) it is at risk of
 * tripping. Judged on the last day's measured peak when the rack reports power, on allocation otherwise.
 */
export function feedRisks(racks: RackState[], peakKw: Map<number, number>, threshold = 0.8): Risk[] {
  const out: Risk[] = [];
  for (const r of racks) {
    if (!r.power_capacity_kw) continue;
    const measured = peakKw.get(r.id);
    const load = measured ?? kw(r);
    const share = load / r.power_capacity_kw;
    if (share <= threshold) continue;
    out.push({
      kind: 'feed_load',
      severity: share > 1 ? 'critical' : 'warning',
      datacenter_id: r.datacenter_id,
      datacenter: r.datacenter,
      subject: r.name,
      message: `${Math.round(share * 100)} % of one feed's ${r.power_capacity_kw} kW ${measured !== undefined ? 'at its measured peak (24 h)' : 'by allocated power'}: a single feed would carry it above 80 % if the other failed`,
      evidence: {
        load_kw: r1(load),
        feed_kw: r.power_capacity_kw,
        basis: measured !== undefined ? 'measured peak, 24 h' : 'allocated (no telemetry)',
      },
    });
  }
  return out;
}

/** Groups meant to survive the loss of one member (anti-affinity, scaling groups, clusters) that all sit on one rack. */
export function singlePointRisks(
  groups: { kind: string; name: string; datacenter_id: number; datacenter: string; racks: string[]; members: number }[],
): Risk[] {
  return groups
    .filter((g) => g.members >= 2 && new Set(g.racks).size === 1)
    .map((g) => ({
      kind: 'single_point_of_failure' as const,
      severity: 'warning' as const,
      datacenter_id: g.datacenter_id,
      datacenter: g.datacenter,
      subject: `${g.kind} ${g.name}`,
      message: `all ${g.members} members of ${g.kind} ${g.name} are in rack ${g.racks[0]}: one rack's power or top-of-rack switch takes them all down`,
      evidence: { members: g.members, rack: g.racks[0]! },
    }));
}
