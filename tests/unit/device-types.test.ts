import { describe, expect, it } from 'vitest';
import r640 from '../fixtures/device-types/Dell/PowerEdge-R640.yaml?raw';
import arista from '../fixtures/device-types/Arista/DCS-7050SX3-48YC8.yaml?raw';
import ap8941 from '../fixtures/device-types/APC/AP8941.yaml?raw';
import ds224c from '../fixtures/device-types/NetApp/DS224C.yaml?raw';
import { splitDocuments } from '../../worker/device-types/documents';
import { inferKind, parseLibraryDocuments } from '../../worker/device-types/netbox';
import { interfaceSpeed, slugify, weightKg } from '../../worker/device-types/units';
import { deviceDefaults } from '../../worker/device-types/defaults';

function parse(text: string, prefix = '') {
  const split = splitDocuments(text, prefix);
  if (!split.ok) return split;
  return parseLibraryDocuments(split.documents, prefix);
}
function types(text: string) {
  const r = parse(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.types;
}

describe('interface speed from the NetBox type', () => {
  it.each([
    ['1000base-t', '1G'],
    ['1000base-x-sfp', '1G'],
    ['10gbase-t', '10G'],
    ['10gbase-x-sfpp', '10G'],
    ['25gbase-x-sfp28', '25G'],
    ['40gbase-x-qsfpp', '40G'],
    ['100gbase-x-qsfp28', '100G'],
    ['400gbase-x-qsfpdd', '400G'],
    ['2.5gbase-t', '2.5G'],
    ['100base-tx', '100M'],
  ])('%s is %s', (type, speed) => expect(interfaceSpeed(type)).toBe(speed));
  it.each(['virtual', 'lag', 'ieee802.11ax', 'other', '', undefined])('%s has no line rate', (type) =>
    expect(interfaceSpeed(type)).toBeNull(),
  );
});

describe('weight in kg', () => {
  it('converts each unit', () => {
    expect(weightKg(21.9, 'kg')).toBe(21.9);
    expect(weightKg(5300, 'g')).toBe(5.3);
    // 21 lb × 0.45359237 = 9.52543977 → 9.525
    expect(weightKg(21, 'lb')).toBe(9.525);
    // 16 oz × 0.028349523125 = 0.45359237 → 0.454
    expect(weightKg(16, 'oz')).toBe(0.454);
  });
});

describe('slugs the NetBox way', () => {
  it('joins manufacturer and model', () => {
    expect(slugify('Dell', 'PowerEdge R640')).toBe('dell-poweredge-r640');
    expect(slugify('Arista', 'DCS-7050SX3-48YC8')).toBe('arista-dcs-7050sx3-48yc8');
    // punctuation dropped, accents folded, runs of spaces/hyphens one hyphen
    expect(slugify('Hewlett Packard Enterprise', 'ProLiant DL360 Gen10+')).toBe(
      'hewlett-packard-enterprise-proliant-dl360-gen10',
    );
    expect(slugify('Bürkert', 'Model 1.5 -- X')).toBe('burkert-model-15-x');
  });
});

describe('the fixtures', () => {
  it('Dell PowerEdge R640: 1U server, one PSU rating as its draw', () => {
    const [t] = types(r640);
    expect(t).toMatchObject({
      manufacturer: 'Dell',
      model: 'PowerEdge R640',
      slug: 'dell-poweredge-r640',
      kind: 'server',
      u_height: 1,
      is_full_depth: true,
      airflow: 'front-to-rear',
      weight_kg: 21.9,
      // two redundant 750 W PSUs: the largest, not 1500
      max_draw_w: 750,
      allocated_draw_w: null,
      power_outlets: 0,
    });
    expect(t!.interfaces.map((i) => i.speed)).toEqual(['1G', '10G', '10G', '1G', '1G']);
    expect(t!.interfaces[0]).toMatchObject({ name: 'iDRAC', mgmt_only: true });
    expect(t!.power_ports).toHaveLength(2);
    expect(Object.keys(t!.components).sort()).toEqual(['console-ports', 'module-bays']);
  });

  it('Arista 7050SX3-48YC8: a network device with 48 × 25G and 8 × 100G', () => {
    const [t] = types(arista);
    expect(t!.kind).toBe('network');
    expect(t!.weight_kg).toBe(9.525);
    expect(t!.max_draw_w).toBe(500);
    const ofSpeed = (speed: string) => t!.interfaces.filter((i) => i.speed === speed);
    expect(ofSpeed('25G')).toHaveLength(48);
    expect(ofSpeed('100G').map((i) => i.name)[0]).toBe('Ethernet49/1');
    expect(ofSpeed('100G')).toHaveLength(8);
    expect(ofSpeed('1G')).toHaveLength(1);
  });

  it('APC AP8941: a zero-U PDU with 24 outlets', () => {
    const [t] = types(ap8941);
    expect(t).toMatchObject({ kind: 'pdu', u_height: 0, is_full_depth: false, power_outlets: 24, weight_kg: 5.3 });
    expect(t!.max_draw_w).toBe(7360);
    expect(t!.interfaces[0]!.speed).toBe('100M');
  });

  it('NetApp DS224C: 2U storage; allocated draw summed over the PSUs', () => {
    const [t] = types(ds224c);
    // 300 W + 300 W allocated; 600 W the larger single rating; 66.8 lb × 0.45359237 = 30.29997 → 30.3 kg
    expect(t).toMatchObject({ kind: 'storage', u_height: 2, max_draw_w: 600, allocated_draw_w: 600, weight_kg: 30.3 });
  });

  it('reads all four concatenated, and as a JSON array', () => {
    const all = types([r640, arista, ap8941, ds224c].join('\n'));
    expect(all.map((t) => t.kind)).toEqual(['server', 'network', 'pdu', 'storage']);
    const json = JSON.stringify([
      { manufacturer: 'Dell', model: 'PowerEdge R650', u_height: 1 },
      { manufacturer: 'Dell', model: 'PowerEdge R750', u_height: 2 },
    ]);
    expect(types(json).map((t) => [t.slug, t.u_height])).toEqual([
      ['dell-poweredge-r650', 1],
      ['dell-poweredge-r750', 2],
    ]);
  });
});

describe('normalisation', () => {
  it('defaults like NetBox: 1U, full depth, no slug given → derived', () => {
    const [t] = types('manufacturer: Supermicro\nmodel: SYS-1029U-TR4\n');
    expect(t).toMatchObject({ slug: 'supermicro-sys-1029u-tr4', u_height: 1, is_full_depth: true, max_draw_w: null });
  });
  it('takes half units', () => {
    expect(types('manufacturer: Dell\nmodel: PowerEdge C6420\nu_height: 0.5\n')[0]!.u_height).toBe(0.5);
  });
  it('infers the kind, and lets the document override it', () => {
    const ports = Array.from({ length: 10 }, (_, i) => ({ name: `eth${i}`, type: '10gbase-t' }));
    expect(inferKind({ manufacturer: 'Cisco', model: 'C9300-48P', interfaces: ports })).toBe('network');
    // many NICs but a server vendor and model: still a server
    expect(inferKind({ manufacturer: 'Dell', model: 'PowerEdge R740', interfaces: ports })).toBe('server');
    expect(inferKind({ manufacturer: 'Generic', model: 'Core Switch 10', interfaces: ports })).toBe('network');
    expect(inferKind({ manufacturer: 'Cisco', model: 'C9300-48P', interfaces: ports.slice(0, 2) })).toBe('server');
    expect(inferKind({ manufacturer: 'Pure Storage', model: 'FlashArray//X70', interfaces: [] })).toBe('storage');
    expect(inferKind({ manufacturer: 'Dell', model: 'PowerEdge R640', interfaces: [], kind: 'other' })).toBe('other');
  });
});

describe('errors name the document and the key', () => {
  it('a bad u_height in the second document', () => {
    const r = parse(`${r640}\n---\nmanufacturer: Dell\nmodel: PowerEdge R740\nu_height: 2.3\n`, 'documents');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ field: 'documents[1].u_height', message: 'must be a multiple of 0.5' }]);
  });
  it('missing keys, bad enums, a weight without a unit, nested component fields', () => {
    const r = parse(
      [
        'model: X',
        '---',
        'manufacturer: A\nmodel: B\nairflow: sideways\nweight: 3',
        '---',
        'manufacturer: A\nmodel: C\ninterfaces:\n  - name: eth0\npower-ports:\n  - name: PSU1\n    maximum_draw: 100\n    allocated_draw: 200',
        '---',
        'manufacturer: A\nmodel: D\nu_height: 60',
      ].join('\n'),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const fields = r.errors.map((e) => e.field);
    expect(fields).toContain('[0].manufacturer');
    expect(fields).toContain('[1].airflow');
    expect(fields).toContain('[2].interfaces[0].type');
    expect(fields).toContain('[2].power-ports[0]');
    expect(fields).toContain('[3].u_height');
  });
  it('a weight without its unit', () => {
    const r = parse('manufacturer: A\nmodel: B\nweight: 3\n');
    expect(r.ok || r.errors).toEqual([{ field: '[0].weight_unit', message: 'is required with a weight' }]);
  });
  it('a document that is not a mapping, and YAML that does not parse', () => {
    const notMap = parse('- just\n- strings\n', 'documents');
    expect(notMap.ok || notMap.errors.map((e) => e.field)).toEqual(['documents[0]', 'documents[1]']);
    const broken = parse(`${r640}\n---\nmanufacturer: [unclosed\n`, 'documents');
    expect(broken.ok || broken.errors.map((e) => e.field)).toEqual(['documents[1]']);
  });
  it('the same model twice in one import', () => {
    const r = parse(`${r640}\n${r640.replace('slug: dell-poweredge-r640', 'slug: r640-again')}`);
    expect(r.ok || r.errors.map((e) => e.field)).toEqual(['[1].model']);
  });
  it('nothing to import', () => {
    expect(splitDocuments('---\n').ok).toBe(false);
  });
});

