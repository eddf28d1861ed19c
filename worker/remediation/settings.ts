import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { auditEvent, toStatement } from '../platform/audit/trail';
import { runBatch, type Statement } from '../platform/db/client';

export async function getSettings(ctx: ServiceContext) {
  const row = await ctx.db.get<
    { kill_switch: number; changed_by: string | null; changed_at: string | null; note: string | null } | undefined
  >(sql`SELECT kill_switch, changed_by, changed_at, note FROM remediation_settings WHERE id = 1`);
  return {
    kill_switch: Boolean(row?.kill_switch),
    changed_by: row?.changed_by ?? null,
    changed_at: row?.changed_at ?? null,
    note: row?.note ?? null,
  };
}

/** The kill switch: on, no playbook acts and no approval starts anything (runs are still recorded, as skipped). */
export async function setKillSwitch(ctx: ServiceContext, on: boolean, note?: string) {
  const who = ctx.actor?.username ?? 'system';
  await runBatch(ctx.db, [
    ctx.db.run(sql`INSERT INTO remediation_settings (id, kill_switch, changed_by, changed_at, note)
      VALUES (1, ${on ? 1 : 0}, ${who}, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ${note ?? null})
      ON CONFLICT (id) DO UPDATE SET kill_switch = excluded.kill_switch, changed_by = excluded.changed_by,
        changed_at = excluded.changed_at, note = excluded.note`),
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: on ? 'remediation_kill_switch_on' : 'remediation_kill_switch_off',
        entityType: 'remediation_settings',
        entityId: 1,
        entityName: 'kill switch',
        details: { note: note ?? null },
      }),
    ),
  ] as Statement[]);
  return getSettings(ctx);
}
