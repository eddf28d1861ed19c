// Pure estate arithmetic: rack placement rules, elevations, capacity and PUE. Numbers hand-checked in comments.
import { describe, expect, it } from 'vitest';
import { drawsPower, placementConflicts, rackResizeConflicts, type Mounted } from '../../worker/dcim/placement';
import { buildElevation, pct, type ElevationDevice } from '../../worker/dcim/elevation';
import { capacityReport, weightedPue, type DatacenterTotals } from '../../worker/analytics/capacity';

const rack = { id: 1, name: 'R1', u_capacity: 42, power_capacity_kw: 5 }; // 5000 W
const m = (
  name: string,
  u_position: number | null,
  u_size: number,
  power_supply_w = 0,
  status = 'active',
): Mounted => ({
  name,
  u_position,
  u_size,
  power_supply_w,
  status,
});
const cand = (
  name: string,
  u_position: number | null,
  u_size: number,
  power_supply_w = 0,
  prefix = '',
  status = 'active',
) => ({
  ...m(name, u_position, u_size, power_supply_w, status),
  prefix,
});

describe('placementConflicts', () => {
  it('lets two half-depth devices share a U from opposite faces, never from the same one', () => {
    const half = (face: 'front' | 'rear') => ({ face, is_full_depth: false });
    const front = { ...m('switch', 10, 1), ...half('front') };
    expect(placementConflicts(rack, [front], [{ ...cand('panel', 10, 1), ...half('rear') }])).toEqual([]);
    expect(placementConflicts(rack, [front], [{ ...cand('panel', 10, 1), ...half('front') }])).toEqual([
      { field: 'u_position', message: 'U10 (front) of R1 overlaps switch at U10 (front)' },
    ]);
    // a full-depth device needs the U on both faces, whichever face it is installed from
    expect(placementConflicts(rack, [front], [{ ...cand('server', 9, 2), face: 'rear' as const }])).toHaveLength(1);
    expect(
      placementConflicts(
        rack,
        [{ ...m('server', 10, 1), face: 'rear' }],
        [{ ...cand('panel', 10, 1), ...half('front') }],
      ),
    ).toHaveLength(1);
    // and two rear half-depth candidates in one request clash with each other
    expect(
      placementConflicts(
        rack,
        [],
        [
          { ...cand('a', 5, 2), ...half('rear') },
          { ...cand('b', 6, 1, 0, '[1].'), ...half('rear') },
        ],
      ).map((e) => e.field),
    ).toEqual(['[1].u_position']);
  });

  it('accepts servers in free slots, touching but not overlapping', () => {
    const existing = [m('a', 10, 2)]; // U10-U11
    expect(placementConflicts(rack, existing, [cand('b', 12, 1), cand('c', 8, 2), cand('d', 1, 7)])).toEqual([]);
  });

  it('refuses an overlap with an existing server, naming the span of both', () => {
    const errors = placementConflicts(rack, [m('a', 10, 2)], [cand('b', 9, 2)]); // U9-U10 vs U10-U11
    expect(errors).toEqual([{ field: 'u_position', message: 'U9-U10 of R1 overlaps a at U10-U11' }]);
    // fully inside, and fully around
    expect(placementConflicts(rack, [m('a', 10, 4)], [cand('b', 11, 1)])).toHaveLength(1);
    expect(placementConflicts(rack, [m('a', 10, 1)], [cand('b', 8, 5)])).toHaveLength(1);
  });

  it('refuses overlaps between candidates, naming the later one by its prefix', () => {
    const errors = placementConflicts(rack, [], [cand('x', 20, 2, 0, '[0].'), cand('y', 21, 1, 0, '[1].')]);
    expect(errors).toEqual([{ field: '[1].u_position', message: 'U21 of R1 overlaps x at U20-U21' }]);
  });

  it('refuses a server reaching past the top of the rack', () => {
    // U41 + 2U = U41-U42 fits exactly; U41 + 3U = U41-U43 does not
    expect(placementConflicts(rack, [], [cand('ok', 41, 2)])).toEqual([]);
    expect(placementConflicts(rack, [], [cand('tall', 41, 3, 0, '[2].')])).toEqual([
      { field: '[2].u_position', message: 'tall would occupy U41-U43, beyond the top of R1 (42U)' },
    ]);
  });

  it('budgets power: existing + candidates above the capacity is refused, exactly at it is fine', () => {
    // 3000 + 2000 = 5000 W = 5 kW: fits
    expect(placementConflicts(rack, [m('a', 1, 1, 3000)], [cand('b', 2, 1, 2000)])).toEqual([]);
    // 3000 + 2001 = 5001 W > 5000 W
    expect(placementConflicts(rack, [m('a', 1, 1, 3000)], [cand('b', 2, 1, 2001)])).toEqual([
      { field: 'power_supply_w', message: 'R1 would be allocated 5.00 kW, above its 5 kW power capacity' },
    ]);
    // 4000 + 1500 = 5500 W -> "5.50 kW", blamed on the last candidate
    const bulk = placementConflicts(rack, [], [cand('b', 1, 1, 4000, '[0].'), cand('c', 2, 1, 1500, '[1].')]);
    expect(bulk).toEqual([
      { field: '[1].power_supply_w', message: 'R1 would be allocated 5.50 kW, above its 5 kW power capacity' },
    ]);
  });

  it('does not budget decommissioned servers, existing or new', () => {
    // 4000 W decommissioned + 5000 W active = 5000 W budgeted
    expect(placementConflicts(rack, [m('old', 1, 1, 4000, 'decommissioned')], [cand('b', 2, 1, 5000)])).toEqual([]);
    expect(placementConflicts(rack, [m('a', 1, 1, 5000)], [cand('off', 2, 1, 9000, '', 'decommissioned')])).toEqual([]);
    // but a decommissioned server still occupies its slots
    expect(placementConflicts(rack, [m('old', 1, 1, 0, 'decommissioned')], [cand('b', 1, 1)])).toHaveLength(1);
    expect(drawsPower(m('x', 1, 1, 1, 'maintenance'))).toBe(true);
    expect(drawsPower(m('x', 1, 1, 1, 'offline'))).toBe(true);
    expect(drawsPower(m('x', 1, 1, 1, 'decommissioned'))).toBe(false);
  });

  it('reports slot and power problems together', () => {
    const errors = placementConflicts(rack, [m('a', 1, 2, 4000)], [cand('b', 2, 1, 2000)]);
    expect(errors.map((e) => e.field)).toEqual(['u_position', 'power_supply_w']);
  });
});

