import * as v from 'valibot';

// Answers of GET /power/chain and GET /power/impact (documentation and the UI's generated types).

const kw = v.number();

export const ChainSupply = v.object({
  id: v.number(),
  name: v.string(),
  outlet: v.nullable(v.number()),
  max_draw_w: v.nullable(v.number()),
  device_kind: v.string(),
  device_id: v.number(),
  device_name: v.nullable(v.string()),
  allocated_w: v.number(),
});
export const ChainPdu = v.object({
  id: v.number(),
  name: v.string(),
  rack_id: v.number(),
  rack_name: v.string(),
  feed_id: v.nullable(v.number()),
  u_position: v.nullable(v.number()),
  outlets: v.number(),
  capacity_kw: kw,
  status: v.string(),
  allocated_kw: kw,
  supplies: v.array(ChainSupply),
});
export const ChainFeed = v.object({
  id: v.number(),
  name: v.string(),
  panel: v.nullable(v.string()),
  source: v.string(),
  side: v.string(),
  feed_type: v.string(),
  supply: v.string(),
  phase: v.string(),
  voltage: v.number(),
  amperage: v.number(),
  max_utilization_pct: v.number(),
  status: v.string(),
  capacity_kw: kw,
  usable_kw: kw,
  allocated_kw: kw,
  pdus: v.array(ChainPdu),
});
export const ChainRack = v.object({
  id: v.number(),
  name: v.string(),
  row: v.nullable(v.string()),
  position: v.nullable(v.number()),
  /** the rack's own budget */
  power_capacity_kw: kw,
  /** the devices' allocated power */
  allocated_kw: kw,
  /** from telemetry; null when nothing fresh was reported */
  measured_kw: v.nullable(kw),
  /** what the PDUs on A-side and B-side feeds can deliver */
  a_kw: kw,
  b_kw: kw,
  /** min(A, B): what the rack keeps when either side fails */
  redundant_kw: kw,
  devices: v.array(
    v.object({ kind: v.string(), id: v.number(), name: v.string(), power_w: v.number(), supplies: v.number() }),
  ),
});
export const PowerChain = v.object({
  datacenter: v.object({ id: v.number(), name: v.string() }),
  feeds: v.array(ChainFeed),
  /** PDUs not connected to any feed */
  unfed_pdus: v.array(ChainPdu),
  racks: v.array(ChainRack),
});

const ImpactDevice = v.object({
  kind: v.string(),
  id: v.number(),
  name: v.string(),
  rack_id: v.number(),
  power_w: v.number(),
  supplies: v.number(),
  live_supplies: v.number(),
});
const LoadShift = v.object({
  id: v.number(),
  name: v.string(),
  base_kw: kw,
  extra_kw: kw,
  new_kw: kw,
  limit_kw: kw,
  overloaded: v.boolean(),
});
export const IMPACT_STATES = ['lost', 'uncertain', 'degraded', 'unmodelled'] as const;
export const PowerImpact = v.object({
  feed: v.object({ id: v.number(), name: v.string(), side: v.string(), datacenter_id: v.number() }),
  feed_id: v.number(),
  lost: v.array(ImpactDevice),
  degraded: v.array(ImpactDevice),
  uncertain: v.array(ImpactDevice),
  unmodelled: v.array(ImpactDevice),
  unaffected_count: v.number(),
  /** surviving feeds: their load before and after the degraded devices move onto them */
  feeds: v.array(LoadShift),
  /** surviving PDUs that take extra load */
  pdus: v.array(LoadShift),
  rack_ids: v.array(v.number()),
  racks: v.array(
    v.object({
      id: v.number(),
      name: v.string(),
      row: v.nullable(v.string()),
      position: v.nullable(v.number()),
      touched: v.boolean(),
      worst: v.nullable(v.picklist(IMPACT_STATES)),
      devices: v.array(
        v.object({ kind: v.string(), id: v.number(), name: v.string(), state: v.picklist(IMPACT_STATES) }),
      ),
    }),
  ),
});
