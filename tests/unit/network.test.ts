import { describe, expect, it } from 'vitest';
import { expandPortRange } from '../../worker/network/port-range';
import { portClashes } from '../../worker/network/cabling';
import { counterRate } from '../../worker/network/counter-rate';
import {
  buildTopology,
  busiestFirst,
  linkLoad,
  type PortRate,
  type TopoDevice,
  type TopoLink,
} from '../../worker/network/topology';

const names = (p: string) => {
  const r = expandPortRange(p);
  if (!r.ok) throw new Error(r.error);
  return r.names;
};

describe('port range expansion', () => {
  it('expands a trailing range: Ethernet1/1-48 is 48 names in order', () => {
    const n = names('Ethernet1/1-48');
    expect(n).toHaveLength(48);
    expect(n.slice(0, 2)).toEqual(['Ethernet1/1', 'Ethernet1/2']);
    expect(n[47]).toBe('Ethernet1/48');
  });
  it('expands brackets as a product, keeping zero padding', () => {
    // 2 modules x 3 ports = 6
    expect(names('Ethernet[1-2]/[1-3]')).toEqual([
      'Ethernet1/1',
      'Ethernet1/2',
      'Ethernet1/3',
      'Ethernet2/1',
      'Ethernet2/2',
      'Ethernet2/3',
    ]);
    expect(names('xe-0/0/[08-10]')).toEqual(['xe-0/0/08', 'xe-0/0/09', 'xe-0/0/10']);
  });
  it('joins comma-separated terms and keeps a plain name as it is', () => {
    expect(names('mgmt0, Ethernet1/49-50')).toEqual(['mgmt0', 'Ethernet1/49', 'Ethernet1/50']);
  });
  it('refuses backwards ranges, duplicates, empties and more than 1000 names', () => {
    expect(expandPortRange('Ethernet1/48-1')).toMatchObject({ ok: false, error: /backwards/ });
    expect(expandPortRange('Eth1, eth1')).toMatchObject({ ok: false, error: /twice/ });
    expect(expandPortRange(' , ')).toMatchObject({ ok: false });
    // 2 x 501 = 1002 names
    expect(expandPortRange('e[1-2]/[1-501]')).toMatchObject({ ok: false, error: /1000/ });
  });
});

describe('port clashes', () => {
  const stored = [{ id: 12, a_port_id: 1, b_port_id: 2 }];
  it('finds a stored cable on either end', () => {
    const c = portClashes([{ prefix: '', id: null, a_port_id: 3, b_port_id: 2 }], stored);
    expect(c).toEqual([{ prefix: '', field: 'b_port_id', port_id: 2, taken_by: { cable_id: 12 } }]);
  });
  it('finds two writes of one request sharing a port', () => {
    const c = portClashes(
      [
        { prefix: '[0].', id: null, a_port_id: 5, b_port_id: 6 },
        { prefix: '[1].', id: null, a_port_id: 7, b_port_id: 5 },
      ],
      stored,
    );
    expect(c).toEqual([{ prefix: '[1].', field: 'b_port_id', port_id: 5, taken_by: { prefix: '[0].' } }]);
  });
  it('lets a cable being rewired keep or give up its own ports', () => {
    expect(portClashes([{ prefix: '', id: 12, a_port_id: 1, b_port_id: 9 }], stored)).toEqual([]);
  });
});

const dev = (id: number, device_type: string): TopoDevice => ({
  id,
  name: `d${id}`,
  device_type,
  rack_id: 1,
  status: 'active',
});
const link = (cable_id: number, a: [number, number, string], b: [number, number, string]): TopoLink => ({
  cable_id,
  a: { device_id: a[0], device_name: `d${a[0]}`, port_id: a[1], port_name: `p${a[1]}`, speed: a[2] },
  b: { device_id: b[0], device_name: `d${b[0]}`, port_id: b[1], port_name: `p${b[1]}`, speed: b[2] },
});

