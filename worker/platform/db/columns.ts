import { sql } from 'drizzle-orm';
import { text } from 'drizzle-orm/sqlite-core';

// ISO-8601 UTC with milliseconds: sorts lexicographically, reads well in the API and the audit trail
export const nowIso = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/** created_at / updated_at, spread into every table that has them */
export const timestamps = () => ({
  created_at: text('created_at').notNull().default(nowIso),
  updated_at: text('updated_at').notNull().default(nowIso),
});
