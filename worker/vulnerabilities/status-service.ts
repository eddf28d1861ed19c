import { eq, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch, type Statement } from '../platform/db/client';
import { auditEvent, toStatement } from '../platform/audit/trail';
import { conflict } from '../platform/http/problem';
import { getRow, toOutput } from '../platform/http/resource';
import { vulnerabilityFindings } from './tables';
import { findingsResource } from './findings';

/**
 * Accept a finding's risk or reopen it. The reason is kept in the audit entry of the change (the findings table
 * has no column for it). A fixed finding is the scanner's to reopen: refused.
 */
export async function setFindingStatus(
  ctx: ServiceContext,
  id: number,
  body: { status: 'open' | 'accepted'; reason?: string },
) {
  const before = await getRow(ctx, findingsResource, id, true);
  if (before.status === 'fixed') {
    throw conflict('A fixed finding cannot be reopened or accepted; a rescan reopens it if it matches again.', [
      { field: 'status', message: 'the finding is fixed' },
    ]);
  }
  if (before.status !== body.status) {
    await runBatch(ctx.db, [
      ctx.db
        .update(vulnerabilityFindings)
        .set({ status: body.status, updated_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` })
        .where(eq(vulnerabilityFindings.id, id)) as unknown as Statement,
      toStatement(
        ctx,
        auditEvent(ctx, {
          action: body.status === 'accepted' ? 'accept_risk' : 'reopen',
          entityType: 'vulnerability_finding',
          entityId: id,
          entityName: `${before.vuln_id} on ${before.asset_name ?? `${before.asset_kind} ${before.asset_id}`}`,
          details: { from: before.status, to: body.status, reason: body.reason ?? null },
        }),
      ),
    ]);
  }
  return toOutput(findingsResource, await getRow(ctx, findingsResource, id, true));
}
