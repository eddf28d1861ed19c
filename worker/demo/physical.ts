// The demo's physical estate beyond servers, derived from the planned racks and servers (worker/demo/estate.ts):
// the power chain (two UPS feeds per row, an A and a B PDU per rack, every server's supplies on outlets), a
// leaf-spine network (a top-of-rack switch per rack cabled to two core switches and a firewall per site) and
// storage arrays in the storage racks plus an object store per site. Pure and deterministic.
import type { PlannedRack, PlannedServer } from './estate';

export interface PlannedFeed {
  dc: number;
  name: string;
  panel: string;
  source: 'ups';
  side: 'A' | 'B';
  feed_type: 'primary' | 'redundant';
  phase: 'three-phase';
  voltage: number;
  amperage: number;
  max_utilization_pct: number;
}
export interface PlannedPdu {
  rack: number;
  feed: number;
  name: string;
  outlets: number;
  capacity_kw: number;
  manufacturer: string;
  model: string;
}
export interface PlannedNetworkDevice {
  rack: number;
  name: string;
  device_type: 'core_switch' | 'access_switch' | 'firewall';
  u_position: number;
  manufacturer: string;
  model: string;
  serial_number: string;
  management_ip: string;
  os_version: string;
  power_w: number;
}
export interface PlannedPort {
  device: number;
  name: string;
  speed: string;
  if_index: number;
}
export interface PlannedCable {
  a: number;
  b: number;
  cable_type: 'fiber' | 'dac';
  length_m: number;
}
export interface PlannedStorage {
  dc: number;
  rack: number | null;
  name: string;
  storage_type: string;
  protocol: string;
  u_position: number | null;
  u_size: number;
  manufacturer: string;
  model: string;
  serial_number: string;
  raid_level: string;
  disk_count: number;
  raw_capacity_tb: number;
  used_tb: number;
  replication_target: string | null;
  replication_mode: string;
  encryption: boolean;
  power_w: number;
  management_ip: string;
  firmware_version: string;
}
export interface PlannedSupply {
  device_kind: 'server' | 'storage' | 'network';
  /** index into servers, storage or network devices */
  device: number;
  name: string;
  pdu: number;
  outlet: number;
  max_draw_w: number;
}
export interface PlannedSnapshot {
  storage: number;
  name: string;
  volume: string;
  size_gb: number;
  retention_days: number;
}

/** Breaker sizes a facility panel offers. */
const AMPS = [32, 63, 100, 125, 160, 200, 250, 400] as const;
const VOLTS = 400;
/** usable kW of a three-phase feed at `amps`, derated to 80 % */
const usableKw = (amps: number) => (VOLTS * amps * Math.sqrt(3) * 0.8) / 1000;

const TOR_PORTS = 48;
const UPLINKS = 4;
const CORE_PORTS = 32;

/**
 * Each feed of a row is sized to carry the whole row alone (A/B redundancy), except one row per demo that was
 * sized for its original load: losing one of its feeds overloads the other, which is what the impact view warns of.
 */
