import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';
import { datacenters, mountDepth, racks } from '../dcim/tables';

/**
 * Storage systems: arrays and filers mounted in a rack (U slots shared with servers, network devices and PDUs,
 * dcim/mounted.ts) or, with no rack, attached to a datacenter (an object store spread over a hall).
 * Usable capacity is derived from the RAID layout (storage/raid.ts) and stored so lists can sort and sum it.
 */
export const storageSystems = sqliteTable(
  'storage_systems',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    storage_type: text('storage_type').notNull().default('SAN'),
    datacenter_id: integer('datacenter_id')
      .notNull()
      .references(() => datacenters.id),
    rack_id: integer('rack_id').references(() => racks.id),
    u_position: integer('u_position'),
    u_size: integer('u_size').notNull().default(2),
    ...mountDepth(),
    manufacturer: text('manufacturer'),
    model: text('model'),
    serial_number: text('serial_number'),
    protocol: text('protocol'),
    raid_level: text('raid_level').notNull().default('6'),
    disk_count: integer('disk_count').notNull(),
    raw_capacity_tb: real('raw_capacity_tb').notNull(),
    usable_capacity_tb: real('usable_capacity_tb').notNull(),
    used_tb: real('used_tb').notNull().default(0),
    replication_target: text('replication_target'),
    replication_mode: text('replication_mode').notNull().default('none'),
    encryption: integer('encryption', { mode: 'boolean' }).notNull().default(false),
    power_w: integer('power_w').notNull().default(0),
    management_ip: text('management_ip'),
    firmware_version: text('firmware_version'),
    /** the device-type template it was made from (device-types domain), if any */
    device_type_id: integer('device_type_id'),
    status: text('status').notNull().default('active'),
    warranty_expires: text('warranty_expires'),
    purchase_date: text('purchase_date'),
    purchase_cost: real('purchase_cost'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('storage_systems_name_uq').on(t.name),
    index('storage_systems_name_ci_idx').on(sql`lower(${t.name})`),
    index('storage_systems_rack_u_idx').on(t.rack_id, t.u_position),
    index('storage_systems_dc_idx').on(t.datacenter_id),
  ],
);

/** Snapshot records of a storage system: what was taken, how big, and until when it is kept. */
export const storageSnapshots = sqliteTable(
  'storage_snapshots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    storage_id: integer('storage_id')
      .notNull()
      .references(() => storageSystems.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    volume: text('volume'),
    size_gb: real('size_gb').notNull().default(0),
    retention_days: integer('retention_days').notNull().default(7),
    expires_at: text('expires_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('storage_snapshots_name_uq').on(t.storage_id, t.name),
    index('storage_snapshots_exp_idx').on(t.expires_at),
  ],
);

export type StorageSystemRow = typeof storageSystems.$inferSelect;
export type StorageSnapshotRow = typeof storageSnapshots.$inferSelect;