describe('zero-U devices', () => {
  it('take no slot and never overlap, but their power counts', () => {
    // a zero-U PDU (0 W) beside a 1U server at U1; a zero-U 6000 W device overflows the 5 kW budget
    expect(placementConflicts(rack, [m('srv', 1, 1, 1000)], [cand('pdu', null, 1)])).toEqual([]);
    expect(placementConflicts(rack, [m('pdu', null, 1)], [cand('srv', 1, 1, 1000)])).toEqual([]);
    expect(placementConflicts(rack, [m('srv', 1, 1, 1000)], [cand('big', null, 1, 4001)])).toEqual([
      { field: 'power_supply_w', message: 'R1 would be allocated 5.00 kW, above its 5 kW power capacity' },
    ]);
    expect(rackResizeConflicts({ ...rack, u_capacity: 1 }, [m('pdu', null, 1), m('srv', 1, 1)])).toEqual([]);
  });
});

describe('rackResizeConflicts', () => {
  const mounted = [m('low', 1, 2, 1000), m('top', 30, 4, 2500), m('off', 20, 1, 9000, 'decommissioned')];

  it('accepts a size and budget that still hold everything', () => {
    // highest U used: 30 + 4 - 1 = 33 ; budgeted: 1000 + 2500 = 3500 W (the decommissioned one does not count)
    expect(rackResizeConflicts({ ...rack, u_capacity: 33, power_capacity_kw: 3.5 }, mounted)).toEqual([]);
  });

  it('refuses a u_capacity below the highest mounted U', () => {
    expect(rackResizeConflicts({ ...rack, u_capacity: 32, power_capacity_kw: 10 }, mounted)).toEqual([
      { field: 'u_capacity', message: 'top occupies U30-U33; the rack needs at least 33U' },
    ]);
  });

  it('refuses a power capacity below the allocation', () => {
    expect(rackResizeConflicts({ ...rack, u_capacity: 42, power_capacity_kw: 3.4 }, mounted)).toEqual([
      {
        field: 'power_capacity_kw',
        message: 'the devices in R1 are allocated 3.50 kW; the capacity cannot go below that',
      },
    ]);
  });

  it('reports both, and nothing for an empty rack', () => {
    expect(
      rackResizeConflicts({ ...rack, u_capacity: 1, power_capacity_kw: 0.1 }, mounted).map((e) => e.field),
    ).toEqual(['u_capacity', 'power_capacity_kw']);
    expect(rackResizeConflicts({ ...rack, u_capacity: 1, power_capacity_kw: 0.1 }, [])).toEqual([]);
  });
});

