import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../../db/columns';

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
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('users_username_uq').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_uq').on(sql`lower(${t.email})`),
  ],
);

export type UserRow = typeof users.$inferSelect;
