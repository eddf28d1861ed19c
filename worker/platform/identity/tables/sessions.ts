import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './users';
import { nowIso } from '../../db/columns';

/**
 * A sign-in. Access tokens carry its id (`sid`), so revoking the session (sign-out, refresh-token reuse, an
 * admin) ends them at once. It dies when idle too long or past its absolute lifetime.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id),
    amr: text('amr', { mode: 'json' }).$type<string[]>().notNull(),
    auth_time: integer('auth_time').notNull(),
    created_at: text('created_at').notNull().default(nowIso),
    last_used_at: text('last_used_at').notNull().default(nowIso),
    expires_at: text('expires_at').notNull(),
    revoked_at: text('revoked_at'),
    revoked_reason: text('revoked_reason'),
    client_ip: text('client_ip'),
    user_agent: text('user_agent'),
    /** when the user last confirmed a passkey assertion with user verification in this session (step-up) */
    step_up_at: text('step_up_at'),
  },
  (t) => [index('sessions_user_idx').on(t.user_id, t.revoked_at)],
);

/** Single-use refresh tokens, stored hashed; each use replaces the token, a second use revokes the session. */
export const refreshTokens = sqliteTable(
  'refresh_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    session_id: text('session_id')
      .notNull()
      .references(() => sessions.id),
    token_hash: text('token_hash').notNull(),
    created_at: text('created_at').notNull().default(nowIso),
    used_at: text('used_at'),
  },
  (t) => [uniqueIndex('refresh_tokens_hash_uq').on(t.token_hash), index('refresh_tokens_session_idx').on(t.session_id)],
);

/** Personal API tokens for scripts and agents: shown once, stored hashed, scoped, optionally expiring. */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    token_prefix: text('token_prefix').notNull(),
    token_hash: text('token_hash').notNull(),
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
    /** `agent` tokens: the site (datacenter id) they are bound to; no reference, the platform knows no domain */
    site_id: integer('site_id'),
    created_at: text('created_at').notNull().default(nowIso),
    expires_at: text('expires_at'),
    last_used_at: text('last_used_at'),
    revoked_at: text('revoked_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash_uq').on(t.token_hash), index('api_tokens_user_idx').on(t.user_id)],
);

export type SessionRow = typeof sessions.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
