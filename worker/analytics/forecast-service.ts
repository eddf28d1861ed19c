import type { ServiceContext } from '../platform/context';
import { notFound } from '../platform/http/problem';
import { datacenterTotals } from './service';
import { computeCapacity, growthHistory, HISTORY_MONTHS } from './growth-history';
import { exhaustion, monthKeys, projectCapacity, sumHistories, type Capacity } from './capacity-forecast';
import type { DatacenterTotals } from './capacity';

const capacityOf = (totals: DatacenterTotals[], compute: Map<number, number>): Capacity => {
  const cooling = totals.map((t) => t.cooling_capacity_mw);
  return {
    racks: totals.reduce((s, t) => s + t.racks, 0),
    total_u: totals.reduce((s, t) => s + t.total_u, 0),
    rack_power_kw: totals.reduce((s, t) => s + t.rack_power_kw, 0),
    // the estate's cooling is known only when every site's is
    cooling_kw: cooling.every((c) => c != null) && cooling.length ? cooling.reduce((s, c) => s! + c! * 1000, 0) : null,
    vcpu_capacity: totals.reduce((s, t) => s + (compute.get(t.id) ?? 0), 0),
  };
};

/** The datacenters the question is about: one (404 when unknown), or all. */
async function scope(ctx: ServiceContext, datacenterId: number | undefined) {
  const all = await datacenterTotals(ctx);
  if (datacenterId === undefined) return all;
  const one = all.filter((d) => d.id === datacenterId);
  if (!one.length) throw notFound('datacenter', datacenterId);
  return one;
}

/** What every forecast reads: the datacenters in scope with their totals, monthly histories and compute. */
export async function loadGrowth(ctx: ServiceContext, datacenterId: number | undefined, now: Date) {
  const [totals, histories, compute] = await Promise.all([
    scope(ctx, datacenterId),
    growthHistory(ctx, now),
    computeCapacity(ctx),
  ]);
  return { totals, histories, compute, now };
}
export type Growth = Awaited<ReturnType<typeof loadGrowth>>;

/** GET /analytics/growth: history, per-quantity method and the monthly forecast of one datacenter or all. */
export async function growthReport(
  ctx: ServiceContext,
  q: { months: number; datacenter_id?: number; headroom_pct: number },
  now = new Date(),
) {
  return growthOf(await loadGrowth(ctx, q.datacenter_id, now), q);
}

/** The growth report of `only` (a datacenter of `g`) or of everything `g` holds. */
export function growthOf(
  g: Growth,
  q: { months: number; headroom_pct: number; datacenter_id?: number },
  only?: number,
) {
  const { histories, compute } = g;
  const totals = only === undefined ? g.totals : g.totals.filter((t) => t.id === only);
  const months = monthKeys(g.now, HISTORY_MONTHS);
  const history = sumHistories(
    totals.flatMap((t) => histories.get(t.id) ?? []),
    months,
  );
  const capacity = capacityOf(totals, compute);
  const projection = projectCapacity(history, capacity, q.months, q.headroom_pct / 100);
  const method = (k: keyof typeof projection.series) => {
    const { points: _, ...rest } = projection.series[k];
    return rest as { method: string; history_months: number; backtest: Record<string, number> };
  };
  const round = (a: number[]) => a.map((v) => Math.round(v * 10) / 10);
  return {
    datacenter_id: only ?? q.datacenter_id ?? null,
    headroom_pct: q.headroom_pct,
    capacity,
    history: {
      months,
      servers: history.servers,
      u_used: history.u_used,
      power_kw: round(history.power_kw),
      vcpus: history.vcpus,
    },
    series: {
      servers: method('servers'),
      u_used: method('u_used'),
      power_kw: method('power_kw'),
      vcpus: method('vcpus'),
    },
    forecast: projection.months,
  };
}

/** GET /analytics/exhaustion: per datacenter and resource, when it runs out. */
export async function exhaustionReport(
  ctx: ServiceContext,
  q: { datacenter_id?: number; horizon_months: number; headroom_pct: number },
  now = new Date(),
) {
  return exhaustionOf(await loadGrowth(ctx, q.datacenter_id, now), q);
}

export function exhaustionOf(g: Growth, q: { horizon_months: number; headroom_pct: number }) {
  const { totals, histories, compute, now } = g;
  const months = monthKeys(now, HISTORY_MONTHS);
  return totals.flatMap((t) =>
    exhaustion(histories.get(t.id) ?? sumHistories([], months), capacityOf([t], compute), {
      now,
      horizon: q.horizon_months,
      headroom: q.headroom_pct / 100,
    }).map((row) => ({ datacenter_id: t.id, datacenter: t.name, ...row })),
  );
}
