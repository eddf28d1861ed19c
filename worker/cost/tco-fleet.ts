// The estate's server generations as TCO starting points, pure: servers grouped by site and model, with what
// the inventory, the meters, the contracts and the tariff say of them, and the newest generation as the refresh.
import { rateAt } from './energy';
import { tariffFor, type DeviceIn, type Estate, type TariffIn } from './model';

const YEAR_MS = 365.25 * 86_400_000;
const POWERED = new Set(['active', 'maintenance']);

export interface ModelOf {
  manufacturer: string | null;
  model: string | null;
  server_type: string;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** The price of a kWh over a day: flat, or the mean of its 24 hourly prices (an even draw over the day). */
export function meanPrice(t: TariffIn): number {
  if (t.energy_kind === 'flat') return t.rate_per_kwh;
  let sum = 0;
  for (let h = 0; h < 24; h++) sum += rateAt(t, h);
  return sum / 24;
}

/** Support contracts on one server, per year, in force at `now`. */
function supportPerYear(e: Estate, serverId: number, now: number) {
  return e.contracts
    .filter(
      (c) =>
        c.kind === 'support' &&
        c.scope_type === 'server' &&
        c.scope_id === serverId &&
        Date.parse(c.starts_on) <= now &&
        (!c.ends_on || Date.parse(c.ends_on) > now),
    )
    .reduce((s, c) => s + c.amount * (c.billing === 'monthly' ? 12 : 1), 0);
}

/** A server's mean metered draw over the estate's window, or null when nothing metered it. */
export function measuredW(e: Estate, id: number): number | null {
  const m = e.metered.get(id);
  const hours = m ? m.hours.reduce((a, b) => a + b, 0) : 0;
  return m && hours > 0 ? m.wh.reduce((a, b) => a + b, 0) / hours : null;
}

export function pueOf(e: Estate, datacenterId: number): { pue: number; basis: string } {
  const m = e.pue.get(datacenterId);
  if (m && m.it > 0) return { pue: r2(m.facility / m.it), basis: 'measured over the last 30 days' };
  const target = e.datacenters.find((d) => d.id === datacenterId)?.pue_target;
  return target != null ? { pue: target, basis: 'design target' } : { pue: 1, basis: 'none known: 1 assumed' };
}

/** Servers by site and model, with their facts; `newest` is the latest purchase among them (ms). */
function groupFacts(e: Estate, models: Map<number, ModelOf>, now: number) {
  const dcName = new Map(e.datacenters.map((d) => [d.id, d.name]));
  const groups = new Map<string, { dc: number; m: ModelOf; servers: DeviceIn[] }>();
  for (const d of e.devices) {
    if (d.kind !== 'server' || !POWERED.has(d.status)) continue;
    const m = models.get(d.id) ?? { manufacturer: null, model: null, server_type: 'Server' };
    const key = `${d.datacenter_id}|${m.manufacturer ?? ''}|${m.model ?? `(${m.server_type})`}`;
    if (!groups.has(key)) groups.set(key, { dc: d.datacenter_id, m, servers: [] });
    groups.get(key)!.servers.push(d);
  }
  const out = [...groups].map(([key, g]) => {
    const t = tariffFor(e.tariffs, g.dc);
    const dated = g.servers.filter((s) => s.purchase_date);
    const bought = dated.map((s) => Date.parse(s.purchase_date!));
    const metered = g.servers.map((s) => measuredW(e, s.id)).filter((w): w is number => w !== null);
    const nameplate = mean(g.servers.map((s) => s.allocated_w)) ?? 0;
    const measured = mean(metered);
    const { pue, basis } = pueOf(e, g.dc);
    const writeOff = t?.amortisation_years ?? null;
    const name = g.m.model
      ? [g.m.manufacturer, g.m.model].filter(Boolean).join(' ')
      : `${g.m.server_type} (model unknown)`;
    return {
      key,
      label: `${name} · ${dcName.get(g.dc) ?? `datacenter ${g.dc}`}`,
      manufacturer: g.m.manufacturer,
      model: g.m.model,
      count: g.servers.length,
      server_ids: g.servers.map((s) => s.id),
      datacenter_id: g.dc,
      datacenter: dcName.get(g.dc) ?? `datacenter ${g.dc}`,
      u_per_server: Math.max(1, Math.round(mean(g.servers.map((s) => s.u_size)) ?? 1)),
      cpu_cores: round1(mean(g.servers.filter((s) => s.cpu !== null).map((s) => s.cpu!))),
      age_years: bought.length ? r2(mean(bought.map((b) => (now - b) / YEAR_MS))!) : null,
      oldest_purchase: dated.length ? dated.map((s) => s.purchase_date!).sort()[0]! : null,
      purchase_cost: mean(g.servers.filter((s) => s.purchase_cost != null).map((s) => s.purchase_cost!)),
      nameplate_w: Math.round(nameplate),
      measured_w: measured === null ? null : Math.round(measured),
      measured_servers: metered.length,
      power_w: Math.round(measured ?? nameplate),
      power_basis: measured === null ? ('nameplate' as const) : ('measured' as const),
      support_per_year: r2(g.servers.reduce((s, d) => s + supportPerYear(e, d.id, now), 0) / g.servers.length),
      past_write_off: writeOff === null ? 0 : bought.filter((b) => now - b >= writeOff * YEAR_MS - 86_400_000).length,
      write_off_years: writeOff,
      currency: t?.currency ?? null,
      price_per_kwh: t ? Math.round(meanPrice(t) * 1e4) / 1e4 : null,
      pue,
      pue_basis: basis,
      space_per_u_month: t?.space_per_u_month ?? 0,
      newest: bought.length ? Math.max(...bought) : null,
    };
  });
  return out;
}

type Group = ReturnType<typeof groupFacts>[number];

export function fleetGroups(e: Estate, models: Map<number, ModelOf>, now: number) {
  const all = groupFacts(e, models, now);
  return all
    .map(({ newest, ...g }) => ({ ...g, refresh: refreshFrom(g, newest, all) }))
    .sort((a, b) => (b.age_years ?? -1) - (a.age_years ?? -1) || a.label.localeCompare(b.label));
}
export type FleetGroup = ReturnType<typeof fleetGroups>[number];

/**
 * The refresh a generation gets by default: the newest generation the estate has bought (at its price, draw,
 * support and size), replacing old servers in the ratio of their cores. Everything else is the user's to say.
 */
function refreshFrom(g: Omit<Group, 'newest'>, newest: number | null, all: Group[]) {
  const candidates = all.filter(
    (o) =>
      // the same model bought later elsewhere is no new generation
      (o.model !== g.model || o.manufacturer !== g.manufacturer) &&
      o.purchase_cost !== null &&
      o.newest !== null &&
      (newest === null || o.newest > newest),
  );
  const best = candidates.sort((a, b) => b.newest! - a.newest!)[0];
  if (!best)
    return {
      from_group: null,
      new_price: null,
      new_power_w: null,
      new_support_per_year: 0,
      new_u_per_server: g.u_per_server,
      consolidation_ratio: 1,
      basis: ['no newer generation with a purchase cost in the estate: give the replacement’s price and power'],
    };
  const ratio = best.cpu_cores && g.cpu_cores ? Math.max(0.1, r2(best.cpu_cores / g.cpu_cores)) : 1;
  return {
    from_group: best.label,
    new_price: r2(best.purchase_cost!),
    new_power_w: best.power_w,
    new_support_per_year: best.support_per_year,
    new_u_per_server: best.u_per_server,
    consolidation_ratio: ratio,
    basis: [
      `price: the mean purchase cost of ${best.label} (inventory)`,
      `power: ${best.power_basis === 'measured' ? 'metered mean' : 'nameplate'} of ${best.label}`,
      best.cpu_cores && g.cpu_cores
        ? `consolidation: ${best.cpu_cores} cores against ${g.cpu_cores} (assumes work scales with cores)`
        : 'consolidation: 1 to 1 (core counts unknown: assumed)',
    ],
  };
}
