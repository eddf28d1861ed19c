import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

// ISO-8601 UTC with milliseconds: sorts lexicographically, reads well in the API and the audit trail
const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const timestamps = {
  created_at: text('created_at').notNull().default(nowIso),
  updated_at: text('updated_at').notNull().default(nowIso),
};

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    username: text('username').notNull(),
    email: text('email').notNull(),
    full_name: text('full_name'),
    password_hash: text('password_hash').notNull(),
    role: text('role').notNull().default('viewer'),
    // role asked for at self-registration, granted only when an admin approves it
    requested_role: text('requested_role'),
    // highest security zone the user may see; enforced by the security issue
    clearance: text('clearance').notNull().default('Internal'),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    // set for the default admin outside local demo mode: sign-in asks for a new password before anything else
    must_change_password: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    last_login_at: text('last_login_at'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('users_username_uq').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_uq').on(sql`lower(${t.email})`),
  ],
);

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
    ...timestamps,
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
    ...timestamps,
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
    cpu_model: text('cpu_model'),
    cpu_cores: integer('cpu_cores'),
    ram_gb: integer('ram_gb'),
    storage_tb: real('storage_tb'),
    power_supply_w: integer('power_supply_w').notNull().default(0),
    os: text('os'),
    ip_address: text('ip_address'),
    management_ip: text('management_ip'),
    status: text('status').notNull().default('active'),
    health: text('health').notNull().default('healthy'),
    warranty_expires: text('warranty_expires'),
    purchase_date: text('purchase_date'),
    purchase_cost: real('purchase_cost'),
    ...timestamps,
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

// Append-only. `id` orders the trail. Each entry is written with its change in one batch, `prev_hash`/`hash`
// NULL; the AuditChain Durable Object (the only writer of those two columns) seals entries in id order right
// after: hash = SHA-256(prev_hash || canonical JSON of the entry), see worker/audit/chain.ts.
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ts: text('ts').notNull().default(nowIso),
    actor_id: integer('actor_id'),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entity_type: text('entity_type').notNull(),
    entity_id: text('entity_id'),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    request_id: text('request_id'),
    client_ip: text('client_ip'),
    prev_hash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    index('audit_ts_idx').on(t.ts),
    index('audit_entity_idx').on(t.entity_type, t.entity_id),
    index('audit_actor_idx').on(t.actor, t.ts),
    index('audit_action_idx').on(t.action, t.ts),
  ],
);

// Signed statements "the trail had entry_count entries up to last_entry_id, whose hash was head_hash": entries
// deleted or cut off behind the API's back are detected against them. Ed25519 over the canonical JSON of
// {last_entry_id, entry_count, head_hash, created_at, key_id}; signature in base64url.
export const auditCheckpoints = sqliteTable(
  'audit_checkpoints',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    last_entry_id: integer('last_entry_id').notNull(),
    entry_count: integer('entry_count').notNull(),
    head_hash: text('head_hash').notNull(),
    created_at: text('created_at').notNull(),
    key_id: text('key_id').notNull(),
    signature: text('signature').notNull(),
  },
  (t) => [index('audit_checkpoints_last_entry_idx').on(t.last_entry_id)],
);

export type UserRow = typeof users.$inferSelect;
export type DatacenterRow = typeof datacenters.$inferSelect;
export type RackRow = typeof racks.$inferSelect;
export type ServerRow = typeof servers.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
export type AuditCheckpointRow = typeof auditCheckpoints.$inferSelect;
