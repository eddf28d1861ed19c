import { SPEED_BPS, type PortSpeed } from './schemas/port';

/**
 * The network as a graph and the load on its links. Pure: traffic.ts loads devices, cables and the latest port
 * rates, and hands them here.
 */

export interface TopoDevice {
  id: number;
  name: string;
  device_type: string;
  rack_id: number;
  status: string;
}

export interface LinkEnd {
  device_id: number;
  device_name: string;
  port_id: number;
  port_name: string;
  speed: string;
}

export interface TopoLink {
  cable_id: number;
  a: LinkEnd;
  b: LinkEnd;
}

/** What a port sent and received lately, in bits per second, as the device at that port reports it. */
export interface PortRate {
  in_bps: number;
  out_bps: number;
}

/** Drawn top to bottom: core, distribution, access, then routers, firewalls and load balancers. */
export const LAYER: Record<string, number> = {
  core_switch: 0,
  distribution_switch: 1,
  access_switch: 2,
};
export const layerOf = (deviceType: string) => LAYER[deviceType] ?? 3;

export const speedBps = (speed: string): number | null => SPEED_BPS[speed as PortSpeed] ?? null;

/** A link runs at the slower of its two ends. */
export function linkSpeedBps(link: TopoLink): number | null {
  const a = speedBps(link.a.speed);
  const b = speedBps(link.b.speed);
  return a === null || b === null ? (a ?? b) : Math.min(a, b);
}

export interface LinkLoad {
  cable_id: number;
  a: LinkEnd;
  b: LinkEnd;
  speed_bps: number | null;
  /** into the A end's port (what B sent), bits per second */
  in_bps: number | null;
  /** out of the A end's port */
  out_bps: number | null;
  utilisation_pct: number | null;
}

/**
 * The load on one cable from the A end's view. Either end may report: B's output arrives at A, so B's out counts as
 * A's in. When both report, the higher of the two readings of each direction counts (a link is as busy as its
 * busier witness). Utilisation = max(in, out) / link speed.
 */
export function linkLoad(link: TopoLink, rates: ReadonlyMap<number, PortRate>): LinkLoad {
  const ra = rates.get(link.a.port_id);
  const rb = rates.get(link.b.port_id);
  const pick = (x: number | undefined, y: number | undefined) =>
    x === undefined ? (y ?? null) : y === undefined ? x : Math.max(x, y);
  const in_bps = pick(ra?.in_bps, rb?.out_bps);
  const out_bps = pick(ra?.out_bps, rb?.in_bps);
  const speed_bps = linkSpeedBps(link);
  const utilisation_pct =
    in_bps === null || out_bps === null || !speed_bps
      ? null
      : Math.round((Math.max(in_bps, out_bps) / speed_bps) * 10_000) / 100;
  return { cable_id: link.cable_id, a: link.a, b: link.b, speed_bps, in_bps, out_bps, utilisation_pct };
}

/** Busiest first; links without readings last, in cable order. */
export function busiestFirst(loads: LinkLoad[]): LinkLoad[] {
  return [...loads].sort((x, y) => {
    if (x.utilisation_pct === null || y.utilisation_pct === null) {
      if (x.utilisation_pct !== y.utilisation_pct) return x.utilisation_pct === null ? 1 : -1;
      return x.cable_id - y.cable_id;
    }
    return y.utilisation_pct - x.utilisation_pct || x.cable_id - y.cable_id;
  });
}

export interface TopoNode extends TopoDevice {
  layer: number;
  /** cables on the device */
  degree: number;
}

export interface TopoEdge {
  /** the lower device id of the pair */
  a_device_id: number;
  b_device_id: number;
  cables: number;
  /** sum of the link speeds of its cables */
  capacity_bps: number;
  /** the busiest of its cables; null when none of them reports */
  utilisation_pct: number | null;
}

/**
 * Devices as nodes, cables folded into one edge per pair of devices (a LAG of four 100G links is one 400G edge).
 * A cable whose far end is a device outside `devices` brings that device in, so no edge points nowhere.
 */
export function buildTopology(
  devices: TopoDevice[],
  links: TopoLink[],
  rates: ReadonlyMap<number, PortRate> = new Map(),
  outside: TopoDevice[] = [],
): { nodes: TopoNode[]; edges: TopoEdge[] } {
  const byId = new Map<number, TopoNode>();
  for (const d of [...devices, ...outside]) byId.set(d.id, { ...d, layer: layerOf(d.device_type), degree: 0 });
  const edges = new Map<string, TopoEdge>();
  for (const link of links) {
    const [lo, hi] = [link.a.device_id, link.b.device_id].sort((x, y) => x - y) as [number, number];
    if (!byId.has(lo) || !byId.has(hi)) continue;
    byId.get(lo)!.degree++;
    if (hi !== lo) byId.get(hi)!.degree++;
    const key = `${lo}-${hi}`;
    const e = edges.get(key) ?? { a_device_id: lo, b_device_id: hi, cables: 0, capacity_bps: 0, utilisation_pct: null };
    const load = linkLoad(link, rates);
    e.cables++;
    e.capacity_bps += load.speed_bps ?? 0;
    if (load.utilisation_pct !== null) e.utilisation_pct = Math.max(e.utilisation_pct ?? 0, load.utilisation_pct);
    edges.set(key, e);
  }
  // a patch panel without cables is not part of the network's shape
  const nodes = [...byId.values()]
    .filter((n) => n.device_type !== 'patch_panel' || n.degree > 0)
    .sort((x, y) => x.layer - y.layer || x.name.localeCompare(y.name));
  const sortedEdges = [...edges.values()].sort(
    (x, y) => x.a_device_id - y.a_device_id || x.b_device_id - y.b_device_id,
  );
  return { nodes, edges: sortedEdges };
}
