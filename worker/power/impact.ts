import { drawW, feedUsableKw } from './capacity';
import { deviceKey, feedIsDown, loadsKw, roundKw, suppliesByDevice, type Chain, type ChainDevice } from './chain-model';

export interface ImpactDevice {
  kind: string;
  id: number;
  name: string;
  rack_id: number;
  power_w: number;
  supplies: number;
  live_supplies: number;
}

export interface LoadShift {
  id: number;
  name: string;
  /** kW carried before the failure */
  base_kw: number;
  /** kW the degraded devices move onto it */
  extra_kw: number;
  new_kw: number;
  /** feeds: usable_kw; PDUs: their rating */
  limit_kw: number;
  /** new_kw above limit_kw: this one may trip next (a cascading failure) */
  overloaded: boolean;
}

export interface FeedImpact {
  feed_id: number;
  /** every supply is on the failed feed (or on feeds already down) */
  lost: ImpactDevice[];
  /** lost a supply, keeps at least one live one: running without redundancy */
  degraded: ImpactDevice[];
  /** lost a supply and the rest are on PDUs without a feed: nobody knows whether they stay up */
  uncertain: ImpactDevice[];
  /** in a rack the failure touches, with no supply recorded: unknown, never assumed safe */
  unmodelled: ImpactDevice[];
  /** devices with supplies that do not touch the failed feed */
  unaffected_count: number;
  feeds: LoadShift[];
  pdus: LoadShift[];
  /** racks holding a PDU on the failed feed or a device it affects */
  rack_ids: number[];
}

const describe = (d: ChainDevice, supplies: number, live: number): ImpactDevice => ({
  kind: d.kind,
  id: d.id,
  name: d.name,
  rack_id: d.rack_id,
  power_w: d.power_w,
  supplies,
  live_supplies: live,
});

/**
 * If feed `failedId` fails, which devices go dark, which lose redundancy, and which surviving feeds and PDUs
 * must carry the load the degraded devices move onto their remaining supplies. Feeds already offline or failed
 * count as down too. A supply on a PDU without a feed is neither dead nor live: it is assumed to fail as well when
 * the load moves (the cautious reading), and a device left with only such supplies is `uncertain`.
 */
export function feedImpact(chain: Chain, failedId: number): FeedImpact {
  const down = new Set(chain.feeds.filter((f) => f.id === failedId || feedIsDown(f)).map((f) => f.id));
  const pduOf = new Map(chain.pdus.map((p) => [p.id, p]));
  const bySupply = suppliesByDevice(chain);
  const loads = loadsKw(chain);
  const extraFeed = new Map<number, number>();
  const extraPdu = new Map<number, number>();
  const touched = new Set(chain.pdus.filter((p) => p.feed_id === failedId).map((p) => p.rack_id));
  const out: FeedImpact = {
    feed_id: failedId,
    lost: [],
    degraded: [],
    uncertain: [],
    unmodelled: [],
    unaffected_count: 0,
    feeds: [],
    pdus: [],
    rack_ids: [],
  };

  for (const d of chain.devices) {
    const supplies = bySupply.get(deviceKey(d.kind, d.id)) ?? [];
    if (!supplies.length) continue;
    const feedOf = (pduId: number) => pduOf.get(pduId)!.feed_id;
    const hit = supplies.some((s) => feedOf(s.pdu_id) === failedId);
    if (!hit) {
      out.unaffected_count++;
      continue;
    }
    touched.add(d.rack_id);
    const live = supplies.filter((s) => {
      const f = feedOf(s.pdu_id);
      return f !== null && !down.has(f);
    });
    const unknown = supplies.filter((s) => feedOf(s.pdu_id) === null);
    const info = describe(d, supplies.length, live.length);
    if (live.length) {
      out.degraded.push(info);
      // before: draw / all supplies on each; after: draw / live supplies on each
      const extraW = drawW(d) / live.length - drawW(d) / supplies.length;
      for (const s of live) {
        const p = pduOf.get(s.pdu_id)!;
        extraPdu.set(p.id, (extraPdu.get(p.id) ?? 0) + extraW / 1000);
        extraFeed.set(p.feed_id!, (extraFeed.get(p.feed_id!) ?? 0) + extraW / 1000);
      }
    } else if (unknown.length) out.uncertain.push(info);
    else out.lost.push(info);
  }

  for (const d of chain.devices) {
    if (touched.has(d.rack_id) && !bySupply.has(deviceKey(d.kind, d.id))) out.unmodelled.push(describe(d, 0, 0));
  }

  const shift = (id: number, name: string, base: number, extra: number, limit: number): LoadShift => ({
    id,
    name,
    base_kw: roundKw(base),
    extra_kw: roundKw(extra),
    new_kw: roundKw(base + extra),
    limit_kw: limit,
    overloaded: roundKw(base + extra) > limit,
  });
  out.feeds = chain.feeds
    .filter((f) => !down.has(f.id))
    .map((f) => shift(f.id, f.name, loads.feed.get(f.id) ?? 0, extraFeed.get(f.id) ?? 0, feedUsableKw(f)));
  out.pdus = chain.pdus
    .filter((p) => extraPdu.has(p.id))
    .map((p) => shift(p.id, p.name, loads.pdu.get(p.id) ?? 0, extraPdu.get(p.id)!, p.capacity_kw));
  out.rack_ids = [...touched].sort((a, b) => a - b);
  const byName = (a: ImpactDevice, b: ImpactDevice) => a.name.localeCompare(b.name);
  for (const list of [out.lost, out.degraded, out.uncertain, out.unmodelled]) list.sort(byName);
  return out;
}
