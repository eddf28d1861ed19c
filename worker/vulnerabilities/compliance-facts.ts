import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { findingScope } from './access';
import { assetNameSql } from './asset-sql';

/** Open findings of known-exploited vulnerabilities on assets the caller may see: the compliance check's input. */
export async function openKevFindings(ctx: ServiceContext) {
  return ctx.db.all<{
    id: number;
    vuln_id: string;
    asset_kind: string;
    asset_id: number;
    asset_name: string;
    installed_version: string | null;
    due_date: string | null;
  }>(
    sql`SELECT f.id, v.vuln_id, f.asset_kind, f.asset_id, coalesce(${sql.raw(assetNameSql('f'))}, '') AS asset_name,
               f.installed_version, f.due_date
        FROM vulnerability_findings f JOIN vulnerabilities v ON v.id = f.vulnerability_id
        WHERE f.status = 'open' AND v.known_exploited = 1 AND ${findingScope(ctx, 'f')}
        ORDER BY f.due_date, f.id LIMIT 1000`,
  );
}
