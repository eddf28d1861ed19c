import { drawW, feedUsableKw, type FeedRating } from './capacity';

// The power chain as plain data (no D1): what impact.ts and chain.ts reason about.

export interface ChainFeed extends FeedRating {
  id: number;
  name: string;
  side: string;
  status: string;
}
export interface ChainPdu {
  id: number;
  name: string;
  rack_id: number;
  feed_id: number | null;
  capacity_kw: number;
}
export interface ChainSupply {
  id: number;
  device_kind: string;
  device_id: number;
  pdu_id: number;
}
export interface ChainDevice {
  kind: string;
  id: number;
  name: string;
  rack_id: number;
  power_w: number;
  status?: string | null;
}
export interface Chain {
  feeds: ChainFeed[];
  pdus: ChainPdu[];
  supplies: ChainSupply[];
  devices: ChainDevice[];
}

export const deviceKey = (kind: string, id: number) => `${kind}:${id}`;
export const roundKw = (kw: number) => Math.round(kw * 1000) / 1000;

/** A feed that is already offline or failed carries nothing and gives no capacity. */
export const feedIsDown = (f: Pick<ChainFeed, 'status'>) => f.status === 'offline' || f.status === 'failed';

/** Each device's supplies (only those on PDUs of the chain), by device key. */
export function suppliesByDevice(chain: Chain): Map<string, ChainSupply[]> {
  const pduIds = new Set(chain.pdus.map((p) => p.id));
  const out = new Map<string, ChainSupply[]>();
  for (const s of chain.supplies) {
    if (!pduIds.has(s.pdu_id)) continue;
    const k = deviceKey(s.device_kind, s.device_id);
    out.set(k, [...(out.get(k) ?? []), s]);
  }
  return out;
}

/**
 * What each supply carries in normal operation, in W: a device's allocated power shared equally over its
 * supplies (dual-corded PSUs load-share). A supply whose device is unknown carries nothing we can count.
 */
export function supplyLoadsW(chain: Chain): Map<number, number> {
  const devices = new Map(chain.devices.map((d) => [deviceKey(d.kind, d.id), d]));
  const out = new Map<number, number>();
  for (const [k, supplies] of suppliesByDevice(chain)) {
    const d = devices.get(k);
    for (const s of supplies) out.set(s.id, d ? drawW(d) / supplies.length : 0);
  }
  return out;
}

/** kW each PDU and each feed carries in normal operation. */
export function loadsKw(chain: Chain): { pdu: Map<number, number>; feed: Map<number, number> } {
  const perSupply = supplyLoadsW(chain);
  const pduOf = new Map(chain.pdus.map((p) => [p.id, p]));
  const pdu = new Map<number, number>();
  const feed = new Map<number, number>();
  for (const s of chain.supplies) {
    const p = pduOf.get(s.pdu_id);
    const kw = (perSupply.get(s.id) ?? 0) / 1000;
    if (!p) continue;
    pdu.set(p.id, (pdu.get(p.id) ?? 0) + kw);
    if (p.feed_id !== null) feed.set(p.feed_id, (feed.get(p.feed_id) ?? 0) + kw);
  }
  return { pdu, feed };
}

export interface RackChainCapacity {
  rack_id: number;
  a_kw: number;
  b_kw: number;
  /** what the rack keeps when either side fails: min(A, B) */
  redundant_kw: number;
}

/**
 * Per rack, the kW each side can deliver: every PDU gives min(its own rating, its feed's usable kW shared
 * equally over the PDUs on that feed). A PDU without a feed, or on a feed that is down, gives nothing.
 */
export function rackChainCapacity(chain: Chain): Map<number, RackChainCapacity> {
  const feeds = new Map(chain.feeds.map((f) => [f.id, f]));
  const pdusPerFeed = new Map<number, number>();
  for (const p of chain.pdus) if (p.feed_id !== null) pdusPerFeed.set(p.feed_id, (pdusPerFeed.get(p.feed_id) ?? 0) + 1);
  const out = new Map<number, RackChainCapacity>();
  for (const p of chain.pdus) {
    const r = out.get(p.rack_id) ?? { rack_id: p.rack_id, a_kw: 0, b_kw: 0, redundant_kw: 0 };
    out.set(p.rack_id, r);
    const f = p.feed_id === null ? undefined : feeds.get(p.feed_id);
    if (!f || feedIsDown(f)) continue;
    const kw = Math.min(p.capacity_kw, feedUsableKw(f) / pdusPerFeed.get(f.id)!);
    if (f.side === 'B') r.b_kw += kw;
    else r.a_kw += kw;
  }
  for (const r of out.values()) {
    r.a_kw = roundKw(r.a_kw);
    r.b_kw = roundKw(r.b_kw);
    r.redundant_kw = Math.min(r.a_kw, r.b_kw);
  }
  return out;
}
