import { pct } from '../dcim/elevation';

/** Per-datacenter totals as the database aggregates them. */
export interface DatacenterTotals {
  id: number;
  name: string;
  location: string | null;
  status: string;
  pue_target: number | null;
  power_capacity_mw: number | null;
  cooling_capacity_mw: number | null;
  racks: number;
  total_u: number;
  rack_power_kw: number;
  servers: number;
  used_u: number;
  allocated_w: number;
}

export interface Utilization {
  total: number;
  used: number;
  free: number;
  utilization_pct: number;
  unit: string;
}

const util = (total: number, used: number, unit: string): Utilization => ({
  total: Math.round(total * 100) / 100,
  used: Math.round(used * 100) / 100,
  free: Math.round((total - used) * 100) / 100,
  utilization_pct: pct(used, total),
  unit,
});

export function capacityReport(dcs: DatacenterTotals[]) {
  const sum = (f: (d: DatacenterTotals) => number) => dcs.reduce((s, d) => s + f(d), 0);
  return {
    rack_space: util(
      sum((d) => d.total_u),
      sum((d) => d.used_u),
      'U',
    ),
    power: util(
      sum((d) => d.rack_power_kw),
      sum((d) => d.allocated_w) / 1000,
      'kW',
    ),
    racks: sum((d) => d.racks),
    servers: sum((d) => d.servers),
    datacenters: dcs.map((d) => ({
      id: d.id,
      name: d.name,
      location: d.location,
      racks: d.racks,
      servers: d.servers,
      rack_space: util(d.total_u, d.used_u, 'U'),
      power: util(d.rack_power_kw, d.allocated_w / 1000, 'kW'),
    })),
  };
}

/**
 * Until live metering exists the estate PUE is the datacenters' design targets, weighted by facility power
 * capacity (a 10 MW site counts ten times a 1 MW one); unweighted when no capacities are known.
 */
export function weightedPue(dcs: Pick<DatacenterTotals, 'pue_target' | 'power_capacity_mw'>[]): number | null {
  const known = dcs.filter((d) => d.pue_target != null);
  if (!known.length) return null;
  const weights = known.map((d) => d.power_capacity_mw ?? 0);
  const total = weights.reduce((a, b) => a + b, 0);
  const value =
    total > 0
      ? known.reduce((s, d, i) => s + d.pue_target! * weights[i], 0) / total
      : known.reduce((s, d) => s + d.pue_target!, 0) / known.length;
  return Math.round(value * 100) / 100;
}
