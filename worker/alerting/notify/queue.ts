// The notification queue in D1: alerts join open groups, groups close into deliveries, deliveries are attempted
// with retries. Raw statements: the alert hub (a Durable Object) and the escalation cron run them, in batches.
import { onCallAt, type Schedule } from './oncall';
import type { Policy } from './routing';
import { MAX_ATTEMPTS, retryDelayMs, type Outcome } from './deliver';

const iso = (ms: number) => new Date(ms).toISOString();

export interface GroupMember {
  group_key: string;
  kind: 'firing' | 'resolved';
  policy_id: number;
  level: number;
  alert_id: number;
  datacenter_id: number | null;
  rack_id: number | null;
}

/** Add an alert to the open group of its key, or open the group (sent at `sendAfter` with whoever joined by then). */
export function joinGroup(db: D1Database, m: GroupMember, now: number, sendAfter: number): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE notifications SET alert_ids = json_insert(alert_ids, '$[#]', ?1)
          WHERE group_key = ?2 AND status = 'grouping'
            AND NOT EXISTS (SELECT 1 FROM json_each(notifications.alert_ids) WHERE value = ?1)`,
      )
      .bind(m.alert_id, m.group_key),
    db
      .prepare(
        `INSERT INTO notifications (group_key, kind, policy_id, level, status, alert_ids, datacenter_id, rack_id, created_at, send_after)
         SELECT ?1, ?2, ?3, ?4, 'grouping', json_array(?5), ?6, ?7, ?8, ?9
          WHERE NOT EXISTS (SELECT 1 FROM notifications WHERE group_key = ?1 AND status = 'grouping')`,
      )
      .bind(
        m.group_key,
        m.kind,
        m.policy_id,
        m.level,
        m.alert_id,
        m.datacenter_id,
        m.rack_id,
        iso(now),
        iso(sendAfter),
      ),
  ];
}

export interface ClosingGroup {
  id: number;
  kind: 'firing' | 'resolved';
  policy_id: number | null;
  level: number;
}

export interface ChannelRow {
  id: number;
  kind: string;
  enabled: boolean | number;
  send_resolved: boolean | number;
}

/**
 * The deliveries a closing group gets: each enabled channel of its level (a resolution: of every level that was
 * told, where the channel wants resolutions), and an email to whoever is on call for each schedule of the level.
 */
export function deliveriesFor(
  g: ClosingGroup,
  policy: Pick<Policy, 'levels'> | undefined,
  channels: Map<number, ChannelRow>,
  schedules: Map<number, Schedule & { id: number }>,
  now: number,
): { channel_id: number | null; schedule_id: number | null; recipient: string | null }[] {
  if (!policy) return [];
  const levels = g.kind === 'resolved' ? policy.levels.slice(0, g.level) : [policy.levels[g.level - 1]].filter(Boolean);
  const out = new Map<string, { channel_id: number | null; schedule_id: number | null; recipient: string | null }>();
  for (const l of levels) {
    for (const id of l!.channel_ids) {
      const c = channels.get(id);
      if (!c || !c.enabled || (g.kind === 'resolved' && !c.send_resolved)) continue;
      out.set(`c${id}`, { channel_id: id, schedule_id: null, recipient: null });
    }
    if (g.kind === 'resolved') continue; // the on-call person learns of the resolution in the product
    for (const id of l!.schedule_ids) {
      const s = schedules.get(id);
      const who = s ? onCallAt(s, now) : null;
      if (who) out.set(`s${id}`, { channel_id: null, schedule_id: id, recipient: who.email });
    }
  }
  return [...out.values()];
}

/** Close a group: its deliveries, due at once, and the group marked sending (sent at once when it has none). */
export function closeGroup(
  db: D1Database,
  g: ClosingGroup,
  deliveries: ReturnType<typeof deliveriesFor>,
  now: number,
): D1PreparedStatement[] {
  return [
    db
      .prepare(`UPDATE notifications SET status = ?, sent_at = ? WHERE id = ? AND status = 'grouping'`)
      .bind(deliveries.length ? 'sending' : 'sent', deliveries.length ? null : iso(now), g.id),
    ...deliveries.map((d) =>
      db
        .prepare(
          `INSERT INTO notification_deliveries (notification_id, channel_id, schedule_id, recipient, status, next_attempt_at, created_at)
           VALUES (?, ?, ?, ?, 'pending', ?, ?)`,
        )
        .bind(g.id, d.channel_id, d.schedule_id, d.recipient, iso(now), iso(now)),
    ),
  ];
}

/** Record an attempt: delivered, failed for good (4xx, or out of attempts), or retried later with backoff. */
export function recordAttempt(
  db: D1Database,
  d: { id: number; attempts: number; notification_id: number },
  o: Outcome,
  now: number,
): D1PreparedStatement[] {
  const attempts = d.attempts + 1;
  const status = o.ok ? 'delivered' : o.retry && attempts < MAX_ATTEMPTS ? 'retrying' : 'failed';
  const next = status === 'retrying' ? iso(now + retryDelayMs(attempts)) : null;
  return [
    db
      .prepare(
        `INSERT INTO delivery_attempts (delivery_id, ts, ok, status_code, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .bind(d.id, iso(now), o.ok ? 1 : 0, o.status_code, o.error, o.duration_ms),
    db
      .prepare(
        `UPDATE notification_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_status_code = ?,
           last_error = ?, delivered_at = ? WHERE id = ?`,
      )
      .bind(status, attempts, next, o.status_code, o.error, o.ok ? iso(now) : null, d.id),
    // the notification is sent once none of its deliveries is still waiting
    db
      .prepare(
        `UPDATE notifications SET status = 'sent', sent_at = ? WHERE id = ? AND status = 'sending'
           AND NOT EXISTS (SELECT 1 FROM notification_deliveries WHERE notification_id = ? AND status IN ('pending', 'retrying'))`,
      )
      .bind(iso(now), d.notification_id, d.notification_id),
  ];
}

/** When the hub must look again: the earliest group to close or delivery to attempt (null: nothing waits). */
export async function nextDueAt(db: D1Database): Promise<number | null> {
  const row = await db
    .prepare(
      `SELECT min(t) AS t FROM (
         SELECT min(send_after) AS t FROM notifications WHERE status = 'grouping'
         UNION ALL
         SELECT min(next_attempt_at) FROM notification_deliveries WHERE status IN ('pending', 'retrying'))`,
    )
    .first<{ t: string | null }>();
  return row?.t ? Date.parse(row.t) : null;
}
