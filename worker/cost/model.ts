// The cost of an estate over a window, pure: one line per resource and category, each with its evidence.
import { amortised, type AmortisationPolicy } from './amortisation';
import { energyCost, type EnergyTariff } from './energy';
import { hoursByHourOfDay, spread, type Window } from './time';

export type DeviceKind = 'server' | 'storage_system' | 'network_device';
export type Category = 'energy' | 'hardware' | 'space' | 'licence' | 'support';
export const CATEGORIES: readonly Category[] = ['energy', 'hardware', 'space', 'licence', 'support'];

export interface TariffIn extends EnergyTariff {
  id: number;
  name: string;
  datacenter_id: number | null;
  currency: string;
  space_per_u_month: number | null;
  space_per_rack_month: number | null;
  amortisation_method: AmortisationPolicy['method'];
  amortisation_years: number;
  declining_factor: number | null;
}
export interface DatacenterIn {
  id: number;
  name: string;
  pue_target: number | null;
}
export interface RackIn {
  id: number;
  name: string;
  datacenter_id: number;
}
export interface DeviceIn {
  kind: DeviceKind;
  id: number;
  name: string;
  rack_id: number | null;
  datacenter_id: number;
  u_size: number;
  /** the power budget it was given: what it draws when nothing measures it */
  allocated_w: number;
  purchase_cost: number | null;
  purchase_date: string | null;
  status: string;
  cpu: number | null;
  mem: number | null;
}
export interface VmIn {
  id: number;
  name: string;
  host_server_id: number;
  cpu: number;
  mem: number;
  owner: string | null;
  tags: string[];
}
/** A container workload: replicas × what each asks for (its request, else its limit), on its cluster's nodes. */
export interface WorkloadIn {
  id: number;
  name: string;
  namespace: string;
  cluster_id: number;
  replicas: number;
  /** millicores and MB per replica; null when it declares neither a request nor a limit */
  cpu_m: number | null;
  mem_mb: number | null;
}
/** A cluster's node: one server or one VM. */
export interface ClusterNodeIn {
  cluster_id: number;
  server_id: number | null;
  vm_id: number | null;
}
export interface ContractIn {
  id: number;
  name: string;
  kind: 'licence' | 'support';
  scope_type: 'estate' | 'datacenter' | 'rack' | 'server' | 'vm';
  scope_id: number | null;
  currency: string;
  amount: number;
  billing: 'monthly' | 'yearly';
  starts_on: string;
  ends_on: string | null;
}
/** A server's measured IT energy in the window by UTC hour of day, and how many hours of each were measured. */
export interface Metered {
  wh: number[];
  hours: number[];
}
export interface Estate {
  window: Window;
  datacenters: DatacenterIn[];
  racks: RackIn[];
  devices: DeviceIn[];
  vms: VmIn[];
  /** container workloads and their clusters' nodes (absent: none) */
  workloads?: WorkloadIn[];
  clusterNodes?: ClusterNodeIn[];
  contracts: ContractIn[];
  tariffs: TariffIn[];
  metered: Map<number, Metered>;
  /** facility and IT energy of each site's measured PUE hours in the window */
  pue: Map<number, { facility: number; it: number }>;
}

export interface CostLine {
  category: Category;
  amount: number;
  currency: string;
  resource_type: DeviceKind | 'rack' | 'contract';
  resource_id: number;
  resource_name: string;
  datacenter_id: number | null;
  rack_id: number | null;
  server_id: number | null;
  vm_id: number | null;
  /** kWh at the meter (IT × PUE), U-months, rack-months; null when the charge has no quantity */
  quantity: number | null;
  unit: string | null;
  description: string;
  /** energy: measured | allocated | mixed; others: what the figure rests on */
  basis: string;
  measured_wh?: number;
  allocated_wh?: number;
}

export interface SiteEvidence {
  datacenter_id: number;
  datacenter: string;
  tariff: string | null;
  currency: string | null;
  pue: number | null;
  pue_basis: 'measured' | 'design target' | 'none: IT energy only';
}