describe('link utilisation', () => {
  it('divides the busier direction by the slower end', () => {
    // 100G to 25G runs at 25G; out 5 Gb/s, in 2 Gb/s: 5 / 25 = 20 %
    const l = link(1, [1, 10, '100G'], [2, 20, '25G']);
    const rates = new Map<number, PortRate>([[10, { in_bps: 2e9, out_bps: 5e9 }]]);
    expect(linkLoad(l, rates)).toMatchObject({ speed_bps: 25e9, in_bps: 2e9, out_bps: 5e9, utilisation_pct: 20 });
  });
  it("reads the far end's report mirrored, and the higher of two witnesses", () => {
    const l = link(1, [1, 10, '10G'], [2, 20, '10G']);
    // only B reports: B sends 3 Gb/s = A receives 3; B receives 1 = A sends 1; 3 / 10 = 30 %
    const onlyB = new Map<number, PortRate>([[20, { in_bps: 1e9, out_bps: 3e9 }]]);
    expect(linkLoad(l, onlyB)).toMatchObject({ in_bps: 3e9, out_bps: 1e9, utilisation_pct: 30 });
    // A says in 2.5, B says out 3 -> in 3; 3 / 10 = 30 %
    const both = new Map<number, PortRate>([
      [10, { in_bps: 2.5e9, out_bps: 0.5e9 }],
      [20, { in_bps: 1e9, out_bps: 3e9 }],
    ]);
    expect(linkLoad(l, both)).toMatchObject({ in_bps: 3e9, out_bps: 1e9, utilisation_pct: 30 });
  });
  it('is null without readings, and sorts busiest first with unknowns last', () => {
    const l1 = link(1, [1, 10, '10G'], [2, 20, '10G']);
    const l2 = link(2, [1, 11, '1G'], [3, 30, '1G']);
    const l3 = link(3, [1, 12, '40G'], [4, 40, '40G']);
    // l2: 0.9 / 1 = 90 %; l3: 10 / 40 = 25 %; l1 no readings
    const rates = new Map<number, PortRate>([
      [11, { in_bps: 0.9e9, out_bps: 0.1e9 }],
      [12, { in_bps: 10e9, out_bps: 4e9 }],
    ]);
    const loads = [l1, l2, l3].map((l) => linkLoad(l, rates));
    expect(loads[0]!.utilisation_pct).toBeNull();
    expect(busiestFirst(loads).map((x) => [x.cable_id, x.utilisation_pct])).toEqual([
      [2, 90],
      [3, 25],
      [1, null],
    ]);
  });
});

describe('topology', () => {
  it('folds the cables of a device pair into one edge with their summed capacity', () => {
    const devices = [dev(1, 'core_switch'), dev(2, 'access_switch'), dev(3, 'firewall'), dev(4, 'distribution_switch')];
    const links = [
      link(1, [2, 20, '100G'], [1, 10, '100G']),
      link(2, [1, 11, '100G'], [2, 21, '100G']),
      link(3, [1, 12, '10G'], [3, 30, '10G']),
    ];
    // cable 1: out 60 Gb/s of 100G = 60 %; cable 2 quiet (no reading)
    const rates = new Map<number, PortRate>([[20, { in_bps: 1e9, out_bps: 60e9 }]]);
    const { nodes, edges } = buildTopology(devices, links, rates);
    expect(nodes.map((n) => [n.id, n.layer, n.degree])).toEqual([
      [1, 0, 3],
      [4, 1, 0],
      [2, 2, 2],
      [3, 3, 1],
    ]);
    // 1-2: two 100G cables = 200 Gb/s, busiest 60 %; 1-3: one 10G, no reading
    expect(edges).toEqual([
      { a_device_id: 1, b_device_id: 2, cables: 2, capacity_bps: 200e9, utilisation_pct: 60 },
      { a_device_id: 1, b_device_id: 3, cables: 1, capacity_bps: 10e9, utilisation_pct: null },
    ]);
  });
});

describe('counterRate', () => {
  const now = 1_000_000;
  it('turns the last two octet readings into bits per second', () => {
    // 1.25e9 octets more over 10 s = 1e10 bits / 10 s = 1 Gb/s
    expect(
      counterRate(
        [
          [now - 30_000, 0],
          [now - 10_000, 5e9],
          [now, 6.25e9],
        ],
        now,
        60_000,
      ),
    ).toEqual({
      bps: 1e9,
      ts: now,
    });
  });
  it('gives nothing for a reset counter, a stale or lone reading, or readings under a second apart', () => {
    expect(
      counterRate(
        [
          [now - 10_000, 9e9],
          [now, 1e6],
        ],
        now,
        60_000,
      ),
    ).toBeNull();
    expect(
      counterRate(
        [
          [now - 80_000, 0],
          [now - 70_000, 1e9],
        ],
        now,
        60_000,
      ),
    ).toBeNull();
    expect(counterRate([[now, 1e9]], now, 60_000)).toBeNull();
    expect(
      counterRate(
        [
          [now - 500, 0],
          [now, 1e9],
        ],
        now,
        60_000,
      ),
    ).toBeNull();
  });
});