describe('device form defaults', () => {
  const row = (t: ReturnType<typeof types>[number], id = 7) => ({ id, ...t });
  it('a server gets U size and power_supply_w; network power_w and ports; a PDU outlets', () => {
    const [server] = types(r640);
    expect(deviceDefaults(row(server!))).toEqual({
      device_type_id: 7,
      for: 'server',
      zero_u: false,
      fields: {
        manufacturer: 'Dell',
        model: 'PowerEdge R640',
        u_size: 1,
        is_full_depth: true,
        device_type_id: 7,
        power_supply_w: 750,
      },
      ports: [],
    });
    const [sw] = types(arista);
    const d = deviceDefaults(row(sw!));
    expect(d.fields).toEqual({
      manufacturer: 'Arista',
      model: 'DCS-7050SX3-48YC8',
      u_size: 1,
      is_full_depth: true,
      device_type_id: 7,
      power_w: 500,
    });
    expect(d.ports).toHaveLength(57);
    expect(d.ports[1]).toEqual({ name: 'Ethernet1', speed: '25G', mgmt_only: false });
    const [pdu] = types(ap8941);
    expect(deviceDefaults(row(pdu!))).toMatchObject({ zero_u: true, fields: { u_size: 1, outlets: 24 } });
    const [shelf] = types(ds224c);
    expect(deviceDefaults(row(shelf!)).fields).toEqual({
      manufacturer: 'NetApp',
      model: 'DS224C',
      u_size: 2,
      is_full_depth: true,
      device_type_id: 7,
      power_w: 600,
    });
  });
  it('rounds half units up and leaves speeds the ports do not know blank', () => {
    const [t] = types('manufacturer: A\nmodel: B\nu_height: 1.5\ninterfaces:\n  - name: e1\n    type: 2.5gbase-t\n');
    const d = deviceDefaults(row(t!), 'network');
    expect(d.fields.u_size).toBe(2);
    expect(d.ports).toEqual([{ name: 'e1', speed: null, mgmt_only: false }]);
    expect(d.fields.power_w).toBeUndefined();
  });
});