const dev = (
  id: number,
  u_position: number | null,
  u_size: number,
  power_supply_w: number,
  status = 'active',
  kind: ElevationDevice['kind'] = 'server',
  depth: Pick<ElevationDevice, 'face' | 'is_full_depth'> = { face: 'front', is_full_depth: true },
): ElevationDevice => ({
  ...depth,
  kind,
  id,
  name: `d${id}`,
  u_position,
  u_size,
  power_supply_w,
  status,
  device_type: 'Compute',
  health: 'healthy',
  manufacturer: null,
  model: null,
});

describe('buildElevation', () => {
  // 12U rack, 4 kW:
  //   U12      free
  //   U11-U9   d3 (3U, 1200 W)
  //   U8-U6    free
  //   U5       d2 (1U, 800 W, decommissioned)
  //   U4       free
  //   U3-U1    d1 (3U, 1000 W)
  const rack = { id: 7, name: 'R7', u_capacity: 12, power_capacity_kw: 4 };
  const devices = [dev(1, 1, 3, 1000), dev(2, 5, 1, 800, 'decommissioned'), dev(3, 9, 3, 1200)];
  const e = buildElevation(rack, devices);

  it('lists the units from the top down with their owner', () => {
    expect(e.units.map((u) => u.u)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(e.units.map((u) => u.device_id)).toEqual([null, 3, 3, 3, null, null, null, 2, null, 1, 1, 1]);
  });

  it('counts used and free space: 3 + 1 + 3 = 7U of 12 -> 58.3 %', () => {
    expect(e).toMatchObject({ rack_id: 7, u_capacity: 12, used_u: 7, free_u: 5, utilization_pct: 58.3 });
  });

  it('lists free runs largest first, then lowest first', () => {
    expect(e.free_ranges).toEqual([
      { from: 6, to: 8, size: 3 },
      { from: 4, to: 4, size: 1 },
      { from: 12, to: 12, size: 1 },
    ]);
  });

  it('allocates power of servers that are not decommissioned: 1000 + 1200 = 2200 W of 4000 -> 55 %', () => {
    expect(e.power).toEqual({ capacity_w: 4000, allocated_w: 2200, utilization_pct: 55 });
  });

  it('orders devices top-down without changing the input', () => {
    expect(e.devices.map((d) => d.id)).toEqual([3, 2, 1]);
    expect(devices.map((d) => d.id)).toEqual([1, 2, 3]);
  });

  it('handles an empty rack and a full one', () => {
    const empty = buildElevation({ ...rack, u_capacity: 4 }, []);
    expect(empty.free_ranges).toEqual([{ from: 1, to: 4, size: 4 }]);
    expect(empty).toMatchObject({ used_u: 0, free_u: 4, utilization_pct: 0 });
    const full = buildElevation({ ...rack, u_capacity: 4 }, [dev(1, 1, 2, 0), dev(2, 3, 2, 0)]);
    expect(full.free_ranges).toEqual([]);
    expect(full).toMatchObject({ used_u: 4, free_u: 0, utilization_pct: 100 });
  });

  it('shares the rack between kinds whose ids collide, and takes no slot for a zero-U PDU', () => {
    // 6U, 3 kW: server 1 at U1-U2 (1000 W), storage 1 at U3-U5 (1500 W), PDU 9 zero-U (0 W)
    const mixed = buildElevation({ ...rack, u_capacity: 6, power_capacity_kw: 3 }, [
      dev(1, 1, 2, 1000),
      dev(1, 3, 3, 1500, 'active', 'storage'),
      dev(9, null, 1, 0, 'active', 'pdu'),
    ]);
    expect(mixed.units.map((u) => (u.kind ? `${u.kind}:${u.device_id}` : null))).toEqual([
      null,
      'storage:1',
      'storage:1',
      'storage:1',
      'server:1',
      'server:1',
    ]);
    expect(mixed).toMatchObject({ used_u: 5, free_u: 1 });
    expect(mixed.power).toEqual({ capacity_w: 3000, allocated_w: 2500, utilization_pct: 83.3 });
    expect(mixed.devices.map((d) => `${d.kind}:${d.id}`)).toEqual(['storage:1', 'server:1', 'pdu:9']);
  });

  it('draws each face: a full-depth device on both, half-depth ones on their own face only', () => {
    // 4U: U4 server 1 full depth (front); U2 switch 5 half depth front, patch panel 6 half depth rear;
    //     U1 patch panel 7 half depth rear (front of U1 free); U3 free on both faces
    const half = (face: 'front' | 'rear') => ({ face, is_full_depth: false });
    const e2 = buildElevation({ ...rack, u_capacity: 4 }, [
      dev(1, 4, 1, 500),
      dev(5, 2, 1, 100, 'active', 'network', half('front')),
      dev(6, 2, 1, 0, 'active', 'network', half('rear')),
      dev(7, 1, 1, 0, 'active', 'network', half('rear')),
    ]);
    expect(e2.units.map((u) => [u.u, u.device_id, u.rear_device_id])).toEqual([
      [4, 1, 1],
      [3, null, null],
      [2, 5, 6],
      [1, null, 7],
    ]);
    // a U counts as used when either face is taken: 4, 2, 1 -> 3 of 4; only U3 takes a full-depth device
    expect(e2).toMatchObject({ used_u: 3, free_u: 1 });
    expect(e2.free_ranges).toEqual([{ from: 3, to: 3, size: 1 }]);
  });

  it('pct rounds to one decimal and is 0 for an empty whole', () => {
    expect(pct(1, 3)).toBe(33.3);
    expect(pct(2, 3)).toBe(66.7);
    expect(pct(5, 0)).toBe(0);
  });
});

const dc = (over: Partial<DatacenterTotals>): DatacenterTotals => ({
  id: 1,
  name: 'DC',
  location: null,
  status: 'active',
  pue_target: null,
  power_capacity_mw: null,
  cooling_capacity_mw: null,
  racks: 0,
  total_u: 0,
  rack_power_kw: 0,
  servers: 0,
  used_u: 0,
  allocated_w: 0,
  ...over,
});

describe('capacityReport', () => {
  // A: 2 racks, 84U, 20 kW; 5 servers using 10U and 4500 W
  // B: 1 rack, 48U, 50 kW; 2 servers using 16U and 20400 W
  const a = dc({
    id: 1,
    name: 'A',
    racks: 2,
    total_u: 84,
    rack_power_kw: 20,
    servers: 5,
    used_u: 10,
    allocated_w: 4500,
  });
  const b = dc({
    id: 2,
    name: 'B',
    racks: 1,
    total_u: 48,
    rack_power_kw: 50,
    servers: 2,
    used_u: 16,
    allocated_w: 20400,
  });

  it('sums the estate', () => {
    const r = capacityReport([a, b]);
    // U: 132 total, 26 used, 106 free, 26/132 = 19.70 % -> 19.7
    expect(r.rack_space).toEqual({ total: 132, used: 26, free: 106, utilization_pct: 19.7, unit: 'U' });
    // kW: 70 total, 24.9 used, 45.1 free, 24.9/70 = 35.57 % -> 35.6
    expect(r.power).toEqual({ total: 70, used: 24.9, free: 45.1, utilization_pct: 35.6, unit: 'kW' });
    expect(r.racks).toBe(3);
    expect(r.servers).toBe(7);
  });

  it('reports each datacenter', () => {
    const [ra, rb] = capacityReport([a, b]).datacenters;
    // A: 10/84 = 11.90 % -> 11.9 ; 4.5/20 = 22.5 %
    expect(ra).toEqual({
      id: 1,
      name: 'A',
      location: null,
      racks: 2,
      servers: 5,
      rack_space: { total: 84, used: 10, free: 74, utilization_pct: 11.9, unit: 'U' },
      power: { total: 20, used: 4.5, free: 15.5, utilization_pct: 22.5, unit: 'kW' },
    });
    // B: 16/48 = 33.33 % -> 33.3 ; 20.4/50 = 40.8 %
    expect(rb.rack_space.utilization_pct).toBe(33.3);
    expect(rb.power).toEqual({ total: 50, used: 20.4, free: 29.6, utilization_pct: 40.8, unit: 'kW' });
  });

  it('is all zeros for an empty estate', () => {
    const r = capacityReport([]);
    expect(r.rack_space).toEqual({ total: 0, used: 0, free: 0, utilization_pct: 0, unit: 'U' });
    expect(r.power.utilization_pct).toBe(0);
    expect(r.datacenters).toEqual([]);
  });
});

describe('weightedPue', () => {
  it('weights design PUE by power capacity', () => {
    // (1.2 * 10 + 1.6 * 30) / 40 = 60 / 40 = 1.5
    expect(
      weightedPue([dc({ pue_target: 1.2, power_capacity_mw: 10 }), dc({ pue_target: 1.6, power_capacity_mw: 30 })]),
    ).toBe(1.5);
    // (1.3 * 12 + 1.5 * 8) / 20 = (15.6 + 12) / 20 = 1.38
    expect(
      weightedPue([dc({ pue_target: 1.3, power_capacity_mw: 12 }), dc({ pue_target: 1.5, power_capacity_mw: 8 })]),
    ).toBe(1.38);
  });

  it('ignores datacenters without a target, and rounds to 2 decimals', () => {
    // only the 1.2 @ 10 MW one counts
    expect(
      weightedPue([dc({ pue_target: 1.2, power_capacity_mw: 10 }), dc({ pue_target: null, power_capacity_mw: 90 })]),
    ).toBe(1.2);
    // (1.28 * 12 + 1.35 * 8 + 1.45 * 5) / 25 = (15.36 + 10.8 + 7.25) / 25 = 33.41 / 25 = 1.3364 -> 1.34
    expect(
      weightedPue([
        dc({ pue_target: 1.28, power_capacity_mw: 12 }),
        dc({ pue_target: 1.35, power_capacity_mw: 8 }),
        dc({ pue_target: 1.45, power_capacity_mw: 5 }),
      ]),
    ).toBe(1.34);
  });

  it('falls back to the plain mean when no capacity is known, and null when no target is', () => {
    // (1.2 + 1.5) / 2 = 1.35
    expect(weightedPue([dc({ pue_target: 1.2 }), dc({ pue_target: 1.5 })])).toBe(1.35);
    expect(weightedPue([dc({}), dc({ power_capacity_mw: 5 })])).toBeNull();
    expect(weightedPue([])).toBeNull();
  });
});
