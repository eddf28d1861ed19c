import * as v from 'valibot';
import { queryId, queryInt } from '../../platform/schemas/common';

// Only valibot here: the UI reads the topology and traffic views with these shapes.

export const TopologyQuery = v.strictObject({ datacenter_id: v.optional(queryId('datacenter')) });
export const TrafficQuery = v.strictObject({
  datacenter_id: v.optional(queryId('datacenter')),
  limit: v.optional(queryInt(1, 1000)),
});

/** Where the bps figures came from: live port readings, or none (utilisation is then null, never guessed). */
export const TRAFFIC_SOURCES = ['telemetry', 'no telemetry'] as const;

const n = v.number();
const nn = v.nullable(v.number());

export const TopologyNode = v.object({
  id: n,
  name: v.string(),
  device_type: v.string(),
  rack_id: n,
  status: v.string(),
  /** 0 core, 1 distribution, 2 access, 3 the rest (routers, firewalls, load balancers) */
  layer: n,
  degree: n,
});
export const TopologyEdge = v.object({
  a_device_id: n,
  b_device_id: n,
  cables: n,
  capacity_bps: n,
  /** the busiest of its cables; null without readings */
  utilisation_pct: nn,
});
export const Topology = v.object({
  datacenter_id: nn,
  source: v.picklist(TRAFFIC_SOURCES),
  nodes: v.array(TopologyNode),
  edges: v.array(TopologyEdge),
});

const LinkEnd = v.object({
  device_id: n,
  device_name: v.string(),
  port_id: n,
  port_name: v.string(),
  speed: v.string(),
});
export const TrafficLink = v.object({
  cable_id: n,
  a: LinkEnd,
  b: LinkEnd,
  /** the slower end's line rate */
  speed_bps: nn,
  in_bps: nn,
  out_bps: nn,
  utilisation_pct: nn,
});
export const Traffic = v.object({
  datacenter_id: nn,
  source: v.picklist(TRAFFIC_SOURCES),
  /** ms of the newest reading used; null without readings */
  ts: nn,
  links: v.array(TrafficLink),
});
