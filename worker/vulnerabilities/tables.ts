import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';

/**
 * The vulnerability catalogue: CISA Known Exploited Vulnerabilities and OSV records, merged by CVE id where an OSV
 * record aliases one. `affected` keeps OSV's own `affected[]` (packages, ranges, versions) for the matcher; a KEV
 * entry has only vendor/product, matched by name.
 */
export const vulnerabilities = sqliteTable(
  'vulnerabilities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** CVE-… when known, else the OSV id */
    vuln_id: text('vuln_id').notNull(),
    aliases: text('aliases', { mode: 'json' }).$type<string[]>().notNull().default([]),
    sources: text('sources', { mode: 'json' }).$type<string[]>().notNull().default([]),
    title: text('title'),
    summary: text('summary'),
    severity: text('severity').notNull().default('unknown'),
    cvss_score: real('cvss_score'),
    known_exploited: integer('known_exploited', { mode: 'boolean' }).notNull().default(false),
    ransomware_use: text('ransomware_use'),
    vendor: text('vendor'),
    product: text('product'),
    affected: text('affected', { mode: 'json' }).$type<unknown[]>().notNull().default([]),
    required_action: text('required_action'),
    date_added: text('date_added'),
    due_date: text('due_date'),
    published: text('published'),
    modified: text('modified'),
    references: text('references', { mode: 'json' }).$type<string[]>().notNull().default([]),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('vulnerabilities_vuln_id_uq').on(t.vuln_id),
    index('vulnerabilities_product_idx').on(t.vendor, t.product),
  ],
);

/** Where the catalogue comes from: a URL fetched on a schedule, or uploads for air-gapped sites. */
export const vulnerabilityFeeds = sqliteTable(
  'vulnerability_feeds',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** kev, osv */
    format: text('format').notNull(),
    url: text('url'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    last_run_at: text('last_run_at'),
    last_status: text('last_status'),
    last_error: text('last_error'),
    last_count: integer('last_count'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('vulnerability_feeds_name_uq').on(t.name)],
);

/**
 * A matched vulnerability on one inventory item (`asset_kind`: server, vm, network_device, storage_system) and one
 * of its components (os, firmware, bios, …). Rows are kept across rescans so first_seen and a resolution survive;
 * a rescan that no longer matches marks the row fixed.
 */
export const vulnerabilityFindings = sqliteTable(
  'vulnerability_findings',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    vulnerability_id: integer('vulnerability_id')
      .notNull()
      .references(() => vulnerabilities.id, { onDelete: 'cascade' }),
    asset_kind: text('asset_kind').notNull(),
    asset_id: integer('asset_id').notNull(),
    component: text('component').notNull(),
    installed_version: text('installed_version'),
    fixed_version: text('fixed_version'),
    severity: text('severity').notNull(),
    due_date: text('due_date'),
    /** open, accepted, fixed */
    status: text('status').notNull().default('open'),
    first_seen: text('first_seen').notNull(),
    last_seen: text('last_seen').notNull(),
    resolved_at: text('resolved_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('vulnerability_findings_uq').on(t.vulnerability_id, t.asset_kind, t.asset_id, t.component),
    index('vulnerability_findings_asset_idx').on(t.asset_kind, t.asset_id),
    index('vulnerability_findings_status_idx').on(t.status, t.due_date),
  ],
);
