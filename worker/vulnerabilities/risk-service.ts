import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { andVisible } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';
import { findingScope } from './access';
import { assetDatacenterSql, assetRackSql } from './asset-sql';
import { aggregateRisk, type RiskBucket } from './risk';

export const RISK_METHOD =
  'Sum over open findings of a severity weight (critical 10, high 5, medium 2, low 1, unknown 1), ×2 when known ' +
  'exploited (CISA KEV), ×1.5 more when past its KEV due date; a rack sums its devices (a VM counts in its ' +
  "host's rack), a datacenter its racks.";

/** Risk per datacenter and rack from the open findings the caller may see. */
export async function riskReport(ctx: ServiceContext) {
  const today = new Date().toISOString().slice(0, 10);
  const rows = await ctx.db.all<{
    severity: string;
    status: string;
    known_exploited: number;
    due_date: string | null;
    rack_id: number | null;
    datacenter_id: number | null;
  }>(
    sql`SELECT f.severity, f.status, v.known_exploited, f.due_date, ${sql.raw(assetRackSql('f'))} AS rack_id,
               ${sql.raw(assetDatacenterSql('f'))} AS datacenter_id
        FROM vulnerability_findings f JOIN vulnerabilities v ON v.id = f.vulnerability_id
        WHERE f.status = 'open' AND ${findingScope(ctx, 'f')}`,
  );
  const agg = aggregateRisk(
    rows.map((r) => ({ ...r, known_exploited: !!r.known_exploited })),
    today,
  );
  const rackIds = [...agg.racks.keys()];
  const racks = rackIds.length
    ? await ctx.db.all<{ id: number; name: string; datacenter_id: number; datacenter_name: string }>(
        sql`SELECT r.id, r.name, r.datacenter_id, d.name AS datacenter_name FROM racks r JOIN datacenters d ON d.id = r.datacenter_id
            WHERE r.id IN (SELECT value FROM json_each(${JSON.stringify(rackIds)}))${andVisible(ctx, rackEntity, 'r')}`,
      )
    : [];
  const dcIds = [...agg.datacenters.keys()];
  const dcs = dcIds.length
    ? await ctx.db.all<{ id: number; name: string }>(
        sql`SELECT id, name FROM datacenters WHERE id IN (SELECT value FROM json_each(${JSON.stringify(dcIds)}))`,
      )
    : [];
  const byScore = (a: RiskBucket, b: RiskBucket) => b.score - a.score;
  return {
    generated_at: new Date().toISOString(),
    method: RISK_METHOD,
    total: agg.total,
    datacenters: dcs.map((d) => ({ ...d, ...agg.datacenters.get(d.id)! })).sort(byScore),
    racks: racks.map((r) => ({ ...r, ...agg.racks.get(r.id)! })).sort(byScore),
  };
}