export function demoPhysical(racks: PlannedRack[], servers: PlannedServer[]) {
  const feeds: PlannedFeed[] = [];
  const pdus: PlannedPdu[] = [];
  const network: PlannedNetworkDevice[] = [];
  const ports: PlannedPort[] = [];
  const cables: PlannedCable[] = [];
  const storage: PlannedStorage[] = [];
  const supplies: PlannedSupply[] = [];
  const snapshots: PlannedSnapshot[] = [];

  const serversOf = new Map<number, number[]>();
  servers.forEach((s, i) => serversOf.set(s.rack, [...(serversOf.get(s.rack) ?? []), i]));
  const code = (rack: PlannedRack) => rack.name.split('-')[0];
  const dcs = [...new Set(racks.map((r) => r.dc))];

  const addPorts = (device: number, count: number, speed: string, from = 1) => {
    const first = ports.length;
    for (let n = from; n < from + count; n++) ports.push({ device, name: `Ethernet1/${n}`, speed, if_index: n });
    return first;
  };

  for (const dc of dcs) {
    const dcRacks = racks.map((r, i) => ({ r, i })).filter(({ r }) => r.dc === dc);
    const site = code(dcRacks[0].r);
    const lower = site.toLowerCase();
    const net = (n: number) => `10.${200 + dc}.0.${n}`;

    // ---- network: two cores and a firewall in the site's first two compute racks, a ToR in every rack
    const hosts = dcRacks.filter(({ r }) => r.profile === 'compute').slice(0, 2);
    const core = hosts.map(({ r, i }, k) => {
      network.push({
        rack: i,
        name: `${lower}-core-${k + 1}`,
        device_type: 'core_switch',
        u_position: r.u_capacity - 1,
        manufacturer: 'Arista',
        model: '7280R3',
        serial_number: `JPE${site}${k + 1}0${dc}21`,
        management_ip: net(2 + k),
        os_version: 'EOS 4.31.2F',
        power_w: 650,
      });
      return network.length - 1;
    });
    const corePorts = core.map((d) => addPorts(d, CORE_PORTS, '100G'));
    network.push({
      rack: hosts[0].i,
      name: `${lower}-fw-1`,
      device_type: 'firewall',
      u_position: hosts[0].r.u_capacity - 2,
      manufacturer: 'Palo Alto Networks',
      model: 'PA-5410',
      serial_number: `PA${site}0${dc}5410`,
      management_ip: net(4),
      os_version: 'PAN-OS 11.1.2',
      power_w: 450,
    });
    const fw = network.length - 1;
    const fwPorts = addPorts(fw, 8, '25G');
    // core peer link on the last port, firewall uplinks on the next-to-last
    cables.push({ a: corePorts[0] + CORE_PORTS - 1, b: corePorts[1] + CORE_PORTS - 1, cable_type: 'dac', length_m: 3 });
    cables.push({ a: fwPorts, b: corePorts[0] + CORE_PORTS - 2, cable_type: 'fiber', length_m: 5 });
    cables.push({ a: fwPorts + 1, b: corePorts[1] + CORE_PORTS - 2, cable_type: 'fiber', length_m: 5 });

    dcRacks.forEach(({ r, i }, k) => {
      network.push({
        rack: i,
        name: `${r.name.toLowerCase()}-tor`,
        device_type: 'access_switch',
        u_position: r.u_capacity,
        manufacturer: 'Arista',
        model: '7050SX3-48YC8',
        serial_number: `JPE${r.name.replace('-', '')}T`,
        management_ip: `10.${200 + dc}.${1 + Math.floor(k / 200)}.${10 + (k % 200)}`,
        os_version: 'EOS 4.31.2F',
        power_w: 350,
      });
      const tor = network.length - 1;
      addPorts(tor, TOR_PORTS, '25G');
      const up = addPorts(tor, UPLINKS, '100G', TOR_PORTS + 1);
      // one uplink to each core, on the cores' ports in rack order (the last two are the peer and firewall links)
      if (k < CORE_PORTS - 2)
        core.forEach((_, c) =>
          cables.push({ a: up + c, b: corePorts[c] + k, cable_type: 'fiber', length_m: 10 + k * 2 }),
        );
    });

    // ---- power: per row an A and a B feed from the site's UPS panels
    const rows = [...new Set(dcRacks.map(({ r }) => r.row))];
    const feedOf = new Map<string, number>();
    rows.forEach((row, rowIndex) => {
      const load =
        dcRacks
          .filter(({ r }) => r.row === row)
          .flatMap(({ i }) => serversOf.get(i) ?? [])
          .reduce((w, s) => w + (servers[s].status === 'decommissioned' ? 0 : servers[s].power_supply_w), 0) / 1000;
      const undersized = dc === 0 && rowIndex === 0;
      const need = undersized ? load * 0.7 : load * 1.15;
      const amps = AMPS.find((a) => usableKw(a) >= need) ?? AMPS[AMPS.length - 1];
      for (const side of ['A', 'B'] as const) {
        feedOf.set(`${row}${side}`, feeds.length);
        feeds.push({
          dc,
          name: `${site}-${row}-${side}`,
          panel: `${site}-PP-${side}${rowIndex + 1}`,
          source: 'ups',
          side,
          feed_type: side === 'A' ? 'primary' : 'redundant',
          phase: 'three-phase',
          voltage: VOLTS,
          amperage: amps,
          max_utilization_pct: 80,
        });
      }
    });
    dcRacks.forEach(({ r, i }) => {
      for (const side of ['A', 'B'] as const) {
        pdus.push({
          rack: i,
          feed: feedOf.get(`${r.row}${side}`)!,
          name: `${r.name.toLowerCase()}-pdu-${side.toLowerCase()}`,
          outlets: 24,
          capacity_kw: r.power_capacity_kw,
          manufacturer: 'Raritan',
          model: r.power_capacity_kw > 22 ? 'PX3-5902V' : 'PX3-5145R',
        });
      }
    });

    // ---- storage: an array in each storage rack (below the ToR), an object store for the site
    dcRacks
      .filter(({ r }) => r.profile === 'storage')
      .forEach(({ r, i }, k) => {
        const san = k % 2 === 0;
        storage.push({
          dc,
          rack: i,
          name: `${lower}-${san ? 'san' : 'nas'}-${String(k + 1).padStart(2, '0')}`,
          storage_type: san ? 'SAN' : 'NAS',
          protocol: san ? 'iSCSI' : 'NFS',
          u_position: r.u_capacity - 5,
          u_size: 4,
          manufacturer: san ? 'Pure Storage' : 'NetApp',
          model: san ? 'FlashArray//X70' : 'AFF A400',
          serial_number: `${san ? 'PSX' : 'NTA'}${site}${k + 1}${dc}77`,
          raid_level: san ? '6' : '10',
          disk_count: 24,
          raw_capacity_tb: 24 * 7.68,
          used_tb: 0,
          replication_target: null,
          replication_mode: 'none',
          encryption: true,
          power_w: 1100,
          management_ip: net(100 + k),
          firmware_version: san ? 'Purity//FA 6.5.4' : 'ONTAP 9.14.1',
        });
      });
    storage.push({
      dc,
      rack: null,
      name: `${lower}-obj-01`,
      storage_type: 'Object',
      protocol: 'S3',
      u_position: null,
      u_size: 2,
      manufacturer: 'MinIO',
      model: 'AIStor cluster',
      serial_number: `MIN${site}${dc}OBJ`,
      raid_level: '6',
      disk_count: 60,
      raw_capacity_tb: 60 * 20,
      used_tb: 0,
      replication_target: null,
      replication_mode: 'none',
      encryption: dc !== 2,
      power_w: 0,
      management_ip: net(120),
      firmware_version: 'RELEASE.2024-11-07',
    });
  }

  // used capacity and replication: each site's first array replicates to the next site's; fill levels spread
  storage.forEach((s, k) => {
    const usable =
      s.raid_level === '10' ? s.raw_capacity_tb / 2 : (s.raw_capacity_tb * (s.disk_count - 2)) / s.disk_count;
    s.used_tb = Math.round(usable * [0.42, 0.67, 0.81, 0.55, 0.9, 0.36][k % 6] * 100) / 100;
    const peer = storage.find((o) => o.dc === (s.dc + 1) % dcs.length && o.storage_type === s.storage_type);
    if (peer && s.rack !== null) {
      s.replication_target = peer.name;
      s.replication_mode = 'async';
    }
    for (let d = 1; d <= 3; d++)
      snapshots.push({
        storage: k,
        name: `daily-${d}`,
        volume: s.storage_type === 'Object' ? 'bucket-backups' : 'vol01',
        size_gb: Math.round(s.used_tb * 1000 * 0.012 * d),
        retention_days: 7,
      });
  });

  // supplies: dual-corded on A and B, except the edge racks' single-corded boxes (on A only)
  const outletsUsed = new Map<number, number>();
  const plug = (
    device_kind: PlannedSupply['device_kind'],
    device: number,
    rack: number,
    watts: number,
    single: boolean,
  ) => {
    const a = pdus.findIndex((p) => p.rack === rack && p.name.endsWith('-a'));
    const sides = single ? [a] : [a, a + 1];
    sides.forEach((pdu, n) => {
      const outlet = (outletsUsed.get(pdu) ?? 0) + 1;
      outletsUsed.set(pdu, outlet);
      supplies.push({ device_kind, device, name: `PSU${n + 1}`, pdu, outlet, max_draw_w: watts });
    });
  };
  servers.forEach((s, i) => plug('server', i, s.rack, s.power_supply_w, racks[s.rack].profile === 'edge'));
  network.forEach((d, i) => plug('network', i, d.rack, d.power_w, false));
  storage.forEach((s, i) => {
    if (s.rack !== null) plug('storage', i, s.rack, s.power_w, false);
  });

  return { feeds, pdus, network, ports, cables, storage, supplies, snapshots };
}
