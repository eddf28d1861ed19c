import { drawsPower, type Mounted, type RackLimits } from './placement';

export interface ElevationDevice extends Mounted {
  id: number;
  server_type: string;
  status: string;
  health: string;
  manufacturer: string | null;
  model: string | null;
}

export interface Elevation {
  rack_id: number;
  u_capacity: number;
  used_u: number;
  free_u: number;
  utilization_pct: number;
  power: { capacity_w: number; allocated_w: number; utilization_pct: number };
  /** one entry per U from the top down, as a rack is read front-on */
  units: { u: number; device_id: number | null }[];
  devices: ElevationDevice[];
  /** contiguous free runs, largest first: where a new server of a given height fits */
  free_ranges: { from: number; to: number; size: number }[];
}

export const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

export function buildElevation(rack: RackLimits, devices: ElevationDevice[]): Elevation {
  const owner = new Array<number | null>(rack.u_capacity + 1).fill(null);
  for (const d of devices) {
    for (let u = d.u_position; u < d.u_position + d.u_size && u <= rack.u_capacity; u++) owner[u] = d.id;
  }
  const units = [];
  for (let u = rack.u_capacity; u >= 1; u--) units.push({ u, device_id: owner[u] });
  const used = units.filter((x) => x.device_id !== null).length;

  const free_ranges: Elevation['free_ranges'] = [];
  let start: number | null = null;
  for (let u = 1; u <= rack.u_capacity + 1; u++) {
    const free = u <= rack.u_capacity && owner[u] === null;
    if (free && start === null) start = u;
    if (!free && start !== null) {
      free_ranges.push({ from: start, to: u - 1, size: u - start });
      start = null;
    }
  }
  free_ranges.sort((a, b) => b.size - a.size || a.from - b.from);

  const allocated = devices.filter(drawsPower).reduce((s, d) => s + d.power_supply_w, 0);
  const capacity = rack.power_capacity_kw * 1000;
  return {
    rack_id: rack.id,
    u_capacity: rack.u_capacity,
    used_u: used,
    free_u: rack.u_capacity - used,
    utilization_pct: pct(used, rack.u_capacity),
    power: { capacity_w: capacity, allocated_w: allocated, utilization_pct: pct(allocated, capacity) },
    units,
    devices: [...devices].sort((a, b) => b.u_position - a.u_position),
    free_ranges,
  };
}
