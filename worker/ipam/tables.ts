import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';
import { datacenters } from '../dcim/tables';

/** VLANs by site (the spec's VM `vlan` names one); a null datacenter is a VLAN every site shares. */
// drizzle-kit 0.x splits an index expression at its comma: 0031 carries the coalesce index fixed by hand
export const vlans = sqliteTable(
  'vlans',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    datacenter_id: integer('datacenter_id').references(() => datacenters.id),
    vid: integer('vid').notNull(),
    name: text('name').notNull(),
    status: text('status').notNull().default('active'),
    role: text('role'),
    description: text('description'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('vlans_dc_vid_uq').on(sql`coalesce(${t.datacenter_id}, 0)`, t.vid),
    index('vlans_name_ci_idx').on(sql`lower(${t.name})`),
  ],
);

/**
 * IPv4 and IPv6 prefixes. `prefix` is the canonical network/length text; `network_key` and `broadcast_key` are the
 * first and last addresses as fixed-width hex (32 digits for both families) so containment and ordering are
 * plain string comparisons in SQL.
 */
export const prefixes = sqliteTable(
  'prefixes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    prefix: text('prefix').notNull(),
    family: integer('family').notNull(),
    prefix_length: integer('prefix_length').notNull(),
    network_key: text('network_key').notNull(),
    broadcast_key: text('broadcast_key').notNull(),
    datacenter_id: integer('datacenter_id').references(() => datacenters.id),
    vlan_id: integer('vlan_id').references(() => vlans.id),
    status: text('status').notNull().default('active'),
    role: text('role'),
    is_pool: integer('is_pool', { mode: 'boolean' }).notNull().default(false),
    description: text('description'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('prefixes_prefix_uq').on(t.prefix),
    index('prefixes_range_idx').on(t.network_key, t.broadcast_key),
    index('prefixes_dc_idx').on(t.datacenter_id),
  ],
);

/**
 * IP addresses, assigned to a server, a network port, a VM or a storage system (`assigned_kind` + `assigned_id`)
 * or to nothing yet. `address` is the canonical host address, `prefix_length` the mask it is configured with,
 * `address_key` the fixed-width hex form (see prefixes).
 */
export const ipAddresses = sqliteTable(
  'ip_addresses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    address: text('address').notNull(),
    family: integer('family').notNull(),
    prefix_length: integer('prefix_length').notNull(),
    address_key: text('address_key').notNull(),
    prefix_id: integer('prefix_id').references(() => prefixes.id),
    assigned_kind: text('assigned_kind'),
    assigned_id: integer('assigned_id'),
    status: text('status').notNull().default('active'),
    role: text('role'),
    dns_name: text('dns_name'),
    description: text('description'),
    ...timestamps(),
  },
  (t) => [
    // one address once (no VRFs): a duplicate is refused
    uniqueIndex('ip_addresses_key_uq').on(t.address_key),
    index('ip_addresses_prefix_idx').on(t.prefix_id),
    index('ip_addresses_assigned_idx').on(t.assigned_kind, t.assigned_id),
  ],
);
