import { describe, expect, it } from 'vitest';
import { normalise } from '../../worker/imports/netbox/normalise';
import { mapNetbox } from '../../worker/imports/netbox/map';
import { emptySnapshot } from '../../worker/imports/netbox/snapshot';
import {
  cableType,
  deviceStatus,
  feedKw,
  interfaceGbps,
  interfaceKind,
  lengthM,
  nearestSpeed,
  rackStatus,
  serverStatus,
  siteStatus,
  vmStatus,
  weightKg,
} from '../../worker/imports/netbox/convert';
import { classifyRole } from '../../worker/imports/netbox/roles';
import { insertStatements, updateStatements } from '../../worker/imports/netbox/apply';

// Small objects in NetBox 4.5's exact REST shape (nested refs { id, name, slug }, choices { value, label }).
const ref = (id: number, name: string, slug = name.toLowerCase()) => ({
  id,
  url: `http://nb/api/x/${id}/`,
  display: name,
  name,
  slug,
});
const choice = (value: string) => ({ value, label: value });
const rest = () => ({
  sites: [
    {
      id: 1,
      name: 'Site A',
      slug: 'site-a',
      status: choice('active'),
      region: ref(5, 'North'),
      facility: 'FAC1',
      physical_address: '1 Main St',
      tenant: null,
    },
  ],
  racks: [
    {
      id: 10,
      name: 'R1',
      site: ref(1, 'Site A'),
      location: null,
      status: choice('available'),
      role: ref(2, 'Compute'),
      facility_id: 'F-01',
      u_height: 42,
      starting_unit: 1,
    },
  ],
  'device-types': [
    {
      id: 20,
      manufacturer: ref(3, 'Dell'),
      model: 'R650',
      slug: 'r650',
      part_number: 'PN1',
      u_height: 1.0,
      is_full_depth: true,
      airflow: choice('front-to-rear'),
      weight: 20,
      weight_unit: choice('lb'),
      power_outlet_template_count: 0,
    },
    {
      id: 21,
      manufacturer: ref(4, 'Arista'),
      model: '7050',
      slug: '7050',
      part_number: '',
      u_height: 1.0,
      is_full_depth: false,
      airflow: null,
      weight: null,
      weight_unit: null,
    },
  ],
  devices: [
    {
      id: 100,
      name: 'web-01',
      device_type: ref(20, 'R650'),
      role: ref(7, 'Server', 'server'),
      site: ref(1, 'Site A'),
      rack: ref(10, 'R1'),
      position: 1.0,
      status: choice('active'),
      serial: '',
      asset_tag: 'A1',
      platform: ref(9, 'Ubuntu 22.04'),
      primary_ip4: { id: 1, family: { value: 4 }, address: '10.0.0.5/24' },
      oob_ip: null,
      parent_device: null,
      custom_fields: {},
    },
    {
      id: 101,
      name: 'leaf-01',
      device_type: ref(21, '7050'),
      role: ref(8, 'Leaf', 'leaf'),
      site: ref(1, 'Site A'),
      rack: ref(10, 'R1'),
      position: 40.0,
      face: choice('front'),
      status: choice('planned'),
      serial: 'JPE123',
      asset_tag: null,
      platform: null,
      primary_ip4: null,
      oob_ip: null,
      parent_device: null,
      custom_fields: {},
    },
    {
      // half depth like leaf-01, on the rear of the same U: they share it
      id: 103,
      name: 'leaf-02',
      device_type: ref(21, '7050'),
      role: ref(8, 'Leaf', 'leaf'),
      site: ref(1, 'Site A'),
      rack: ref(10, 'R1'),
      position: 40.0,
      face: choice('rear'),
      status: choice('active'),
      serial: 'JPE124',
      custom_fields: {},
    },
    {
      id: 102,
      name: 'loose',
      device_type: ref(20, 'R650'),
      role: ref(7, 'Server', 'server'),
      site: ref(1, 'Site A'),
      rack: ref(10, 'R1'),
      position: null,
      status: choice('active'),
      serial: 'X1',
      custom_fields: {},
    },
  ],
  interfaces: [
    {
      id: 1000,
      device: { id: 101, name: 'leaf-01' },
      name: 'Ethernet1',
      type: choice('25gbase-x-sfp28'),
      enabled: true,
      mgmt_only: false,
      speed: null,
      description: '',
    },
    {
      id: 1001,
      device: { id: 101, name: 'leaf-01' },
      name: 'Ethernet2',
      type: choice('25gbase-x-sfp28'),
      enabled: false,
      mgmt_only: false,
      speed: 100000000,
      description: 'uplink',
    },
    {
      id: 1002,
      device: { id: 101, name: 'leaf-01' },
      name: 'Po1',
      type: choice('lag'),
      enabled: true,
      mgmt_only: false,
      speed: null,
    },
    {
      id: 1003,
      device: { id: 100, name: 'web-01' },
      name: 'eno1',
      type: choice('10gbase-t'),
      enabled: true,
      mgmt_only: false,
      speed: null,
    },
  ],
  cables: [
    {
      id: 500,
      type: 'dac-passive',
      status: choice('connected'),
      label: 'C1',
      length: 3,
      length_unit: choice('ft'),
      a_terminations: [{ object_type: 'dcim.interface', object_id: 1000, object: { id: 1000, device: { id: 101 } } }],
      b_terminations: [{ object_type: 'dcim.interface', object_id: 1001, object: { id: 1001, device: { id: 101 } } }],
    },
  ],
  'virtual-machines': [
    {
      id: 300,
      name: 'vm-1',
      status: choice('active'),
      cluster: null,
      device: ref(100, 'web-01'),
      vcpus: 2.0,
      memory: 4096,
      disk: 50000,
      platform: null,
    },
    {
      id: 301,
      name: 'vm-2',
      status: choice('active'),
      cluster: ref(40, 'GCP'),
      device: null,
      vcpus: 1,
      memory: 1024,
      disk: null,
    },
  ],
  tenants: [{ id: 1, name: 'T' }],
});