/** States in which a device is powered and draws energy. */
const POWERED = new Set(['active', 'maintenance']);
const EPOCH_MONTH = Date.UTC(1970, 0, 1);

export function tariffFor(tariffs: readonly TariffIn[], datacenterId: number): TariffIn | null {
  return tariffs.find((t) => t.datacenter_id === datacenterId) ?? tariffs.find((t) => t.datacenter_id === null) ?? null;
}

function siteEvidence(e: Estate): Map<number, SiteEvidence & { t: TariffIn | null; pueValue: number }> {
  return new Map(
    e.datacenters.map((d) => {
      const t = tariffFor(e.tariffs, d.id);
      const m = e.pue.get(d.id);
      const measured = m && m.it > 0 ? m.facility / m.it : null;
      const pue = measured ?? d.pue_target ?? null;
      const pue_basis =
        measured !== null ? 'measured' : d.pue_target != null ? 'design target' : 'none: IT energy only';
      return [
        d.id,
        {
          datacenter_id: d.id,
          datacenter: d.name,
          tariff: t?.name ?? null,
          currency: t?.currency ?? null,
          pue,
          pue_basis,
          t,
          pueValue: pue ?? 1,
        },
      ] as const;
    }),
  );
}

const policyOf = (t: TariffIn): AmortisationPolicy => ({
  method: t.amortisation_method,
  years: t.amortisation_years,
  declining_factor: t.declining_factor,
});

/** Every cost of the estate in its window, and what could not be costed and why. */
export function costLines(e: Estate): { lines: CostLine[]; gaps: string[]; sites: SiteEvidence[] } {
  const sites = siteEvidence(e);
  const rackById = new Map(e.racks.map((r) => [r.id, r]));
  const hours = hoursByHourOfDay(e.window);
  const lines: CostLine[] = [];
  const gaps: string[] = [];
  const unpriced = new Set<string>();
  let noPurchase = 0;

  for (const d of e.devices) {
    const site = sites.get(d.datacenter_id);
    const t = site?.t;
    if (!site || !t) {
      unpriced.add(site?.datacenter ?? `datacenter ${d.datacenter_id}`);
      continue;
    }
    const base = {
      currency: t.currency,
      resource_type: d.kind,
      resource_id: d.id,
      resource_name: d.name,
      datacenter_id: d.datacenter_id,
      rack_id: d.rack_id,
      server_id: d.kind === 'server' ? d.id : null,
      vm_id: null,
    };
    if (POWERED.has(d.status)) {
      const m = d.kind === 'server' ? e.metered.get(d.id) : undefined;
      const wh = hours.map((h, i) => (m?.wh[i] ?? 0) + Math.max(0, h - (m?.hours[i] ?? 0)) * d.allocated_w);
      const measuredWh = m ? m.wh.reduce((a, b) => a + b, 0) : 0;
      const totalWh = wh.reduce((a, b) => a + b, 0);
      const allocatedWh = totalWh - measuredWh;
      const basis = allocatedWh <= 0 ? 'measured' : measuredWh <= 0 ? 'allocated' : 'mixed';
      const kwh = (totalWh / 1000) * site.pueValue;
      lines.push({
        ...base,
        category: 'energy',
        amount: energyCost(wh, site.pueValue, t),
        quantity: kwh,
        unit: 'kWh',
        description: `${(totalWh / 1000).toFixed(3)} kWh IT × PUE ${site.pue === null ? '1 (none known)' : site.pue.toFixed(3)} at ${t.name}`,
        basis,
        measured_wh: measuredWh,
        allocated_wh: allocatedWh,
      });
    }
    if (d.purchase_cost != null && d.purchase_date) {
      const p = policyOf(t);
      lines.push({
        ...base,
        category: 'hardware',
        amount: amortised(d.purchase_cost, Date.parse(d.purchase_date), p, e.window),
        quantity: null,
        unit: null,
        description: `${d.purchase_cost} bought ${d.purchase_date}, ${p.method.replace('_', ' ')} over ${p.years} years`,
        basis: p.method,
      });
    } else noPurchase++;
    if (d.rack_id !== null && d.status !== 'decommissioned' && t.space_per_u_month != null) {
      const uMonths = spread(EPOCH_MONTH, 1, () => d.u_size, e.window);
      lines.push({
        ...base,
        category: 'space',
        amount: uMonths * t.space_per_u_month,
        quantity: uMonths,
        unit: 'U-month',
        description: `${d.u_size} U × ${t.space_per_u_month} per U-month`,
        basis: 'per U',
      });
    }
  }
  for (const r of e.racks) {
    const t = sites.get(r.datacenter_id)?.t;
    if (!t || t.space_per_rack_month == null) continue;
    const months = spread(EPOCH_MONTH, 1, () => 1, e.window);
    lines.push({
      category: 'space',
      amount: months * t.space_per_rack_month,
      currency: t.currency,
      resource_type: 'rack',
      resource_id: r.id,
      resource_name: r.name,
      datacenter_id: r.datacenter_id,
      rack_id: r.id,
      server_id: null,
      vm_id: null,
      quantity: months,
      unit: 'rack-month',
      description: `rack × ${t.space_per_rack_month} per rack-month`,
      basis: 'per rack',
    });
  }
  lines.push(...contractLines(e, rackById));
  for (const name of unpriced)
    gaps.push(`${name} has no tariff (and there is no default one): its energy, space and hardware are not costed.`);
  if (noPurchase)
    gaps.push(
      `${noPurchase} device${noPurchase === 1 ? ' has' : 's have'} no purchase cost or date: no hardware cost for ${noPurchase === 1 ? 'it' : 'them'}.`,
    );
  return { lines, gaps, sites: [...sites.values()].map(({ t: _t, pueValue: _p, ...s }) => s) };
}

