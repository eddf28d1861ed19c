import type { Env } from '../env';
import { createDb, toD1 } from '../platform/db/client';
import { auditEvent, toStatement } from '../platform/audit/trail';
import type { ServiceContext } from '../platform/context';
import { COVERS } from './maintenance';

interface Window {
  id: number;
  title: string;
  target_type: string;
  target_id: number;
  set_maintenance_status: number;
  switched: string | null;
}

const ACTIVE_WINDOW_COVERS = `EXISTS (SELECT 1 FROM maintenance_windows WHERE approval = 'approved'
  AND starts_at <= ?1 AND ends_at > ?1 AND ${COVERS})`;

/**
 * The minute cron's maintenance step at `now`: approved windows that began switch their target's active servers
 * to `maintenance` (when asked) and those that ended (or lost their approval) switch them back, the ones nobody
 * changed since; alerts left suppressed by a window that is over start firing, their escalation counted from then.
 * Each switch is audited as the platform's own action.
 */
export async function maintenanceTransitions(env: Env, now: number) {
  const db = env.DB;
  const at = new Date(now).toISOString();
  const ctx: ServiceContext = { db: createDb(db), env, actor: null, requestId: 'cron', clientIp: null, system: true };
  const audit = (action: string, w: Window, details: unknown) =>
    toD1(
      ctx.db,
      toStatement(
        ctx,
        auditEvent(ctx, {
          action,
          entityType: 'maintenance_window',
          entityId: w.id,
          entityName: w.title,
          actor: 'system',
          details,
        }),
      ),
    );

  const { results: starting } = await db
    .prepare(
      `SELECT * FROM maintenance_windows WHERE approval = 'approved' AND started_at IS NULL
         AND starts_at <= ?1 AND ends_at > ?1 ORDER BY id`,
    )
    .bind(at)
    .all<Window>();
  for (const w of starting) {
    const servers = w.set_maintenance_status
      ? (
          await db
            .prepare(
              `SELECT s.id, s.status FROM servers s JOIN racks r ON r.id = s.rack_id WHERE s.status = 'active'
                 AND CASE ?1 WHEN 'server' THEN s.id = ?2 WHEN 'rack' THEN s.rack_id = ?2 ELSE r.datacenter_id = ?2 END`,
            )
            .bind(w.target_type, w.target_id)
            .all<{ id: number; status: string }>()
        ).results
      : [];
    const switched = Object.fromEntries(servers.map((s) => [String(s.id), s.status]));
    await db.batch([
      db
        .prepare(
          `UPDATE servers SET status = 'maintenance', updated_at = ?1
            WHERE status = 'active' AND id IN (SELECT value FROM json_each(?2))`,
        )
        .bind(at, JSON.stringify(servers.map((s) => s.id))),
      db
        .prepare('UPDATE maintenance_windows SET started_at = ?, switched = ? WHERE id = ? AND started_at IS NULL')
        .bind(at, JSON.stringify(switched), w.id),
      audit('maintenance_started', w, { servers_to_maintenance: servers.map((s) => s.id) }),
    ]);
  }

  const { results: ending } = await db
    .prepare(
      `SELECT * FROM maintenance_windows WHERE started_at IS NOT NULL AND ended_at IS NULL
         AND (ends_at <= ?1 OR approval <> 'approved') ORDER BY id`,
    )
    .bind(at)
    .all<Window>();
  for (const w of ending) {
    const switched = Object.entries(JSON.parse(w.switched ?? '{}') as Record<string, string>);
    await db.batch([
      // only servers still in maintenance: someone who changed one during the window decided for it
      ...switched.map(([id, status]) =>
        db
          .prepare(`UPDATE servers SET status = ?, updated_at = ? WHERE id = ? AND status = 'maintenance'`)
          .bind(status, at, Number(id)),
      ),
      db.prepare('UPDATE maintenance_windows SET ended_at = ? WHERE id = ?').bind(at, w.id),
      audit('maintenance_ended', w, { servers_restored: switched.map(([id]) => Number(id)) }),
    ]);
  }

  const [, released] = await db.batch([
    db
      .prepare(
        `INSERT INTO alert_events (alert_id, ts, type, note)
         SELECT a.id, ?1, 'maintenance_ended', 'no maintenance window covers it any more'
           FROM alerts a WHERE a.status = 'suppressed' AND NOT ${ACTIVE_WINDOW_COVERS}`,
      )
      .bind(at),
    db
      .prepare(
        `UPDATE alerts AS a SET status = 'firing', notify_from = ?1, updated_at = ?1
          WHERE a.status = 'suppressed' AND NOT ${ACTIVE_WINDOW_COVERS}`,
      )
      .bind(at),
  ]);
  return { started: starting.length, ended: ending.length, released: released!.meta.changes };
}