/** The same objects as `manage.py dumpdata` writes them: flat pks, plain choice values, decimals as strings. */
const dump = () => [
  { model: 'dcim.region', pk: 5, fields: { name: 'North', slug: 'north' } },
  {
    model: 'dcim.site',
    pk: 1,
    fields: {
      name: 'Site A',
      slug: 'site-a',
      status: 'active',
      region: 5,
      facility: 'FAC1',
      physical_address: '1 Main St',
      tenant: null,
    },
  },
  { model: 'dcim.rackrole', pk: 2, fields: { name: 'Compute', slug: 'compute' } },
  {
    model: 'dcim.rack',
    pk: 10,
    fields: {
      name: 'R1',
      site: 1,
      location: null,
      status: 'available',
      role: 2,
      facility_id: 'F-01',
      u_height: 42,
      starting_unit: 1,
    },
  },
  { model: 'dcim.manufacturer', pk: 3, fields: { name: 'Dell', slug: 'dell' } },
  { model: 'dcim.manufacturer', pk: 4, fields: { name: 'Arista', slug: 'arista' } },
  {
    model: 'dcim.devicetype',
    pk: 20,
    fields: {
      manufacturer: 3,
      model: 'R650',
      slug: 'r650',
      part_number: 'PN1',
      u_height: '1.0',
      is_full_depth: true,
      airflow: 'front-to-rear',
      weight: '20.00',
      weight_unit: 'lb',
      power_outlet_template_count: 0,
    },
  },
  {
    model: 'dcim.devicetype',
    pk: 21,
    fields: {
      manufacturer: 4,
      model: '7050',
      slug: '7050',
      part_number: '',
      u_height: '1.0',
      is_full_depth: false,
      airflow: '',
      weight: null,
      weight_unit: '',
    },
  },
  { model: 'dcim.devicerole', pk: 7, fields: { name: 'Server', slug: 'server' } },
  { model: 'dcim.devicerole', pk: 8, fields: { name: 'Leaf', slug: 'leaf' } },
  { model: 'dcim.platform', pk: 9, fields: { name: 'Ubuntu 22.04', slug: 'ubuntu' } },
  { model: 'ipam.ipaddress', pk: 1, fields: { address: '10.0.0.5/24' } },
  {
    model: 'dcim.device',
    pk: 100,
    fields: {
      name: 'web-01',
      device_type: 20,
      role: 7,
      site: 1,
      rack: 10,
      position: '1.0',
      status: 'active',
      serial: '',
      asset_tag: 'A1',
      platform: 9,
      primary_ip4: 1,
      oob_ip: null,
      parent_device: null,
      custom_field_data: {},
    },
  },
  {
    model: 'dcim.device',
    pk: 101,
    fields: {
      name: 'leaf-01',
      device_type: 21,
      role: 8,
      site: 1,
      rack: 10,
      position: '40.0',
      face: 'front',
      status: 'planned',
      serial: 'JPE123',
      asset_tag: null,
      platform: null,
      primary_ip4: null,
      custom_field_data: {},
    },
  },
  {
    model: 'dcim.device',
    pk: 103,
    fields: {
      name: 'leaf-02',
      device_type: 21,
      role: 8,
      site: 1,
      rack: 10,
      position: '40.0',
      face: 'rear',
      status: 'active',
      serial: 'JPE124',
      custom_field_data: {},
    },
  },
  {
    model: 'dcim.device',
    pk: 102,
    fields: {
      name: 'loose',
      device_type: 20,
      role: 7,
      site: 1,
      rack: 10,
      position: null,
      status: 'active',
      serial: 'X1',
      custom_field_data: {},
    },
  },
  {
    model: 'dcim.interface',
    pk: 1000,
    fields: {
      device: 101,
      name: 'Ethernet1',
      type: '25gbase-x-sfp28',
      enabled: true,
      mgmt_only: false,
      speed: null,
      description: '',
    },
  },
  {
    model: 'dcim.interface',
    pk: 1001,
    fields: {
      device: 101,
      name: 'Ethernet2',
      type: '25gbase-x-sfp28',
      enabled: false,
      mgmt_only: false,
      speed: 100000000,
      description: 'uplink',
    },
  },
  {
    model: 'dcim.interface',
    pk: 1002,
    fields: { device: 101, name: 'Po1', type: 'lag', enabled: true, mgmt_only: false, speed: null },
  },
  {
    model: 'dcim.interface',
    pk: 1003,
    fields: { device: 100, name: 'eno1', type: '10gbase-t', enabled: true, mgmt_only: false, speed: null },
  },
  {
    model: 'dcim.cable',
    pk: 500,
    fields: { type: 'dac-passive', status: 'connected', label: 'C1', length: '3.00', length_unit: 'ft' },
  },
  {
    model: 'dcim.cabletermination',
    pk: 1,
    fields: { cable: 500, cable_end: 'A', termination_type: ['dcim', 'interface'], termination_id: 1000 },
  },
  {
    model: 'dcim.cabletermination',
    pk: 2,
    fields: { cable: 500, cable_end: 'B', termination_type: ['dcim', 'interface'], termination_id: 1001 },
  },
  { model: 'virtualization.clustertype', pk: 1, fields: { name: 'Google Cloud', slug: 'gcp' } },
  {
    model: 'virtualization.virtualmachine',
    pk: 300,
    fields: {
      name: 'vm-1',
      status: 'active',
      cluster: null,
      device: 100,
      vcpus: '2.00',
      memory: 4096,
      disk: 50000,
      platform: null,
    },
  },
  {
    model: 'virtualization.virtualmachine',
    pk: 301,
    fields: { name: 'vm-2', status: 'active', cluster: 40, device: null, vcpus: '1.00', memory: 1024, disk: null },
  },
  { model: 'tenancy.tenant', pk: 1, fields: { name: 'T' } },
];

