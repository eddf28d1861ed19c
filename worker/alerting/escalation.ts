import type { Env } from '../env';
import { alertsChanged } from '../../durable-objects/alert-hub-client';
import { loadRouting } from './notify/dispatch';
import { joinGroup } from './notify/queue';
import { groupKeyOf, levelsDue } from './notify/routing';

/**
 * The escalation step of the minute cron: every alert still firing (nobody acknowledged it, it is not suppressed)
 * whose policy has a level due by `now` (its delay since the alert started has passed) gets that level's
 * notification, sent by the hub at once. `now` is the scheduled time, so tests drive it through the controller.
 * Returns how many level notifications were queued.
 */
export async function advanceEscalations(env: Env, now: number): Promise<number> {
  const db = env.DB;
  const { results } = await db
    .prepare(
      `SELECT id, policy_id, escalation_level, coalesce(notify_from, started_at) AS started_at, datacenter_id, rack_id FROM alerts
        WHERE status = 'firing' AND policy_id IS NOT NULL`,
    )
    .all<{
      id: number;
      policy_id: number;
      escalation_level: number;
      started_at: string;
      datacenter_id: number | null;
      rack_id: number | null;
    }>();
  if (!results.length) return 0;
  const routing = await loadRouting(db);
  // which levels are due is the trigger's time; they go out as soon as they can (never "later than now")
  const sendAt = Math.min(now, Date.now());
  let queued = 0;
  for (const a of results) {
    // a disabled policy escalates no further
    const policy = routing.policies.find((p) => p.id === a.policy_id && p.enabled);
    if (!policy) continue;
    const due = levelsDue(policy, Date.parse(a.started_at), a.escalation_level, now);
    if (!due.length) continue;
    queued += due.length;
    await db.batch([
      db
        .prepare(`UPDATE alerts SET escalation_level = ? WHERE id = ? AND escalation_level = ? AND status = 'firing'`)
        .bind(Math.max(...due), a.id, a.escalation_level),
      ...due.flatMap((level) =>
        joinGroup(
          db,
          {
            group_key: groupKeyOf(policy, a, 'firing', level),
            kind: 'firing',
            policy_id: policy.id,
            level,
            alert_id: a.id,
            datacenter_id: a.datacenter_id,
            rack_id: a.rack_id,
          },
          sendAt,
          sendAt,
        ),
      ),
    ]);
  }
  if (queued) await alertsChanged(env);
  return queued;
}