function contractLines(e: Estate, rackById: Map<number, RackIn>): CostLine[] {
  const serverById = new Map(e.devices.filter((d) => d.kind === 'server').map((d) => [d.id, d]));
  const vmById = new Map(e.vms.map((v) => [v.id, v]));
  const dcIds = new Set(e.datacenters.map((d) => d.id));
  const out: CostLine[] = [];
  for (const c of e.contracts) {
    // where the contract's charge lands; a target the caller cannot see (or that is gone) drops the contract
    let at: {
      datacenter_id: number | null;
      rack_id: number | null;
      server_id: number | null;
      vm_id: number | null;
    } | null = null;
    const server = (id: number) => {
      const s = serverById.get(id);
      return s ? { datacenter_id: s.datacenter_id, rack_id: s.rack_id, server_id: s.id } : null;
    };
    if (c.scope_type === 'estate') at = { datacenter_id: null, rack_id: null, server_id: null, vm_id: null };
    else if (c.scope_type === 'datacenter' && dcIds.has(c.scope_id!))
      at = { datacenter_id: c.scope_id, rack_id: null, server_id: null, vm_id: null };
    else if (c.scope_type === 'rack' && rackById.has(c.scope_id!))
      at = {
        datacenter_id: rackById.get(c.scope_id!)!.datacenter_id,
        rack_id: c.scope_id,
        server_id: null,
        vm_id: null,
      };
    else if (c.scope_type === 'server') {
      const s = server(c.scope_id!);
      at = s && { ...s, vm_id: null };
    } else if (c.scope_type === 'vm') {
      const v = vmById.get(c.scope_id!);
      const s = v && server(v.host_server_id);
      at = s ? { ...s, vm_id: v.id } : null;
    }
    if (!at) continue;
    const months = c.billing === 'monthly' ? 1 : 12;
    const ends = c.ends_on ? Date.parse(c.ends_on) : Number.POSITIVE_INFINITY;
    out.push({
      category: c.kind,
      amount: spread(Date.parse(c.starts_on), months, () => c.amount, e.window, ends),
      currency: c.currency,
      resource_type: 'contract',
      resource_id: c.id,
      resource_name: c.name,
      ...at,
      quantity: null,
      unit: null,
      description: `${c.amount} per ${c.billing === 'monthly' ? 'month' : 'year'} from ${c.starts_on}${c.ends_on ? ` to ${c.ends_on}` : ''}`,
      basis: 'contract',
    });
  }
  return out;
}