const rowsOf = (plan: ReturnType<typeof mapNetbox>, table: string) => plan.writes.get(table)?.creates ?? [];

describe('NetBox mapping', () => {
  const { data, errors } = normalise(rest());
  const plan = mapNetbox(data, emptySnapshot());

  it('reads the REST shape without errors', () => expect(errors).toEqual([]));

  it('sites → datacenters, racks → racks', () => {
    expect(rowsOf(plan, 'datacenters')).toEqual([
      { id: 1, name: 'Site A', location: '1 Main St, FAC1, North', status: 'active' },
    ]);
    // "available" is a rack in service; role and facility id kept in the location text
    expect(rowsOf(plan, 'racks')[0]).toMatchObject({
      name: 'R1',
      datacenter_id: 1,
      u_capacity: 42,
      status: 'active',
      location: 'facility F-01, role Compute',
    });
  });

  it('device types: 20 lb → 9.072 kg, kind from the devices using them', () => {
    const [dell, arista] = rowsOf(plan, 'device_types');
    expect(dell).toMatchObject({
      manufacturer: 'Dell',
      model: 'R650',
      weight_kg: 9.072,
      kind: 'server',
      airflow: 'front-to-rear',
    });
    expect(arista).toMatchObject({ kind: 'network', is_full_depth: false, part_number: null });
  });

  it('devices by role: a server with a placeholder serial, a leaf switch; unpositioned ones reported', () => {
    const [server] = rowsOf(plan, 'servers');
    expect(server).toMatchObject({
      name: 'web-01',
      serial_number: 'NETBOX-100',
      u_position: 1,
      u_size: 1,
      os: 'Ubuntu 22.04',
      ip_address: '10.0.0.5',
      status: 'active',
      server_type: 'Compute',
      manufacturer: 'Dell',
      device_type_id: 1,
    });
    const [leaf, rear] = rowsOf(plan, 'network_devices');
    expect(leaf).toMatchObject({
      name: 'leaf-01',
      device_type: 'access_switch',
      u_position: 40,
      face: 'front',
      is_full_depth: false,
      status: 'planned',
      serial_number: 'JPE123',
    });
    // the half-depth type leaves the rear of U40 to leaf-02
    expect(rear).toMatchObject({ name: 'leaf-02', u_position: 40, face: 'rear', is_full_depth: false });
    expect(server).toMatchObject({ face: 'front', is_full_depth: true });
    expect(plan.report.summary.servers).toMatchObject({ created: 1, skipped: 1 });
    expect(plan.report.issues).toEqual([
      { type: 'devices', netbox_id: 102, name: 'loose', reason: 'without a rack position' },
    ]);
    expect(plan.report.warnings.map((w) => w.message)).toContain(
      'servers: without a serial in NetBox: placeholder NETBOX-<id> used',
    );
  });

  it('interfaces → ports of network devices only; speed from type or kbps', () => {
    const ports = rowsOf(plan, 'network_ports');
    // 25gbase-x-sfp28 → 25G; speed 100,000,000 kbps = 100 Gbit/s wins over the type
    expect(ports.map((p) => [p.name, p.speed, p.enabled])).toEqual([
      ['Ethernet1', '25G', true],
      ['Ethernet2', '100G', false],
    ]);
    const u = plan.report.unmapped;
    expect(u.find((x) => x.type === 'interfaces' && /virtual/.test(x.reason))?.count).toBe(1);
    expect(u.find((x) => x.type === 'interfaces' && /servers/.test(x.reason))?.count).toBe(1);
  });

  it('cables: 3 ft DAC → 0.914 m', () => {
    expect(rowsOf(plan, 'network_cables')).toEqual([
      expect.objectContaining({ cable_type: 'dac', length_m: 0.914, label: 'C1', status: 'connected' }),
    ]);
  });

  it('VMs on imported servers map (4096 MB → 4 GB, 50,000 MB → 50 GB); cluster-only ones are reported', () => {
    expect(rowsOf(plan, 'vms')).toEqual([
      expect.objectContaining({
        name: 'vm-1',
        cpu_cores: 2,
        ram_gb: 4,
        disk_gb: 50,
        status: 'running',
        host_server_id: 1,
      }),
    ]);
    expect(plan.report.unmapped.find((x) => x.type === 'virtual-machines')).toMatchObject({
      count: 1,
      examples: ['vm-2'],
    });
    expect(plan.report.unmapped.find((x) => x.type === 'tenants')).toMatchObject({ count: 1 });
  });

  it('dumpdata gives the same plan as the REST export', () => {
    const d = normalise(dump());
    expect(d.errors).toEqual([]);
    const p = mapNetbox(d.data, emptySnapshot());
    for (const table of [
      'datacenters',
      'racks',
      'device_types',
      'servers',
      'network_devices',
      'network_ports',
      'network_cables',
      'vms',
    ]) {
      expect(rowsOf(p, table), table).toEqual(rowsOf(plan, table));
    }
    expect(p.report.summary).toEqual(plan.report.summary);
  });

  it('a re-import against what exists updates changed rows and leaves the rest', () => {
    const snap = emptySnapshot();
    snap.datacenters = [{ id: 7, name: 'Site A', location: '1 Main St, FAC1, North', status: 'active' }];
    snap.links.set('dcim.rack|10', { kind: 'rack', id: 9 });
    snap.racks = [
      {
        id: 9,
        name: 'Old name',
        datacenter_id: 7,
        location: null,
        u_capacity: 42,
        status: 'active',
        security_zone: 'Internal',
      },
    ];
    const p = mapNetbox(data, snap);
    expect(p.report.summary.datacenters).toMatchObject({ created: 0, unchanged: 1 });
    expect(p.writes.get('racks')?.updates).toEqual([
      expect.objectContaining({ id: 9, name: 'R1', location: 'facility F-01, role Compute' }),
    ]);
  });

  it("a matching rack above the caller's clearance is left alone", () => {
    const snap = emptySnapshot();
    snap.racks = [
      { id: 9, name: 'R1', datacenter_id: 1, u_capacity: 42, status: 'active', security_zone: 'Top Secret' },
    ];
    snap.datacenters = [{ id: 1, name: 'Site A', location: null, status: 'active' }];
    snap.canSeeZone = (z) => z !== 'Top Secret';
    const p = mapNetbox(data, snap);
    expect(p.report.summary.racks).toMatchObject({ skipped: 1, updated: 0 });
  });

  it('bad shapes are errors naming their place', () => {
    expect(normalise(42).errors[0].field).toBe('(body)');
    expect(normalise({ devices: [{ id: 'x' }], racks: {} }).errors.map((e) => e.field)).toEqual([
      'racks',
      'devices[0].id',
    ]);
  });
});

