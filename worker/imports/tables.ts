import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';

/**
 * What an import made of each foreign object: NetBox's id of a site/rack/device/… ↔ our kind and id. A re-import
 * finds the row here (then by name) and updates it instead of creating a second one. Kept apart from the
 * inventory tables so no domain carries a column per foreign system.
 */
export const importLinks = sqliteTable(
  'import_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** netbox */
    source: text('source').notNull(),
    /** the foreign type: dcim.site, dcim.device, … */
    object_type: text('object_type').notNull(),
    external_id: text('external_id').notNull(),
    local_kind: text('local_kind').notNull(),
    local_id: integer('local_id').notNull(),
    /**
     * what a later import needs of the foreign object beyond our row (a NetBox rack's starting unit): a staged
     * import finds objects of earlier runs through these links (imports/netbox/earlier.ts)
     */
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('import_links_uq').on(t.source, t.object_type, t.external_id),
    index('import_links_local_idx').on(t.local_kind, t.local_id),
  ],
);

/** One import, dry run or real: who ran it, what it counted, what it could not map. */
export const importRuns = sqliteTable(
  'import_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    source: text('source').notNull(),
    dry_run: integer('dry_run', { mode: 'boolean' }).notNull().default(false),
    status: text('status').notNull(),
    requested_by: text('requested_by'),
    report: text('report', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    duration_ms: integer('duration_ms'),
    ...timestamps(),
  },
  (t) => [index('import_runs_created_idx').on(t.created_at)],
);
