import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';
import { RACK_FACES } from './schemas/mount';

/**
 * The face a rack-mounted device is installed from and whether it fills the rack's depth: two half-depth devices
 * share a U from opposite faces (a patch panel at the rear behind a shallow switch), a full-depth one takes the U
 * on both (dcim/placement.ts). Every rack-mounted table spreads these in.
 */
export const mountDepth = () => ({
  face: text('face', { enum: RACK_FACES }).notNull().default('front'),
  is_full_depth: integer('is_full_depth', { mode: 'boolean' }).notNull().default(true),
});

export const datacenters = sqliteTable(
  'datacenters',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    location: text('location'),
    tier: text('tier').notNull().default('Tier 3'),
    total_space_sqm: real('total_space_sqm'),
    power_capacity_mw: real('power_capacity_mw'),
    cooling_capacity_mw: real('cooling_capacity_mw'),
    pue_target: real('pue_target'),
    certifications: text('certifications', { mode: 'json' }).$type<string[]>().notNull().default([]),
    status: text('status').notNull().default('active'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('datacenters_name_uq').on(t.name),
    // names are unique regardless of case (checked by the service through this index)
    index('datacenters_name_ci_idx').on(sql`lower(${t.name})`),
    index('datacenters_status_idx').on(t.status),
  ],
);

export const racks = sqliteTable(
  'racks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    datacenter_id: integer('datacenter_id')
      .notNull()
      .references(() => datacenters.id),
    location: text('location'),
    row: text('row'),
    position: integer('position'),
    u_capacity: integer('u_capacity').notNull().default(42),
    power_capacity_kw: real('power_capacity_kw').notNull().default(10),
    cooling_type: text('cooling_type').notNull().default('Air Cooling'),
    security_zone: text('security_zone').notNull().default('Internal'),
    status: text('status').notNull().default('active'),
    ...timestamps(),
  },
  (t) => [
    // rack names are unique within a datacenter, as on a floor plan
    uniqueIndex('racks_dc_name_uq').on(t.datacenter_id, t.name),
    index('racks_dc_name_ci_idx').on(t.datacenter_id, sql`lower(${t.name})`),
    index('racks_zone_idx').on(t.security_zone),
    index('racks_status_idx').on(t.status),
  ],
);

export const servers = sqliteTable(
  'servers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    rack_id: integer('rack_id')
      .notNull()
      .references(() => racks.id),
    server_type: text('server_type').notNull().default('Compute'),
    manufacturer: text('manufacturer'),
    model: text('model'),
    serial_number: text('serial_number').notNull(),
    u_position: integer('u_position').notNull(),
    u_size: integer('u_size').notNull().default(1),
    ...mountDepth(),
    cpu_model: text('cpu_model'),
    cpu_cores: integer('cpu_cores'),
    ram_gb: integer('ram_gb'),
    storage_tb: real('storage_tb'),
    power_supply_w: integer('power_supply_w').notNull().default(0),
    os: text('os'),
    /** what the vulnerability matcher compares: agents report them (node_os_info, node_dmi_info) or people type them */
    os_version: text('os_version'),
    firmware_version: text('firmware_version'),
    bios_version: text('bios_version'),
    /** the device-type template it was created from (device-types domain), if any */
    device_type_id: integer('device_type_id'),
    ip_address: text('ip_address'),
    management_ip: text('management_ip'),
    status: text('status').notNull().default('active'),
    health: text('health').notNull().default('healthy'),
    warranty_expires: text('warranty_expires'),
    purchase_date: text('purchase_date'),
    purchase_cost: real('purchase_cost'),
    /**
     * The searchable fields, lower-cased and joined by U+001F, kept by the triggers of migrations/0010: `?q=`
     * tests one column per row instead of eight (bench/servers-list.mjs). Never in API output or audit.
     */
    search_text: text('search_text'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('servers_name_uq').on(t.name),
    uniqueIndex('servers_serial_uq').on(t.serial_number),
    index('servers_name_ci_idx').on(sql`lower(${t.name})`),
    index('servers_serial_ci_idx').on(sql`lower(${t.serial_number})`),
    // the list endpoint's common filter + sort paths (see bench/servers-list.mjs)
    index('servers_rack_u_idx').on(t.rack_id, t.u_position),
    index('servers_status_name_idx').on(t.status, t.name),
    index('servers_type_name_idx').on(t.server_type, t.name),
    index('servers_created_idx').on(t.created_at),
    index('servers_warranty_idx').on(t.warranty_expires),
    // sorting the whole fleet by power draw stops after a page instead of sorting every server
    index('servers_power_idx').on(t.power_supply_w),
  ],
);

export type DatacenterRow = typeof datacenters.$inferSelect;
export type RackRow = typeof racks.$inferSelect;
export type ServerRow = typeof servers.$inferSelect;
