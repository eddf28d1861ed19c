// GET /api/cost/recommendations: right-sizing, consolidation and refresh, over what the caller sees, with the
// last 30 days' costs and telemetry as evidence.
import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { isWholeDevice } from '../telemetry/rack-summary';
import { previewPlan } from '../optimisation/planner';
import { costLines, tariffFor } from './model';
import { loadFleet } from './tco-service';
import {
  consolidation,
  refresh,
  rightSize,
  serverCost,
  WINDOW_DAYS,
  type HostUsage,
  type Recommendation,
} from './recommend';
import { tco } from './tco';
import type { Window } from './time';

/** a host needs a day of hourly figures before its peak says anything */
const MIN_HOURS = 24;
const REFRESH_HORIZON = 5;

/** Each server's highest hourly p95 of CPU and memory over the window (its whole-device series with most hours). */
async function hostUsage(ctx: ServiceContext, w: Window): Promise<Map<number, HostUsage>> {
  const rows = await ctx.db.all<{ server_id: number; metric: string; labels: string; peak: number; n: number }>(
    sql`SELECT server_id, metric, labels, max(p95) AS peak, count(*) AS n FROM metric_rollups
        WHERE metric IN ('cpu_pct', 'mem_pct') AND step_s = 3600 AND server_id > 0
          AND bucket_start >= ${w.from} AND bucket_start < ${w.to}
        GROUP BY server_id, metric, labels`,
  );
  const best = new Map<string, { peak: number; n: number }>();
  for (const r of rows) {
    if (!isWholeDevice(Object.fromEntries([...r.labels.matchAll(/(\w+)="/g)].map((m) => [m[1], ''])))) continue;
    const k = `${r.server_id}|${r.metric}`;
    if ((best.get(k)?.n ?? -1) < r.n) best.set(k, { peak: r.peak, n: r.n });
  }
  const out = new Map<number, HostUsage>();
  for (const [k, v] of best) {
    if (v.n < MIN_HOURS) continue;
    const [id, metric] = k.split('|') as [string, string];
    const u = out.get(Number(id)) ?? { cpu_peak_pct: null, mem_peak_pct: null, hours: 0 };
    if (metric === 'cpu_pct') u.cpu_peak_pct = v.peak;
    else u.mem_peak_pct = v.peak;
    u.hours = Math.max(u.hours, v.n);
    out.set(Number(id), u);
  }
  return out;
}

export async function costRecommendations(ctx: ServiceContext, q: { datacenter_id?: number }, now = Date.now()) {
  const { e, groups } = await loadFleet(ctx, now, q.datacenter_id);
  const { lines } = costLines(e);
  const usage = await hostUsage(ctx, e.window);
  const notes: string[] = [];
  const sites = e.datacenters.filter((d) => q.datacenter_id === undefined || d.id === q.datacenter_id);
  const siteOf = (id: number) => {
    const d = e.datacenters.find((x) => x.id === id);
    return { id, name: d?.name ?? `datacenter ${id}`, priced: tariffFor(e.tariffs, id) !== null };
  };
  const costs = new Map<number, ReturnType<typeof serverCost>>();
  const costOf = (id: number) => {
    if (!costs.has(id)) costs.set(id, serverCost(lines, id));
    return costs.get(id)!;
  };
  const recs: Recommendation[] = [];

  // right-sizing: VMs on hosts whose own CPU and memory were metered
  const servers = new Map(e.devices.filter((d) => d.kind === 'server').map((d) => [d.id, d]));
  let unmetered = 0;
  for (const vm of e.vms) {
    const host = servers.get(vm.host_server_id);
    if (!host || !sites.some((s) => s.id === host.datacenter_id)) continue;
    const u = usage.get(host.id);
    if (!u) {
      unmetered++;
      continue;
    }
    const guests = e.vms.filter((g) => g.host_server_id === host.id);
    const r = rightSize(
      vm,
      { id: host.id, name: host.name, cpu: host.cpu, mem: host.mem, guests },
      u,
      costOf(host.id),
      siteOf(host.datacenter_id),
    );
    if (r) recs.push(r);
  }
  if (unmetered)
    notes.push(
      `${unmetered} VM${unmetered === 1 ? '' : 's'} not assessed for right-sizing: ${unmetered === 1 ? 'its host has' : 'their hosts have'} ` +
        `less than a day of CPU and memory telemetry in the last ${WINDOW_DAYS} days.`,
    );

  // consolidation: what the placement solver's pack plan would free at each site
  for (const s of sites) {
    const p = await previewPlan(ctx, s.id, { goal: 'pack', headroom_pct: 10 }, now);
    if (!p) continue;
    const r = consolidation(siteOf(s.id), p.record.summary, new Map(p.hosts.map((h) => [h.id, costOf(h.id)])));
    if (r) recs.push(r);
  }

  // end of life: written-off generations a refresh pays for within the horizon
  for (const g of groups) {
    if (g.past_write_off === 0) continue;
    const { new_price, new_power_w } = g.refresh;
    if (new_price === null || new_power_w === null || g.price_per_kwh === null) {
      notes.push(
        `${g.past_write_off} ${g.label} server${g.past_write_off === 1 ? ' is' : 's are'} past write-off, but ` +
          (g.price_per_kwh === null
            ? `${g.datacenter} has no tariff to price ${g.past_write_off === 1 ? 'it' : 'them'}.`
            : 'the estate has no newer generation to compare with: try the TCO page with a quote.'),
      );
      continue;
    }
    const result = tco({
      horizon_years: REFRESH_HORIZON,
      count: g.past_write_off,
      power_w: g.power_w,
      age_years: g.age_years ?? 0,
      support_per_year: g.support_per_year,
      u_per_server: g.u_per_server,
      new_price,
      new_power_w,
      consolidation_ratio: g.refresh.consolidation_ratio,
      new_support_per_year: g.refresh.new_support_per_year,
      new_u_per_server: g.refresh.new_u_per_server,
      price_per_kwh: g.price_per_kwh,
      pue: g.pue,
      space_per_u_month: g.space_per_u_month,
    });
    const r = refresh(g, result, REFRESH_HORIZON);
    if (r) recs.push(r);
  }
  for (const s of sites)
    if (!tariffFor(e.tariffs, s.id))
      notes.push(`${s.name} has no tariff: its savings cannot be priced until it has one.`);
  notes.push('Idle servers and their power-down are the efficiency recommendations’ business, not repeated here.');

  recs.sort((a, b) => (b.saving?.per_year ?? -1) - (a.saving?.per_year ?? -1));
  const totals = new Map<string, { per_month: number; per_year: number }>();
  for (const r of recs) {
    if (!r.saving) continue;
    const t = totals.get(r.saving.currency) ?? { per_month: 0, per_year: 0 };
    t.per_month += r.saving.per_month;
    t.per_year += r.saving.per_year;
    totals.set(r.saving.currency, t);
  }
  return {
    window: { from: new Date(e.window.from).toISOString(), to: new Date(e.window.to).toISOString() },
    recommendations: recs,
    totals: [...totals].map(([currency, t]) => ({
      currency,
      per_month: Math.round(t.per_month * 100) / 100,
      per_year: Math.round(t.per_year * 100) / 100,
    })),
    notes,
    method:
      `Costs and telemetry of the last ${WINDOW_DAYS} days; a year is 365 of them, a month a twelfth of a year. ` +
      'Savings of different kinds can overlap (a VM sized down on a host that packing frees): they are not to be ' +
      'added blindly.',
  };
}
