// Capacity planning (worker/analytics/planning.ts) on small racks worked out by hand.
import { describe, expect, it } from 'vitest';
import {
  feedRisks,
  freeBlocks,
  placeServers,
  procurement,
  singlePointRisks,
  strandedCapacity,
  type RackState,
} from '../../worker/analytics/planning';
import type { ForecastMonth } from '../../worker/analytics/capacity-forecast';

const rack = (id: number, name: string, kw: number, mounted: [number, number, number][], u = 10): RackState => ({
  id,
  name,
  datacenter_id: 1,
  datacenter: 'DC',
  zone: 'Internal',
  u_capacity: u,
  power_capacity_kw: kw,
  mounted: mounted.map(([u_position, u_size, power_w]) => ({ u_position, u_size, power_w })),
});
const ones = (from: number, to: number, w = 500) =>
  Array.from({ length: to - from + 1 }, (_, i) => [from + i, 1, w] as [number, number, number]);

describe('freeBlocks', () => {
  it('lists the runs of free U, lowest first', () => {
    expect(
      freeBlocks(
        rack(1, 'R', 10, [
          [1, 2, 0],
          [5, 1, 0],
        ]),
      ),
    ).toEqual([
      [3, 2],
      [6, 5],
    ]);
  });
});

describe('strandedCapacity', () => {
  it('finds space without power and power without space, against a typical 1 U, 500 W server', () => {
    // A: 4 × 500 W fill its 2 kW: 6 U free, 0 kW. B: ten 500 W servers fill its 10 U, 5 kW of 10 left.
    // C: one server, 9 U and 9.5 kW free: nothing stranded
    const out = strandedCapacity(
      [rack(1, 'A', 2, ones(1, 4)), rack(2, 'B', 10, ones(1, 10)), rack(3, 'C', 10, ones(1, 1))],
      0,
    );
    expect(out.map((s) => [s.rack, s.kind, s.stranded, s.unit])).toEqual([
      ['A', 'space_without_power', 6, 'U'],
      ['B', 'power_without_space', 5, 'kW'],
    ]);
  });
});

describe('placeServers', () => {
  it('keeps free space and power in proportion, lowest U of the smallest run', () => {
    // after a 1 U, 500 W server, C (9 U, 9.5 kW free of 10 U, 10 kW) keeps 0.8 and 0.9: score 0.1 + 0.25 × 1.7 =
    // 0.525; D (empty, 2 kW) keeps 0.9 and 0.75: 0.15 + 0.25 × 1.65 = 0.5625. C twice (the second: 0.5375).
    const racks = [rack(3, 'C', 10, ones(1, 1)), rack(4, 'D', 2, [])];
    const plan = placeServers(racks, { count: 2, u_size: 1, power_w: 500 }, 0);
    expect(plan.unplaced).toBe(0);
    expect(plan.placements.map((p) => [p.rack, p.u_position, p.free_u_after, p.free_kw_after])).toEqual([
      ['C', 2, 8, 9],
      ['C', 3, 7, 8.5],
    ]);
  });
  it('says how many do not fit', () => {
    // 3 kW servers: C's 9.5 kW holds three, D's 2 kW none
    const plan = placeServers(
      [rack(3, 'C', 10, ones(1, 1)), rack(4, 'D', 2, [])],
      { count: 4, u_size: 1, power_w: 3000 },
      0,
    );
    expect(plan.placements).toHaveLength(3);
    expect(plan.unplaced).toBe(1);
  });
});

const month = (m: string, racks_to_add: number, power = 10): ForecastMonth => {
  const b = { servers: 0, u_used: 0, power_kw: power, cooling_kw: power, racks_needed: 10 + racks_to_add };
  return { month: m, ...b, vcpus: 0, racks_to_add, lower: b, upper: b };
};

describe('procurement', () => {
  const fc = [month('2027-01', 0), month('2027-02', 0), month('2027-03', 2), month('2027-04', 3)];
  it('orders the racks of the horizon, two PDUs each, by the first short month less the lead time', () => {
    const lines = procurement({ id: 1, name: 'DC' }, fc, [], { now: new Date('2026-12-07T00:00:00Z'), leadDays: 30 });
    expect(lines.map((l) => [l.item, l.quantity, l.needed_by, l.order_by, l.overdue])).toEqual([
      ['racks', 3, '2027-03-01', '2027-01-30', false],
      ['pdus', 6, '2027-03-01', '2027-01-30', false],
    ]);
    expect(lines[0]!.message).toBe('order 3 racks and 6 PDUs by 2027-01-30 (short from 2027-03; enough to 2027-04)');
  });
  it('says an order is overdue when the lead time reaches back past today', () => {
    const [racks] = procurement({ id: 1, name: 'DC' }, fc, [], { now: new Date('2026-12-07T00:00:00Z'), leadDays: 90 });
    expect(racks).toMatchObject({ order_by: '2026-12-07', overdue: true });
  });
});

describe('risks', () => {
  it('flags racks one feed could not carry, on the measured peak when there is one', () => {
    const racks = [rack(1, 'R1', 10, ones(1, 18)), rack(2, 'R2', 10, ones(1, 2)), rack(3, 'R3', 10, ones(1, 1))];
    // R1: 18 × 500 W = 9 kW allocated, 90 %; R2: 1 kW allocated but an 11 kW peak measured, 110 %
    const out = feedRisks(
      racks.map((r) => ({ ...r, u_capacity: 20 })),
      new Map([[2, 11]]),
    );
    expect(out.map((r) => [r.subject, r.severity, r.evidence.load_kw, r.evidence.basis])).toEqual([
      ['R1', 'warning', 9, 'allocated (no telemetry)'],
      ['R2', 'critical', 11, 'measured peak, 24 h'],
    ]);
  });
  it('flags groups meant to be redundant that sit in one rack', () => {
    const g = { kind: 'cluster', datacenter_id: 1, datacenter: 'DC' };
    const out = singlePointRisks([
      { ...g, name: 'one-rack', racks: ['R1'], members: 3 },
      { ...g, name: 'spread', racks: ['R1', 'R2'], members: 3 },
      { ...g, name: 'single', racks: ['R1'], members: 1 },
    ]);
    expect(out.map((r) => r.subject)).toEqual(['cluster one-rack']);
  });
});
