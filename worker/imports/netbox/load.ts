import type { ServiceContext } from '../../platform/context';
import { canSee } from '../../platform/access/zones';
import type { Row } from './plan';
import type { Snapshot } from './snapshot';

// Reads, in one D1 batch, everything an import matches against: the links of earlier imports and the columns the
// mappers compare. Whole tables (a few columns each): one round trip beats a query per NetBox object.

const READS: [keyof Omit<Snapshot, 'links' | 'mounts' | 'nextId' | 'canSeeZone'>, string][] = [
  ['datacenters', 'SELECT id, name, location, status FROM datacenters'],
  ['racks', 'SELECT id, name, datacenter_id, location, u_capacity, status, security_zone FROM racks'],
  [
    'deviceTypes',
    'SELECT id, manufacturer, model, slug, part_number, kind, u_height, is_full_depth, airflow, weight_kg, power_outlets, comments FROM device_types',
  ],
  [
    'servers',
    'SELECT id, name, rack_id, u_position, u_size, face, is_full_depth, manufacturer, model, server_type, serial_number, os, ip_address, management_ip, device_type_id, status, health FROM servers',
  ],
  [
    'network',
    'SELECT id, name, rack_id, u_position, u_size, face, is_full_depth, manufacturer, model, device_type, serial_number, management_ip, device_type_id, status FROM network_devices',
  ],
  [
    'pdus',
    'SELECT id, name, rack_id, u_position, u_size, face, is_full_depth, manufacturer, model, feed_id, capacity_kw, outlets, management_ip, status FROM pdus',
  ],
  [
    'storage',
    'SELECT id, name, rack_id, u_position, u_size, face, is_full_depth, manufacturer, model, datacenter_id, serial_number, disk_count, raw_capacity_tb, management_ip, device_type_id, status FROM storage_systems',
  ],
  [
    'feeds',
    'SELECT id, name, datacenter_id, panel, side, feed_type, supply, phase, voltage, amperage, max_utilization_pct, status FROM power_feeds',
  ],
  ['ports', 'SELECT id, device_id, name, speed, media, enabled, description FROM network_ports'],
  ['cables', 'SELECT id, a_port_id, b_port_id, cable_type, length_m, label, status FROM network_cables'],
  ['vms', 'SELECT id, name, host_server_id, cpu_cores, ram_gb, disk_gb, os, hypervisor, status FROM vms'],
];

/** Tables an import may add rows to: their next ids are handed out before the write (apply.ts). */
export const ID_TABLES = [
  'datacenters',
  'racks',
  'device_types',
  'servers',
  'network_devices',
  'pdus',
  'storage_systems',
  'power_feeds',
  'network_ports',
  'network_cables',
  'vms',
  'import_runs',
];

export async function loadSnapshot(ctx: ServiceContext): Promise<Snapshot> {
  const d1 = ctx.db.$client;
  // D1 caps the terms of a compound SELECT: one statement per table, in the same batch
  const next = ID_TABLES.map(
    (t) =>
      `SELECT max(coalesce((SELECT max(id) FROM ${t}), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = '${t}'), 0)) + 1 AS n`,
  );
  const results = await d1.batch<Row>([
    d1.prepare(
      "SELECT object_type, external_id, local_kind, local_id, detail FROM import_links WHERE source = 'netbox'",
    ),
    d1.prepare('SELECT kind, id, rack_id, u_position, u_size, face, is_full_depth FROM rack_mounts'),
    ...next.map((q) => d1.prepare(q)),
    ...READS.map(([, q]) => d1.prepare(q)),
  ]);
  const rows = (i: number) => results[i].results;
  const snap: Snapshot = {
    links: new Map(
      rows(0).map((l) => [
        `${String(l.object_type)}|${String(l.external_id)}`,
        { kind: String(l.local_kind), id: Number(l.local_id), detail: (l.detail as string | null) ?? null },
      ]),
    ),
    mounts: rows(1) as Snapshot['mounts'],
    nextId: Object.fromEntries(ID_TABLES.map((t, i) => [t, Number(rows(2 + i)[0]?.n ?? 1)])),
    canSeeZone: (zone) => canSee(ctx.actor, zone),
  } as Snapshot;
  READS.forEach(([key], i) => {
    (snap as unknown as Record<string, Row[]>)[key] = rows(2 + ID_TABLES.length + i);
  });
  return snap;
}
