import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './users';
import { nowIso } from '../../db/columns';

/**
 * A user's TOTP (RFC 6238) authenticator: one per user. Unconfirmed until the user proves the app shows the
 * right codes; only a confirmed factor is asked for at sign-in. `last_used_step` refuses a replayed code.
 * `secret` is AES-GCM ciphertext under the key `secret_key_id` of TOTP_ENCRYPTION_KEYS (worker/platform/identity/totp-crypto.ts),
 * so a copy of the database alone does not yield codes; a NULL key id marks a row written before encryption
 * (base32 in the clear), re-encrypted the next time it is used.
 */
export const totpFactors = sqliteTable('totp_factors', {
  user_id: integer('user_id')
    .primaryKey()
    .references(() => users.id),
  secret: text('secret').notNull(),
  secret_key_id: text('secret_key_id'),
  confirmed_at: text('confirmed_at'),
  last_used_step: integer('last_used_step'),
  created_at: text('created_at').notNull().default(nowIso),
});

/** One-time recovery codes (ten per set), stored as SHA-256 hex; a new set replaces the old one. */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id),
    code_hash: text('code_hash').notNull(),
    created_at: text('created_at').notNull().default(nowIso),
    used_at: text('used_at'),
  },
  (t) => [
    uniqueIndex('recovery_codes_hash_uq').on(t.user_id, t.code_hash),
    index('recovery_codes_user_idx').on(t.user_id),
  ],
);

/** Per role: whether signing in needs a second factor (absent row: not required). */
export const mfaPolicy = sqliteTable('mfa_policy', {
  role: text('role').primaryKey(),
  required: integer('required', { mode: 'boolean' }).notNull().default(false),
  updated_at: text('updated_at').notNull().default(nowIso),
});

/**
 * A sign-in in progress: the password was right, but a second factor, an enrolment or a password change must
 * come first. The ticket (`mfa_token`) is a random secret stored hashed, bound to the user, short-lived (5
 * minutes) and single use: finishing the step consumes it. `via` says whether the sign-in began at POST /session
 * (browser cookies) or POST /token (bearer tokens in the body).
 */
export const mfaTickets = sqliteTable(
  'mfa_tickets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    token_hash: text('token_hash').notNull(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id),
    /** 'second_factor' | 'enroll' | 'password_change' */
    purpose: text('purpose').notNull(),
    /** 'session' | 'token' */
    via: text('via').notNull(),
    created_at: text('created_at').notNull().default(nowIso),
    expires_at: text('expires_at').notNull(),
    used_at: text('used_at'),
  },
  (t) => [uniqueIndex('mfa_tickets_hash_uq').on(t.token_hash), index('mfa_tickets_expires_idx').on(t.expires_at)],
);

export type TotpFactorRow = typeof totpFactors.$inferSelect;
export type MfaTicketRow = typeof mfaTickets.$inferSelect;
