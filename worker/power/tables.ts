import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';
import { datacenters, mountDepth, racks } from '../dcim/tables';

/**
 * A power feed from a panel (utility, UPS or generator side A or B), as NetBox models it: voltage, amperage,
 * phase and the share of it that may be used continuously (max_utilization_pct, 80 % by the usual derating).
 */
export const powerFeeds = sqliteTable(
  'power_feeds',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    datacenter_id: integer('datacenter_id')
      .notNull()
      .references(() => datacenters.id),
    panel: text('panel'),
    source: text('source').notNull().default('utility'),
    side: text('side').notNull().default('A'),
    feed_type: text('feed_type').notNull().default('primary'),
    supply: text('supply').notNull().default('ac'),
    phase: text('phase').notNull().default('single-phase'),
    voltage: integer('voltage').notNull().default(230),
    amperage: integer('amperage').notNull().default(32),
    max_utilization_pct: integer('max_utilization_pct').notNull().default(80),
    status: text('status').notNull().default('active'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('power_feeds_dc_name_uq').on(t.datacenter_id, t.name),
    index('power_feeds_dc_idx').on(t.datacenter_id),
  ],
);

/** Rack PDUs: fed by one feed, `outlets` sockets, mounted in U slots or zero-U (u_position null). */
export const pdus = sqliteTable(
  'pdus',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    rack_id: integer('rack_id')
      .notNull()
      .references(() => racks.id),
    feed_id: integer('feed_id').references(() => powerFeeds.id),
    u_position: integer('u_position'),
    u_size: integer('u_size').notNull().default(1),
    ...mountDepth(),
    outlets: integer('outlets').notNull().default(24),
    capacity_kw: real('capacity_kw').notNull(),
    manufacturer: text('manufacturer'),
    model: text('model'),
    management_ip: text('management_ip'),
    status: text('status').notNull().default('active'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('pdus_name_uq').on(t.name),
    index('pdus_name_ci_idx').on(sql`lower(${t.name})`),
    index('pdus_rack_idx').on(t.rack_id),
    index('pdus_feed_idx').on(t.feed_id),
  ],
);

/**
 * A device's power supply plugged into a PDU outlet. `device_kind` names the device's table (server, storage,
 * network: dcim/mounted.ts kinds); a device with supplies on PDUs of two feeds survives the loss of either.
 */
export const powerSupplies = sqliteTable(
  'power_supplies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    device_kind: text('device_kind').notNull(),
    device_id: integer('device_id').notNull(),
    name: text('name').notNull().default('PSU1'),
    pdu_id: integer('pdu_id')
      .notNull()
      .references(() => pdus.id),
    outlet: integer('outlet'),
    max_draw_w: integer('max_draw_w'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('power_supplies_device_name_uq').on(t.device_kind, t.device_id, t.name),
    uniqueIndex('power_supplies_outlet_uq').on(t.pdu_id, t.outlet),
    index('power_supplies_pdu_idx').on(t.pdu_id),
  ],
);

export type PowerFeedRow = typeof powerFeeds.$inferSelect;
export type PduRow = typeof pdus.$inferSelect;
export type PowerSupplyRow = typeof powerSupplies.$inferSelect;
