// The cost reports the API serves: summary, breakdown, live rate and hourly history, over what the caller sees.
import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { unprocessable } from '../platform/http/problem';
import { isWholeDevice } from '../telemetry/rack-summary';
import { allocateToVms, breakdown, addUp, totalsByCurrency, type BreakdownBy, type Names } from './breakdown';
import { loadEstate } from './estate';
import { costLines, tariffFor, type CostLine, type Estate } from './model';
import { energyCost } from './energy';
import { allocateToWorkloads, undeclared } from './workloads';
import { DAY, HOUR, periodOf, type Window } from './time';

const MAX_WINDOW_DAYS = 400;
const iso = (ms: number) => new Date(ms).toISOString();
const windowOut = (w: Window) => ({ from: iso(w.from), to: iso(w.to) });

/** The window a query asks for: this month so far unless it says otherwise; never empty, never over 400 days. */
export function windowOf(q: { from?: number; to?: number }, now = Date.now()): Window {
  const to = q.to ?? now;
  const from = q.from ?? periodOf(now, 'month').from;
  if (to <= from) throw unprocessable([{ field: 'query.to', message: 'must be after from' }]);
  if (to - from > MAX_WINDOW_DAYS * DAY)
    throw unprocessable([{ field: 'query.from', message: `the window may span at most ${MAX_WINDOW_DAYS} days` }]);
  return { from, to };
}

const basisOf = (pct: number | null) =>
  pct === null ? 'none' : pct >= 100 ? 'measured' : pct <= 0 ? 'allocated' : 'mixed';

function inSite(lines: CostLine[], datacenterId?: number) {
  return datacenterId === undefined ? lines : lines.filter((l) => l.datacenter_id === datacenterId);
}

export async function costSummary(ctx: ServiceContext, q: { from?: number; to?: number; datacenter_id?: number }) {
  const window = windowOf(q);
  const e = await loadEstate(ctx, window);
  const { lines, gaps, sites } = costLines(e);
  const mine = inSite(lines, q.datacenter_id);
  const all = addUp(mine);
  return {
    window: windowOut(window),
    totals: totalsByCurrency(mine),
    sites: q.datacenter_id === undefined ? sites : sites.filter((s) => s.datacenter_id === q.datacenter_id),
    gaps,
    basis: basisOf(all.measured_pct),
    tariffs: e.tariffs.length,
  };
}

const namesOf = (e: Estate): Names => ({
  datacenter: new Map(e.datacenters.map((d) => [d.id, d.name])),
  rack: new Map(e.racks.map((r) => [r.id, r.name])),
  server: new Map(e.devices.filter((d) => d.kind === 'server').map((d) => [d.id, d.name])),
  vm: new Map(e.vms.map((v) => [v.id, v.name])),
  workload: new Map((e.workloads ?? []).map((w) => [w.id, `${w.namespace}/${w.name}`])),
});

export async function costBreakdown(
  ctx: ServiceContext,
  q: { from?: number; to?: number; datacenter_id?: number; by?: BreakdownBy },
) {
  const window = windowOf(q);
  const by = q.by ?? 'datacenter';
  const e = await loadEstate(ctx, window);
  const { lines, gaps } = costLines(e);
  const mine = inSite(lines, q.datacenter_id);
  const bare = undeclared(e);
  if (by === 'workload' && bare)
    gaps.push(
      `${bare} workload${bare === 1 ? ' declares' : 's declare'} neither CPU/memory requests nor limits: not costed (${bare === 1 ? 'its' : 'their'} part stays with the nodes).`,
    );
  return {
    by,
    window: windowOut(window),
    rows: breakdown(by, allocateToWorkloads(e, allocateToVms(e, mine)), namesOf(e)),
    totals: totalsByCurrency(mine),
    gaps,
    method:
      'A server running VMs shares each of its costs among them: a VM takes the mean of its share of the host’s CPU ' +
      'cores and of its memory (over the host’s capacity, or over what the VMs ask for together when they ask for more); ' +
      'what no VM takes is "(unallocated)". Owners and tags are the VMs’; a VM with several tags counts in each, so tag ' +
      'rows can add up to more than the total. A container workload takes the same share of each node of its cluster ' +
      '(server, or VM share) as its desired replicas × CPU and memory request (else limit) are of the nodes’ capacity.',
  };
}

/** The last `hours` complete hours before now. */
const lastHours = (hours: number, now = Date.now()): Window => {
  const to = Math.floor(now / HOUR) * HOUR;
  return { from: to - hours * HOUR, to };
};

