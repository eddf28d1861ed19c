// Allocation of cost lines to the groups people ask about, pure.
import { guestShares } from './allocation';
import { CATEGORIES, type Category, type CostLine, type Estate } from './model';
import type { BREAKDOWN_BY_VALUES } from './schemas/breakdown-by';

export type BreakdownBy = (typeof BREAKDOWN_BY_VALUES)[number];

/** A line after allocation: a host's charge split among its VMs (and what none of them takes). */
export interface Allocated extends CostLine {
  /** the VM share this part stands for (1 for lines not split) */
  share: number;
  owner: string | null;
  tags: string[];
  /** the container workload this part stands for (workloads.ts); absent or null: none */
  workload_id?: number | null;
}

export const UNALLOCATED = '(unallocated)';

/** Split every charge of a server that runs VMs among them by guestShares; contracts of a VM go to that VM. */
export function allocateToVms(e: Estate, lines: readonly CostLine[]): Allocated[] {
  const byHost = new Map<number, Estate['vms']>();
  for (const v of e.vms) byHost.set(v.host_server_id, [...(byHost.get(v.host_server_id) ?? []), v]);
  const vmById = new Map(e.vms.map((v) => [v.id, v]));
  const shares = new Map<number, Map<number, number>>();
  for (const d of e.devices) {
    const guests = d.kind === 'server' ? byHost.get(d.id) : undefined;
    if (guests?.length) shares.set(d.id, guestShares({ cpu: d.cpu, mem: d.mem }, guests));
  }
  const out: Allocated[] = [];
  for (const l of lines) {
    if (l.vm_id !== null) {
      const v = vmById.get(l.vm_id);
      out.push({ ...l, share: 1, owner: v?.owner ?? null, tags: v?.tags ?? [] });
      continue;
    }
    const split = l.server_id !== null ? shares.get(l.server_id) : undefined;
    if (!split) {
      out.push({ ...l, share: 1, owner: null, tags: [] });
      continue;
    }
    let taken = 0;
    for (const [vmId, share] of split) {
      const v = vmById.get(vmId)!;
      taken += share;
      out.push(part(l, share, { vm_id: vmId, owner: v.owner, tags: v.tags }));
    }
    if (taken < 1 - 1e-12) out.push(part(l, 1 - taken, { vm_id: null, owner: null, tags: [] }));
  }
  return out;
}

const part = (
  l: CostLine,
  share: number,
  who: { vm_id: number | null; owner: string | null; tags: string[] },
): Allocated => ({
  ...l,
  ...who,
  share,
  amount: l.amount * share,
  quantity: l.quantity === null ? null : l.quantity * share,
  measured_wh: l.measured_wh === undefined ? undefined : l.measured_wh * share,
  allocated_wh: l.allocated_wh === undefined ? undefined : l.allocated_wh * share,
});

export interface Names {
  datacenter: Map<number, string>;
  rack: Map<number, string>;
  server: Map<number, string>;
  vm: Map<number, string>;
  workload?: Map<number, string>;
}

export type Totals = Record<Category, number> & { total: number; energy_kwh: number; measured_pct: number | null };

export interface BreakdownRow extends Totals {
  key: string;
  id: number | null;
  label: string;
  currency: string;
}

/** The groups a line counts in: one, or one per tag (a VM with two tags counts in both: tag totals overlap). */
function keysOf(by: BreakdownBy, l: Allocated, n: Names): { key: string; id: number | null; label: string }[] {
  const byId = (id: number | null, names: Map<number, string>, none: string) =>
    id === null ? [{ key: none, id: null, label: none }] : [{ key: String(id), id, label: names.get(id) ?? `#${id}` }];
  switch (by) {
    case 'datacenter':
      return byId(l.datacenter_id, n.datacenter, '(estate-wide)');
    case 'rack':
      return byId(l.rack_id, n.rack, UNALLOCATED);
    case 'server':
      return byId(l.server_id, n.server, UNALLOCATED);
    case 'vm':
      return byId(l.vm_id, n.vm, UNALLOCATED);
    case 'workload':
      return byId(l.workload_id ?? null, n.workload ?? new Map(), UNALLOCATED);
    case 'owner':
      return [
        l.vm_id === null
          ? { key: UNALLOCATED, id: null, label: UNALLOCATED }
          : { key: l.owner ?? '(no owner)', id: null, label: l.owner ?? '(no owner)' },
      ];
    case 'tag':
      if (l.vm_id === null) return [{ key: UNALLOCATED, id: null, label: UNALLOCATED }];
      return l.tags.length
        ? l.tags.map((t) => ({ key: t, id: null, label: t }))
        : [{ key: '(untagged)', id: null, label: '(untagged)' }];
    case 'category':
      return [{ key: l.category, id: null, label: l.category }];
  }
}

export const emptyTotals = (): Totals => ({
  energy: 0,
  hardware: 0,
  space: 0,
  licence: 0,
  support: 0,
  total: 0,
  energy_kwh: 0,
  measured_pct: null,
});

/** Add lines into totals; measured_pct is the measured share of the energy behind them. */
export function addUp(lines: readonly Allocated[] | readonly CostLine[]): Totals {
  const t = emptyTotals();
  let measured = 0;
  let all = 0;
  for (const l of lines) {
    t[l.category] += l.amount;
    t.total += l.amount;
    if (l.category === 'energy') {
      t.energy_kwh += l.quantity ?? 0;
      measured += l.measured_wh ?? 0;
      all += (l.measured_wh ?? 0) + (l.allocated_wh ?? 0);
    }
  }
  t.measured_pct = all > 0 ? (100 * measured) / all : null;
  return t;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
export const rounded = <T extends Totals>(t: T): T => ({
  ...t,
  ...Object.fromEntries(CATEGORIES.map((c) => [c, r2(t[c])])),
  total: r2(t.total),
  energy_kwh: Math.round(t.energy_kwh * 1000) / 1000,
  measured_pct: t.measured_pct === null ? null : Math.round(t.measured_pct * 10) / 10,
});

/** Rows per group and currency, largest first. */
export function breakdown(by: BreakdownBy, lines: readonly Allocated[], names: Names): BreakdownRow[] {
  const groups = new Map<
    string,
    { key: string; id: number | null; label: string; currency: string; lines: Allocated[] }
  >();
  for (const l of lines) {
    for (const k of keysOf(by, l, names)) {
      const gk = `${k.key}\u0000${l.currency}`;
      if (!groups.has(gk)) groups.set(gk, { ...k, currency: l.currency, lines: [] });
      groups.get(gk)!.lines.push(l);
    }
  }
  return [...groups.values()]
    .map(({ lines: ls, ...g }) => ({ ...g, ...rounded(addUp(ls)) }))
    .sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
}

/** Totals per currency: amounts in different currencies are never added together. */
export function totalsByCurrency(lines: readonly CostLine[]): (Totals & { currency: string })[] {
  const cur = [...new Set(lines.map((l) => l.currency))].sort();
  return cur.map((c) => ({ currency: c, ...rounded(addUp(lines.filter((l) => l.currency === c))) }));
}
