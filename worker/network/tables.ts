import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';
import { mountDepth, racks } from '../dcim/tables';

/** Switches, routers, firewalls and load balancers, mounted in racks like servers (dcim/mounted.ts). */
export const networkDevices = sqliteTable(
  'network_devices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    device_type: text('device_type').notNull().default('access_switch'),
    rack_id: integer('rack_id')
      .notNull()
      .references(() => racks.id),
    u_position: integer('u_position'),
    u_size: integer('u_size').notNull().default(1),
    ...mountDepth(),
    manufacturer: text('manufacturer'),
    model: text('model'),
    serial_number: text('serial_number'),
    management_ip: text('management_ip'),
    os_version: text('os_version'),
    firmware_version: text('firmware_version'),
    device_type_id: integer('device_type_id'),
    power_w: integer('power_w').notNull().default(0),
    status: text('status').notNull().default('active'),
    warranty_expires: text('warranty_expires'),
    purchase_date: text('purchase_date'),
    purchase_cost: real('purchase_cost'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('network_devices_name_uq').on(t.name),
    index('network_devices_name_ci_idx').on(sql`lower(${t.name})`),
    index('network_devices_rack_u_idx').on(t.rack_id, t.u_position),
  ],
);

/**
 * Ports of a network device. `name` is what the device calls it (the ifName an snmp_exporter scrape reports),
 * unique per device; `if_index` is the SNMP ifIndex when known.
 */
export const networkPorts = sqliteTable(
  'network_ports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    device_id: integer('device_id')
      .notNull()
      .references(() => networkDevices.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    speed: text('speed').notNull().default('10G'),
    media: text('media'),
    if_index: integer('if_index'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    description: text('description'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('network_ports_device_name_uq').on(t.device_id, t.name),
    index('network_ports_device_name_ci_idx').on(t.device_id, sql`lower(${t.name})`),
  ],
);

/**
 * A cable from port A to port B. A port carries at most one cable: the unique indexes hold each side, and the
 * service refuses a port already used on the other side (network/cables.ts).
 */
export const networkCables = sqliteTable(
  'network_cables',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    a_port_id: integer('a_port_id')
      .notNull()
      .references(() => networkPorts.id),
    b_port_id: integer('b_port_id')
      .notNull()
      .references(() => networkPorts.id),
    cable_type: text('cable_type').notNull().default('fiber'),
    length_m: real('length_m'),
    label: text('label'),
    status: text('status').notNull().default('connected'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('network_cables_a_uq').on(t.a_port_id), uniqueIndex('network_cables_b_uq').on(t.b_port_id)],
);

export type NetworkDeviceRow = typeof networkDevices.$inferSelect;
export type NetworkPortRow = typeof networkPorts.$inferSelect;
export type NetworkCableRow = typeof networkCables.$inferSelect;