export async function costRate(ctx: ServiceContext, q: { datacenter_id?: number }, now = Date.now()) {
  const window = lastHours(24, now);
  const e = await loadEstate(ctx, window);
  const mine = inSite(costLines(e).lines, q.datacenter_id);
  const d = new Date(now);
  const days = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  const totals = totalsByCurrency(mine);
  const pct = addUp(mine).measured_pct;
  return {
    rates: totals.map((t) => ({
      currency: t.currency,
      per_hour: Math.round((t.total / 24) * 100) / 100,
      per_month: Math.round(t.total * days * 100) / 100,
    })),
    window: windowOut(window),
    days_in_month: days,
    measured_pct: pct === null ? null : Math.round(pct * 10) / 10,
    basis: basisOf(pct),
    formula: `per hour = cost of the last 24 complete hours / 24; per month = cost of the last 24 hours × ${days} days`,
  };
}

/**
 * Hour by hour over the last `days`: energy as it was metered that hour (each server's own whole-device series,
 * its allocated power for hours it did not report; storage and network devices at their allocated power) × the
 * window's PUE × the hour's price; fixed costs (hardware, space, contracts) spread evenly over the window.
 */
export async function costHistory(ctx: ServiceContext, q: { days?: number; datacenter_id?: number }, now = Date.now()) {
  const window = lastHours(24 * (q.days ?? 7), now);
  const e = await loadEstate(ctx, window);
  const { lines, sites } = costLines(e);
  const mine = inSite(lines, q.datacenter_id);
  const hours = (window.to - window.from) / HOUR;
  const rows = await ctx.db.all<{ server_id: number; labels: string; ts: number; w: number }>(
    sql`SELECT server_id, labels, bucket_start AS ts, sum / count AS w FROM metric_rollups
        WHERE metric = 'power_w' AND step_s = 3600 AND server_id > 0 AND bucket_start >= ${window.from} AND bucket_start < ${window.to}`,
  );
  // per server, the whole-device series with the most hours (as the model counts it)
  const series = new Map<string, Map<number, number>>();
  for (const r of rows) {
    if (!isWholeDevice(Object.fromEntries([...r.labels.matchAll(/(\w+)="/g)].map((m) => [m[1], ''])))) continue;
    const k = `${r.server_id}|${r.labels}`;
    if (!series.has(k)) series.set(k, new Map());
    series.get(k)!.set(r.ts, r.w);
  }
  const byServer = new Map<number, Map<number, number>>();
  for (const [k, s] of series) {
    const id = Number(k.split('|')[0]);
    if ((byServer.get(id)?.size ?? -1) < s.size) byServer.set(id, s);
  }
  const pue = new Map(sites.map((s) => [s.datacenter_id, s.pue ?? 1]));
  const devices = e.devices.filter(
    (d) =>
      ['active', 'maintenance'].includes(d.status) &&
      (q.datacenter_id === undefined || d.datacenter_id === q.datacenter_id),
  );
  const fixed = new Map<string, number>();
  for (const l of mine)
    if (l.category !== 'energy') fixed.set(l.currency, (fixed.get(l.currency) ?? 0) + l.amount / hours);
  const points = [];
  for (let ts = window.from; ts < window.to; ts += HOUR) {
    const hour = new Date(ts).getUTCHours();
    const perCurrency = new Map<string, { energy: number; measured: number; all: number }>();
    for (const d of devices) {
      const t = tariffFor(e.tariffs, d.datacenter_id);
      if (!t) continue;
      const metered = d.kind === 'server' ? byServer.get(d.id)?.get(ts) : undefined;
      const wh = metered ?? d.allocated_w;
      const whByHour = new Array<number>(24).fill(0);
      whByHour[hour] = wh;
      const acc = perCurrency.get(t.currency) ?? { energy: 0, measured: 0, all: 0 };
      acc.energy += energyCost(whByHour, pue.get(d.datacenter_id) ?? 1, t);
      acc.measured += metered ?? 0;
      acc.all += wh;
      perCurrency.set(t.currency, acc);
    }
    for (const cur of new Set([...perCurrency.keys(), ...fixed.keys()])) {
      const p = perCurrency.get(cur) ?? { energy: 0, measured: 0, all: 0 };
      const f = fixed.get(cur) ?? 0;
      points.push({
        ts,
        currency: cur,
        energy: Math.round(p.energy * 100) / 100,
        fixed: Math.round(f * 100) / 100,
        total: Math.round((p.energy + f) * 100) / 100,
        measured_pct: p.all > 0 ? Math.round((1000 * p.measured) / p.all) / 10 : null,
      });
    }
  }
  return {
    window: windowOut(window),
    points,
    formula:
      'energy(hour) = Σ devices (metered mean W that hour, else allocated W) / 1000 × PUE of the window × price of ' +
      'the hour; fixed(hour) = (hardware + space + licences + support over the window) / hours in the window',
  };
}
