import { eq, inArray } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch, type Statement } from '../platform/db/client';
import { auditEvent, toStatement } from '../platform/audit/trail';
import { vulnerabilities } from './tables';
import { mergeEntry, type CatalogueEntry, type FeedFormat } from './feed-parse';
import type { OsvAffected } from './ranges';
import type { Severity } from './cvss';

type Stored = typeof vulnerabilities.$inferSelect;

const toEntry = (r: Stored): CatalogueEntry => ({
  vuln_id: r.vuln_id,
  aliases: r.aliases,
  sources: r.sources,
  title: r.title,
  summary: r.summary,
  severity: r.severity as Severity,
  cvss_score: r.cvss_score,
  known_exploited: r.known_exploited,
  ransomware_use: r.ransomware_use,
  vendor: r.vendor,
  product: r.product,
  affected: r.affected as OsvAffected[],
  required_action: r.required_action,
  date_added: r.date_added,
  due_date: r.due_date,
  published: r.published,
  modified: r.modified,
  references: r.references,
});

const chunk = <T>(xs: T[], n: number) =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

export interface ImportCounts {
  format: FeedFormat;
  received: number;
  added: number;
  updated: number;
  unchanged: number;
}

/**
 * Merge entries into the catalogue by CVE id (an OSV record aliasing a CVE already known from KEV completes that
 * row), in batches, with one audit entry for the import.
 */
export async function importEntries(
  ctx: ServiceContext,
  format: FeedFormat,
  entries: CatalogueEntry[],
  source: string,
): Promise<ImportCounts> {
  const existing = new Map<string, Stored>();
  for (const ids of chunk(
    entries.map((e) => e.vuln_id),
    90,
  )) {
    const rows = await ctx.db.select().from(vulnerabilities).where(inArray(vulnerabilities.vuln_id, ids)).all();
    for (const r of rows) existing.set(r.vuln_id, r);
  }
  const counts: ImportCounts = { format, received: entries.length, added: 0, updated: 0, unchanged: 0 };
  const statements: Statement[] = [];
  const now = new Date().toISOString();
  for (const e of entries) {
    const prev = existing.get(e.vuln_id);
    if (!prev) {
      counts.added++;
      statements.push(ctx.db.insert(vulnerabilities).values(e) as unknown as Statement);
      continue;
    }
    const before = toEntry(prev);
    const merged = mergeEntry(before, e);
    if (JSON.stringify(merged) === JSON.stringify(before)) {
      counts.unchanged++;
      continue;
    }
    counts.updated++;
    statements.push(
      ctx.db
        .update(vulnerabilities)
        .set({ ...merged, updated_at: now })
        .where(eq(vulnerabilities.id, prev.id)) as unknown as Statement,
    );
  }
  statements.push(
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'import',
        entityType: 'vulnerability_catalogue',
        entityName: source,
        details: counts,
      }),
    ),
  );
  for (const part of chunk(statements, 50)) await runBatch(ctx.db, part);
  return counts;
}
