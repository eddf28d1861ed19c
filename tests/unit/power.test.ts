// The power chain's pure logic: feed ratings, rack chain capacity and what a feed failure does. Hand-checked.
import { describe, expect, it } from 'vitest';
import { feedCapacityKw, feedUsableKw } from '../../worker/power/capacity';
import { loadsKw, rackChainCapacity, type Chain, type ChainFeed } from '../../worker/power/chain-model';
import { feedImpact } from '../../worker/power/impact';

const feed = (id: number, name: string, side: string, over: Partial<ChainFeed> = {}): ChainFeed => ({
  id,
  name,
  side,
  status: 'active',
  voltage: 230,
  amperage: 32,
  phase: 'single-phase',
  max_utilization_pct: 80,
  ...over,
});

/**
 * Feeds A (1) and B (2), both 230 V x 32 A single-phase, 80 % usable = 5.888 kW.
 * Rack 10: PDUs A1 (feed A) and B1 (feed B), 7.4 kW each. Rack 20: PDU A2 (feed A), rated 2 kW.
 *   s1 600 W on A1 + B1, s2 400 W on A1 + B1, st1 (storage) 800 W with both supplies on A1,
 *   s5 100 W single-corded on B1                                               (rack 10)
 *   s3 300 W single-corded on A2, n1 (network) 150 W with no supply recorded   (rack 20)
 *   s4 200 W, no supply, in rack 30 which no PDU of the chain reaches
 */
function chain(over: { s1W?: number; feedB?: Partial<ChainFeed> } = {}): Chain {
  const dev = (kind: string, id: number, name: string, rack_id: number, power_w: number) => ({
    kind,
    id,
    name,
    rack_id,
    power_w,
    status: 'active',
  });
  let sid = 0;
  const plug = (device_kind: string, device_id: number, pdu_id: number) => ({
    id: ++sid,
    device_kind,
    device_id,
    pdu_id,
  });
  return {
    feeds: [feed(1, 'A', 'A'), feed(2, 'B', 'B', over.feedB)],
    pdus: [
      { id: 101, name: 'A1', rack_id: 10, feed_id: 1, capacity_kw: 7.4 },
      { id: 102, name: 'B1', rack_id: 10, feed_id: 2, capacity_kw: 7.4 },
      { id: 201, name: 'A2', rack_id: 20, feed_id: 1, capacity_kw: 2 },
    ],
    supplies: [
      plug('server', 1, 101),
      plug('server', 1, 102),
      plug('server', 2, 101),
      plug('server', 2, 102),
      plug('storage', 1, 101),
      plug('storage', 1, 101),
      plug('server', 5, 102),
      plug('server', 3, 201),
    ],
    devices: [
      dev('server', 1, 's1', 10, over.s1W ?? 600),
      dev('server', 2, 's2', 10, 400),
      dev('storage', 1, 'st1', 10, 800),
      dev('server', 5, 's5', 10, 100),
      dev('server', 3, 's3', 20, 300),
      dev('network', 1, 'n1', 20, 150),
      dev('server', 4, 's4', 30, 200),
    ],
  };
}
const names = (list: { name: string }[]) => list.map((d) => d.name);

describe('feed ratings', () => {
  it('single-phase: V x A; usable derated to max_utilization_pct', () => {
    const f = { voltage: 230, amperage: 32, phase: 'single-phase', max_utilization_pct: 80 };
    expect(feedCapacityKw(f)).toBe(7.36); // 230 x 32 = 7360 W
    expect(feedUsableKw(f)).toBe(5.888); // 7360 x 0.8 = 5888 W
  });
  it('three-phase: V x A x sqrt 3', () => {
    const f = { voltage: 400, amperage: 32, phase: 'three-phase', max_utilization_pct: 80 };
    expect(feedCapacityKw(f)).toBe(22.17); // 400 x 32 x 1.7320508 = 22170.25 W
    expect(feedUsableKw(f)).toBe(17.736); // 22170.25 x 0.8 = 17736.2 W
  });
});

describe('loads in normal operation', () => {
  it("shares each device's power over its supplies", () => {
    const { pdu, feed: byFeed } = loadsKw(chain());
    // A1: s1 300 + s2 200 + st1 400 + 400 = 1300 W; B1: s1 300 + s2 200 + s5 100 = 600 W; A2: s3 300 W
    expect(pdu.get(101)).toBeCloseTo(1.3, 9);
    expect(pdu.get(102)).toBeCloseTo(0.6, 9);
    expect(pdu.get(201)).toBeCloseTo(0.3, 9);
    // feed A = A1 + A2 = 1.6 kW; feed B = B1 = 0.6 kW
    expect(byFeed.get(1)).toBeCloseTo(1.6, 9);
    expect(byFeed.get(2)).toBeCloseTo(0.6, 9);
  });
});

