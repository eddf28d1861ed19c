// Cost recommendations, pure: each with its evidence, what is measured and what is assumed, and a saving only
// where a tariff prices it. Idle servers and their power-down belong to the efficiency domain, not here.
import { guestShares, type Sized } from './allocation';
import type { CostLine } from './model';
import type { TcoResult } from './tco';

/** Costs come from the last 30 days; a year is 365 of them, a month a twelfth of that. */
export const WINDOW_DAYS = 30;
const perYear = (windowAmount: number) => (windowAmount * 365) / WINDOW_DAYS;
/** room left above the measured peak when sizing a VM down */
export const HEADROOM = 0.25;

export interface Saving {
  currency: string;
  per_month: number;
  per_year: number;
}
export interface Recommendation {
  kind: 'right_size' | 'consolidate' | 'refresh';
  id: string;
  title: string;
  datacenter_id: number;
  datacenter: string;
  target: { type: 'vm' | 'datacenter' | 'generation'; id: number | null; key: string | null; name: string };
  /** null: not priced (see `needs`) */
  saving: Saving | null;
  /** what acting on it costs up front (a refresh's purchase); null: nothing */
  upfront: number | null;
  evidence: { label: string; value: string }[];
  measured: string[];
  assumed: string[];
  needs: string | null;
  action: { label: string; href: string } | null;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
export const savingOf = (currency: string, yearly: number): Saving => ({
  currency,
  per_year: r2(yearly),
  per_month: r2(yearly / 12),
});

/** A server's own cost over the window (not its VMs' own contracts), per category, and how its energy was known. */
export function serverCost(lines: readonly CostLine[], serverId: number) {
  const mine = lines.filter((l) => l.server_id === serverId && l.vm_id === null);
  const sum = (cats: string[]) => mine.filter((l) => cats.includes(l.category)).reduce((s, l) => s + l.amount, 0);
  const energy = mine.find((l) => l.category === 'energy');
  const currency: string | null = mine.length ? mine[0]!.currency : null;
  return {
    currency,
    energy: sum(['energy']),
    space: sum(['space']),
    total: sum(['energy', 'space', 'hardware', 'licence', 'support']),
    energy_basis: energy?.basis ?? null,
  };
}

export interface HostUsage {
  /** the highest hourly 95th percentile over the window, %; null: not metered */
  cpu_peak_pct: number | null;
  mem_peak_pct: number | null;
  hours: number;
}

/**
 * A VM over-provisioned against its host's measured use. Without per-VM telemetry the host's own peak bounds
 * what any of its VMs can have used: a VM given more vCPU (or memory) than the whole host used is sized down to
 * that bound plus headroom. The saving is the host cost its share drops by (guestShares, as the breakdown does).
 */
export function rightSize(
  vm: Sized & { name: string },
  host: { id: number; name: string; cpu: number | null; mem: number | null; guests: Sized[] },
  usage: HostUsage,
  cost: ReturnType<typeof serverCost>,
  site: { id: number; name: string; priced: boolean },
): Recommendation | null {
  const bound = (pct: number | null, cap: number | null) =>
    pct === null || cap === null ? null : Math.max(1, Math.ceil((pct / 100) * cap * (1 + HEADROOM)));
  const cpuTo = bound(usage.cpu_peak_pct, host.cpu);
  const memTo = bound(usage.mem_peak_pct, host.mem);
  const cpu = cpuTo !== null && cpuTo < vm.cpu ? cpuTo : vm.cpu;
  const mem = memTo !== null && memTo < vm.mem ? memTo : vm.mem;
  if (cpu === vm.cpu && mem === vm.mem) return null;
  const before = guestShares(host, host.guests).get(vm.id) ?? 0;
  const after =
    guestShares(
      host,
      host.guests.map((g) => (g.id === vm.id ? { ...g, cpu, mem } : g)),
    ).get(vm.id) ?? 0;
  const freed = Math.max(0, before - after);
  const priced = site.priced && cost.currency !== null;
  const evidence = [
    { label: 'vCPU', value: cpu === vm.cpu ? `${vm.cpu} (keep)` : `${vm.cpu} → ${cpu}` },
    { label: 'Memory', value: mem === vm.mem ? `${vm.mem} GB (keep)` : `${vm.mem} → ${mem} GB` },
  ];
  if (usage.cpu_peak_pct !== null && host.cpu !== null)
    evidence.push({
      label: `${host.name} CPU peak`,
      value: `${r2(usage.cpu_peak_pct)} % of ${host.cpu} cores = ${r2((usage.cpu_peak_pct / 100) * host.cpu)} cores`,
    });
  if (usage.mem_peak_pct !== null && host.mem !== null)
    evidence.push({
      label: `${host.name} memory peak`,
      value: `${r2(usage.mem_peak_pct)} % of ${host.mem} GB = ${r2((usage.mem_peak_pct / 100) * host.mem)} GB`,
    });
  evidence.push({ label: 'Share of the host', value: `${r2(before * 100)} % → ${r2(after * 100)} %` });
  return {
    kind: 'right_size',
    id: `right_size:vm:${vm.id}`,
    title: `Size ${vm.name} down`,
    datacenter_id: site.id,
    datacenter: site.name,
    target: { type: 'vm', id: vm.id, key: null, name: vm.name },
    saving: priced ? savingOf(cost.currency!, perYear(cost.total * freed)) : null,
    upfront: null,
    evidence,
    measured: [
      `${host.name}'s CPU and memory, hourly 95th percentiles over ${usage.hours} hours of the last ${WINDOW_DAYS} days`,
      `${host.name}'s cost over the last ${WINDOW_DAYS} days (energy ${cost.energy_basis ?? 'not costed'})`,
    ],
    assumed: [
      'no per-VM telemetry: the VM used at most what its whole host used',
      `${HEADROOM * 100} % headroom above that peak`,
      'the freed share of the host is a saving once other work takes it or the host is sized down',
    ],
    needs: priced ? null : `a tariff for ${site.name} to price the host`,
    action: { label: 'Open the VM', href: `/vms/${vm.id}` },
  };
}

/** What packing a site's VMs would free: each freed host's energy and space, which powering it down saves. */
export function consolidation(
  site: { id: number; name: string; priced: boolean },
  plan: {
    hosts_used_before: number;
    hosts_used_after: number;
    moves: number;
    freed: { server_id: number; name: string }[];
    freed_power_w: number;
  },
  costs: Map<number, ReturnType<typeof serverCost>>,
): Recommendation | null {
  if (!plan.freed.length) return null;
  const freed = plan.freed.map((f) => ({ ...f, cost: costs.get(f.server_id) }));
  const currency = freed.find((f) => f.cost?.currency)?.cost?.currency ?? null;
  const windowSaving = freed.reduce((s, f) => s + (f.cost ? f.cost.energy + f.cost.space : 0), 0);
  const bases = [...new Set(freed.map((f) => f.cost?.energy_basis).filter(Boolean))];
  const priced = site.priced && currency !== null;
  return {
    kind: 'consolidate',
    id: `consolidate:datacenter:${site.id}`,
    title: `Pack ${site.name}'s VMs onto ${plan.hosts_used_after} hosts, freeing ${plan.freed.length}`,
    datacenter_id: site.id,
    datacenter: site.name,
    target: { type: 'datacenter', id: site.id, key: null, name: site.name },
    saving: priced ? savingOf(currency!, perYear(windowSaving)) : null,
    upfront: null,
    evidence: [
      { label: 'Hosts in use', value: `${plan.hosts_used_before} → ${plan.hosts_used_after}` },
      { label: 'Live migrations', value: String(plan.moves) },
      { label: 'Hosts freed', value: freed.map((f) => f.name).join(', ') },
      { label: 'Their allocated power', value: `${plan.freed_power_w} W` },
    ],
    measured: bases.some((b) => b === 'measured' || b === 'mixed')
      ? [`the freed hosts' metered energy over the last ${WINDOW_DAYS} days`]
      : [],
    assumed: [
      'the placement solver’s pack plan (10 % headroom) as it would be proposed now',
      ...(bases.some((b) => b === 'allocated' || b === 'mixed')
        ? ['energy at the hosts’ allocated power for the hours nothing metered them']
        : []),
      'freed hosts are powered down and give up their U (space at the tariff’s rate); their hardware and contracts are not counted as saved',
    ],
    needs: priced ? null : `a tariff for ${site.name} to price the freed hosts`,
    action: { label: 'Make the placement plan', href: `/optimisation?datacenter_id=${site.id}&goal=pack` },
  };
}

/** End-of-life servers whose running cost pays for a refresh within the horizon (the TCO model's answer). */
export function refresh(
  g: {
    key: string;
    label: string;
    datacenter_id: number;
    datacenter: string;
    past_write_off: number;
    write_off_years: number | null;
    age_years: number | null;
    power_basis: string;
    currency: string | null;
    refresh: { from_group: string | null; basis: string[] };
  },
  r: TcoResult,
  horizon: number,
): Recommendation | null {
  if (r.break_even_years === null || !g.currency) return null;
  return {
    kind: 'refresh',
    id: `refresh:generation:${g.key}`,
    title: `Refresh ${g.past_write_off} written-off ${g.label.split(' · ')[0]} server${g.past_write_off === 1 ? '' : 's'}`,
    datacenter_id: g.datacenter_id,
    datacenter: g.datacenter,
    target: { type: 'generation', id: null, key: g.key, name: g.label },
    saving: savingOf(g.currency, r.running_saving_per_year),
    upfront: r.net_capex,
    evidence: [
      { label: 'Past write-off', value: `${g.past_write_off} (over ${g.write_off_years} years old)` },
      { label: 'Mean age', value: g.age_years === null ? 'unknown' : `${g.age_years} years` },
      { label: 'Replaced by', value: `${r.new_count} × ${g.refresh.from_group}` },
      { label: 'Purchase', value: `${r.net_capex} ${g.currency}` },
      { label: 'Break-even', value: `${r.break_even_years} years (horizon ${horizon})` },
      { label: 'Energy a year', value: `${r.kwh_per_year.keep} → ${r.kwh_per_year.refresh} kWh` },
    ],
    measured: [`power: ${g.power_basis === 'measured' ? 'metered over the last 30 days' : 'nameplate (not metered)'}`],
    assumed: [...g.refresh.basis, 'the saving is the running cost saved each year once the purchase is paid off'],
    needs: null,
    action: { label: 'Open the TCO', href: `/cost/tco?group=${encodeURIComponent(g.key)}` },
  };
}
