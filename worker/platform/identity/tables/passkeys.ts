import { sqliteTable, text, integer, index } from 'drizzle-orm/sqlite-core';
import { users } from './users';
import { nowIso } from '../../db/columns';

/**
 * A WebAuthn credential (passkey) of a user. `id` is the credential id (base64url) the authenticator returns;
 * `public_key` the COSE public key (base64url). A revoked passkey stays for the audit trail but never verifies.
 */
export const passkeys = sqliteTable(
  'passkeys',
  {
    id: text('id').primaryKey(),
    user_id: integer('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    public_key: text('public_key').notNull(),
    counter: integer('counter').notNull().default(0),
    transports: text('transports', { mode: 'json' }).$type<string[]>().notNull(),
    /** 'singleDevice' | 'multiDevice' */
    device_type: text('device_type').notNull(),
    backed_up: integer('backed_up', { mode: 'boolean' }).notNull().default(false),
    aaguid: text('aaguid').notNull(),
    created_at: text('created_at').notNull().default(nowIso),
    last_used_at: text('last_used_at'),
    revoked_at: text('revoked_at'),
  },
  (t) => [index('passkeys_user_idx').on(t.user_id, t.revoked_at)],
);

/** Registration / sign-in / step-up challenges: stored server-side, single use, expiring within 5 minutes. */
export const webauthnChallenges = sqliteTable(
  'webauthn_challenges',
  {
    id: text('id').primaryKey(),
    challenge: text('challenge').notNull(),
    /** 'register' | 'authenticate' | 'step_up' */
    purpose: text('purpose').notNull(),
    user_id: integer('user_id').references(() => users.id),
    session_id: text('session_id'),
    created_at: text('created_at').notNull().default(nowIso),
    expires_at: text('expires_at').notNull(),
    used_at: text('used_at'),
  },
  (t) => [index('webauthn_challenges_expires_idx').on(t.expires_at)],
);

export type PasskeyRow = typeof passkeys.$inferSelect;
export type ChallengeRow = typeof webauthnChallenges.$inferSelect;