describe('rackChainCapacity', () => {
  it('per side: min(PDU rating, feed usable shared over its PDUs); redundant = min(A, B)', () => {
    const cap = rackChainCapacity(chain());
    // feed A (5.888 kW) feeds 2 PDUs: 2.944 kW each. Rack 10: A1 min(7.4, 2.944) = 2.944; B1 min(7.4, 5.888) = 5.888
    expect(cap.get(10)).toEqual({ rack_id: 10, a_kw: 2.944, b_kw: 5.888, redundant_kw: 2.944 });
    // rack 20: A2 min(2, 2.944) = 2; no B side, so no redundancy
    expect(cap.get(20)).toEqual({ rack_id: 20, a_kw: 2, b_kw: 0, redundant_kw: 0 });
  });
  it('a feed that is down gives nothing', () => {
    expect(rackChainCapacity(chain({ feedB: { status: 'offline' } })).get(10)).toMatchObject({ b_kw: 0 });
  });
});

describe('feedImpact', () => {
  it('feed A fails: single-corded and A-only devices go dark, dual-corded ones lose redundancy', () => {
    const r = feedImpact(chain(), 1);
    expect(names(r.lost)).toEqual(['s3', 'st1']); // s3 only on A2; st1 has both supplies on A1
    expect(names(r.degraded)).toEqual(['s1', 's2']);
    expect(r.degraded[0]).toMatchObject({ supplies: 2, live_supplies: 1 });
    expect(r.uncertain).toEqual([]);
    // racks 10 and 20 are touched; only n1 there has no supply. s4 (rack 30) is not in a touched rack
    expect(names(r.unmodelled)).toEqual(['n1']);
    expect(r.unaffected_count).toBe(1); // s5, on B only
    expect(r.rack_ids).toEqual([10, 20]);
    // s1 moves 600 - 300 = 300 W onto B1, s2 400 - 200 = 200 W: B carries 0.6 + 0.5 = 1.1 kW of 5.888
    expect(r.feeds).toEqual([
      { id: 2, name: 'B', base_kw: 0.6, extra_kw: 0.5, new_kw: 1.1, limit_kw: 5.888, overloaded: false },
    ]);
    expect(r.pdus).toEqual([
      { id: 102, name: 'B1', base_kw: 0.6, extra_kw: 0.5, new_kw: 1.1, limit_kw: 7.4, overloaded: false },
    ]);
  });

  it('feed B fails: s5 goes dark; rack 20 is untouched, so n1 is not listed', () => {
    const r = feedImpact(chain(), 2);
    expect(names(r.lost)).toEqual(['s5']);
    expect(names(r.degraded)).toEqual(['s1', 's2']);
    expect(r.unmodelled).toEqual([]);
    expect(r.unaffected_count).toBe(2); // st1 and s3, on A only
    // feed A: 1.6 kW + 0.3 + 0.2 = 2.1 kW; A1: 1.3 + 0.5 = 1.8 kW
    expect(r.feeds).toEqual([
      { id: 1, name: 'A', base_kw: 1.6, extra_kw: 0.5, new_kw: 2.1, limit_kw: 5.888, overloaded: false },
    ]);
    expect(r.pdus).toEqual([
      { id: 101, name: 'A1', base_kw: 1.3, extra_kw: 0.5, new_kw: 1.8, limit_kw: 7.4, overloaded: false },
    ]);
  });

  it('warns when the surviving feed would carry more than its usable capacity (cascade)', () => {
    // B: 230 V x 10 A x 80 % = 1.84 kW usable. s1 draws 2000 W: B carries 1000 + 200 + 100 = 1.3 kW;
    // when A fails s1 moves 1000 W and s2 200 W onto it: 2.5 kW > 1.84
    const r = feedImpact(chain({ s1W: 2000, feedB: { amperage: 10 } }), 1);
    expect(r.feeds).toEqual([
      { id: 2, name: 'B', base_kw: 1.3, extra_kw: 1.2, new_kw: 2.5, limit_kw: 1.84, overloaded: true },
    ]);
  });

  it('a feed already offline counts as down: the dual-corded devices are lost too', () => {
    const r = feedImpact(chain({ feedB: { status: 'offline' } }), 1);
    expect(names(r.lost)).toEqual(['s1', 's2', 's3', 'st1']);
    expect(r.degraded).toEqual([]);
    expect(r.feeds).toEqual([]); // no surviving feed
  });

  it('a device left only on a PDU without a feed is uncertain, not safe', () => {
    const c = chain();
    c.pdus.push({ id: 103, name: 'U1', rack_id: 10, feed_id: null, capacity_kw: 7.4 });
    c.devices.push({ kind: 'server', id: 6, name: 's6', rack_id: 10, power_w: 500, status: 'active' });
    c.supplies.push({ id: 90, device_kind: 'server', device_id: 6, pdu_id: 101 });
    c.supplies.push({ id: 91, device_kind: 'server', device_id: 6, pdu_id: 103 });
    const r = feedImpact(c, 1);
    expect(names(r.uncertain)).toEqual(['s6']);
    expect(names(r.lost)).toEqual(['s3', 'st1']);
  });

  it('a decommissioned device is classified but moves no load', () => {
    const c = chain();
    c.devices[0]!.status = 'decommissioned'; // s1
    const r = feedImpact(c, 1);
    expect(names(r.degraded)).toEqual(['s1', 's2']);
    // only s2's 200 W moves; B's base loses s1's 300 W: 0.3 kW
    expect(r.feeds[0]).toMatchObject({ base_kw: 0.3, extra_kw: 0.2, new_kw: 0.5 });
  });
});