describe('NetBox conversions', () => {
  it('statuses', () => {
    expect([siteStatus('staging'), siteStatus('retired'), siteStatus('active')]).toEqual([
      'planned',
      'decommissioned',
      'active',
    ]);
    expect([rackStatus('reserved'), rackStatus('deprecated'), rackStatus('available')]).toEqual([
      'planned',
      'decommissioned',
      'active',
    ]);
    expect(serverStatus('failed')).toEqual({ status: 'offline', health: 'critical' });
    expect(
      ['offline', 'active', 'planned', 'staged', 'failed', 'inventory', 'decommissioning'].map(deviceStatus),
    ).toEqual(['offline', 'active', 'planned', 'planned', 'offline', 'planned', 'decommissioned']);
    expect([vmStatus('active'), vmStatus('offline'), vmStatus('failed')]).toEqual(['running', 'stopped', 'error']);
  });

  it('speeds from interface types and kbps', () => {
    expect(interfaceGbps('1000base-t', null)).toBe(1);
    expect(interfaceGbps('10gbase-x-sfpp', null)).toBe(10);
    expect(interfaceGbps('100gbase-x-qsfp28', null)).toBe(100);
    expect(interfaceGbps('100base-tx', null)).toBe(0.1);
    expect(interfaceGbps('32gfc-sfp28', null)).toBe(32);
    expect(interfaceGbps('infiniband-edr', null)).toBe(100);
    expect(interfaceGbps('other', 25_000_000)).toBe(25);
    expect(interfaceGbps('other', null)).toBeNull();
    // nearest on a log scale: 2.5 is 2.5x from 1 and 4x from 10
    expect([nearestSpeed(2.5), nearestSpeed(200), nearestSpeed(800), nearestSpeed(0.1)]).toEqual([
      '1G',
      '100G',
      '400G',
      '1G',
    ]);
    expect([
      interfaceKind('lag'),
      interfaceKind('ieee802.11ac'),
      interfaceKind('lte'),
      interfaceKind('cisco-stackwise'),
    ]).toEqual(['virtual', 'wireless', 'cellular', 'stacking']);
  });

  it('units', () => {
    expect(lengthM(10, 'ft')).toBe(3.048);
    expect(lengthM(250, 'cm')).toBe(2.5);
    expect(lengthM(1, 'km')).toBe(1000);
    expect(weightKg(1000, 'g')).toBe(1);
    expect(weightKg(16, 'oz')).toBe(0.454);
    // 208 V x 30 A x sqrt(3) = 10.81 kW; -48 V DC x 50 A = 2.4 kW
    expect(feedKw(208, 30, 'three-phase')).toBe(10.81);
    expect(feedKw(-48, 50, 'single-phase')).toBe(2.4);
    expect([
      cableType('cat6a'),
      cableType('smf-os2'),
      cableType('dac-active'),
      cableType('aoc'),
      cableType(null),
    ]).toEqual(['copper', 'fiber', 'dac', 'aoc', undefined]);
  });

  it('roles', () => {
    expect(classifyRole('core-switch').networkType).toBe('core_switch');
    expect(classifyRole('tor-switch').networkType).toBe('access_switch');
    expect(classifyRole('spine').networkType).toBe('core_switch');
    expect(classifyRole('firewall').networkType).toBe('firewall');
    expect(classifyRole('pdu').kind).toBe('pdu');
    expect(classifyRole('patch-panel')).toEqual({ kind: 'network', networkType: 'patch_panel' });
    expect(classifyRole('cable-management').kind).toBe('passive');
    expect(classifyRole('application-server')).toEqual({ kind: 'server', serverType: 'Compute' });
    expect(classifyRole('storage').kind).toBe('storage');
    // disk shelves are storage; a tray shelf holds nothing we track
    expect(classifyRole('disk-shelf').kind).toBe('storage');
    expect(classifyRole('jbod').kind).toBe('storage');
    expect(classifyRole('expansion-enclosure', 'Expansion Enclosure').kind).toBe('storage');
    expect(classifyRole('shelf').kind).toBe('passive');
  });

  it('statements stay under 100 bound parameters', () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, a: i, b: 'x', c: null }));
    const ins = insertStatements('t', rows);
    // 4 columns → 25 rows per statement
    expect(ins.map((s) => s.params.length)).toEqual([100, 100]);
    const upd = updateStatements('t', rows.slice(0, 3));
    expect(upd[0].sql).toMatch(
      /^UPDATE t SET a = v\.column2, b = v\.column3, c = v\.column4, updated_at = .* FROM \(VALUES \(\?, \?, \?, \?\), /,
    );
  });
});
