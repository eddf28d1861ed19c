import { drawW, feedCapacityKw, feedUsableKw } from './capacity';
import { deviceKey, loadsKw, rackChainCapacity, roundKw, supplyLoadsW } from './chain-model';
import type { FeedImpact } from './impact';
import type { SiteChain } from './chain-data';

// Pure shaping of a loaded site chain into the API's answers (no D1 here).

type Pdu = SiteChain['pdus'][number];

/** The tree feeds -> PDUs -> supplies (with their devices), and per rack: chain capacity vs budget vs measured. */
export function chainTree(site: SiteChain, measured: Map<number, number | null>) {
  const loads = loadsKw(site);
  const perSupply = supplyLoadsW(site);
  const rackName = new Map(site.racks.map((r) => [r.id, r.name]));
  const deviceOf = new Map(site.devices.map((d) => [deviceKey(d.kind, d.id), d]));
  const pduNode = (p: Pdu) => ({
    id: p.id,
    name: p.name,
    rack_id: p.rack_id,
    rack_name: rackName.get(p.rack_id) ?? '',
    feed_id: p.feed_id,
    u_position: p.u_position,
    outlets: p.outlets,
    capacity_kw: p.capacity_kw,
    status: p.status,
    allocated_kw: roundKw(loads.pdu.get(p.id) ?? 0),
    supplies: site.supplies
      .filter((s) => s.pdu_id === p.id)
      .map((s) => ({
        id: s.id,
        name: s.name,
        outlet: s.outlet,
        max_draw_w: s.max_draw_w,
        device_kind: s.device_kind,
        device_id: s.device_id,
        device_name: deviceOf.get(deviceKey(s.device_kind, s.device_id))?.name ?? null,
        allocated_w: Math.round(perSupply.get(s.id) ?? 0),
      })),
  });
  const capacity = rackChainCapacity(site);
  const suppliesOf = new Map<string, number>();
  for (const s of site.supplies) {
    const k = deviceKey(s.device_kind, s.device_id);
    suppliesOf.set(k, (suppliesOf.get(k) ?? 0) + 1);
  }
  return {
    datacenter: site.datacenter,
    feeds: site.feeds.map((f) => ({
      id: f.id,
      name: f.name,
      panel: f.panel,
      source: f.source,
      side: f.side,
      feed_type: f.feed_type,
      supply: f.supply,
      phase: f.phase,
      voltage: f.voltage,
      amperage: f.amperage,
      max_utilization_pct: f.max_utilization_pct,
      status: f.status,
      capacity_kw: feedCapacityKw(f),
      usable_kw: feedUsableKw(f),
      allocated_kw: roundKw(loads.feed.get(f.id) ?? 0),
      pdus: site.pdus.filter((p) => p.feed_id === f.id).map(pduNode),
    })),
    unfed_pdus: site.pdus.filter((p) => p.feed_id === null).map(pduNode),
    racks: site.racks.map((r) => {
      const devices = site.devices.filter((d) => d.rack_id === r.id);
      const c = capacity.get(r.id) ?? { a_kw: 0, b_kw: 0, redundant_kw: 0 };
      return {
        id: r.id,
        name: r.name,
        row: r.row,
        position: r.position,
        power_capacity_kw: r.power_capacity_kw,
        allocated_kw: roundKw(devices.reduce((sum, d) => sum + drawW(d), 0) / 1000),
        measured_kw: measured.get(r.id) ?? null,
        a_kw: c.a_kw,
        b_kw: c.b_kw,
        redundant_kw: c.redundant_kw,
        devices: devices.map((d) => ({
          kind: d.kind,
          id: d.id,
          name: d.name,
          power_w: d.power_w,
          supplies: suppliesOf.get(deviceKey(d.kind, d.id)) ?? 0,
        })),
      };
    }),
  };
}

const STATES = ['lost', 'uncertain', 'degraded', 'unmodelled'] as const;

/** The impact with the racks of the site, each with its affected devices and its worst state, for the floor view. */
export function impactAnswer(site: SiteChain, impact: FeedImpact) {
  const feed = site.feeds.find((f) => f.id === impact.feed_id)!;
  const stateOf = new Map<string, (typeof STATES)[number]>();
  for (const state of STATES) for (const d of impact[state]) stateOf.set(deviceKey(d.kind, d.id), state);
  return {
    feed: { id: feed.id, name: feed.name, side: feed.side, datacenter_id: site.datacenter.id },
    ...impact,
    racks: site.racks.map((r) => {
      const devices = site.devices
        .filter((d) => d.rack_id === r.id && stateOf.has(deviceKey(d.kind, d.id)))
        .map((d) => ({ kind: d.kind, id: d.id, name: d.name, state: stateOf.get(deviceKey(d.kind, d.id))! }));
      const worst = STATES.find((s) => devices.some((d) => d.state === s)) ?? null;
      return {
        id: r.id,
        name: r.name,
        row: r.row,
        position: r.position,
        touched: impact.rack_ids.includes(r.id),
        worst,
        devices,
      };
    }),
  };
}
