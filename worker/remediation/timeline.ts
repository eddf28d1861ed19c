import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { toStatement } from '../platform/audit/trail';

/**
 * A line in the timeline of the incident the run's alert belongs to (none when it has no incident), written in the
 * same batch as the run's change so the two never disagree.
 */
export function timelineStatement(ctx: ServiceContext, alertId: number, note: string) {
  return toStatement(
    ctx,
    sql`INSERT INTO incident_events (incident_id, ts, type, actor, note, alert_id)
        SELECT a.incident_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'remediation', ${ctx.actor?.username ?? 'remediation'}, ${note}, a.id
        FROM alerts a WHERE a.id = ${alertId} AND a.incident_id IS NOT NULL`,
  );
}
