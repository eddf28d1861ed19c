import { drawsPower, type RackLimits } from './placement';
import type { MountRow } from './mounted';

export type ElevationDevice = Omit<MountRow, 'rack_id'>;

export interface Elevation {
  rack_id: number;
  u_capacity: number;
  used_u: number;
  free_u: number;
  utilization_pct: number;
  power: { capacity_w: number; allocated_w: number; utilization_pct: number };
  /**
   * one entry per U from the top down: what is seen of it from the front (device_id, kind) and from the rear
   * (rear_device_id, rear_kind). A full-depth device shows on both; a half-depth one on its own face only.
   */
  units: {
    u: number;
    device_id: number | null;
    kind: string | null;
    rear_device_id: number | null;
    rear_kind: string | null;
  }[];
  /** every device, highest first; zero-U ones (u_position null) last */
  devices: ElevationDevice[];
  /** contiguous runs free on both faces, largest first: where a new full-depth device of a given height fits */
  free_ranges: { from: number; to: number; size: number }[];
}

export const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

export function buildElevation(rack: RackLimits, devices: ElevationDevice[]): Elevation {
  const front = new Array<ElevationDevice | null>(rack.u_capacity + 1).fill(null);
  const rear = new Array<ElevationDevice | null>(rack.u_capacity + 1).fill(null);
  for (const d of devices) {
    if (d.u_position === null) continue;
    for (let u = d.u_position; u < d.u_position + d.u_size && u <= rack.u_capacity; u++) {
      if (d.is_full_depth || d.face === 'front') front[u] = d;
      if (d.is_full_depth || d.face === 'rear') rear[u] = d;
    }
  }
  const units = [];
  for (let u = rack.u_capacity; u >= 1; u--)
    units.push({
      u,
      device_id: front[u]?.id ?? null,
      kind: front[u]?.kind ?? null,
      rear_device_id: rear[u]?.id ?? null,
      rear_kind: rear[u]?.kind ?? null,
    });
  const used = units.filter((x) => x.device_id !== null || x.rear_device_id !== null).length;

  const free_ranges: Elevation['free_ranges'] = [];
  let start: number | null = null;
  for (let u = 1; u <= rack.u_capacity + 1; u++) {
    const free = u <= rack.u_capacity && front[u] === null && rear[u] === null;
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
    devices: [...devices].sort((a, b) => (b.u_position ?? -1) - (a.u_position ?? -1) || a.name.localeCompare(b.name)),
    free_ranges,
  };
}
