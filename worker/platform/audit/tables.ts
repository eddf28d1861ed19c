import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { nowIso } from '../db/columns';

// Append-only. `id` orders the trail. Each entry is written with its change in one batch, `prev_hash`/`hash`
// NULL; the AuditChain Durable Object (the only writer of those two columns) seals entries in id order right
// after: hash = SHA-256(prev_hash || canonical JSON of the entry), see worker/platform/audit/chain.ts.
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
    // a readable label (server name, username) written in the same batch, so it outlives the entity. Display
    // only: not in the hash (the hashed before/after hold the name of row changes anyway)
    entity_name: text('entity_name'),
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

export type AuditRow = typeof auditLog.$inferSelect;
export type AuditCheckpointRow = typeof auditCheckpoints.$inferSelect;
