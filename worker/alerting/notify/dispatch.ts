// The alert hub's notification work (durable-objects/alert-hub.ts runs these in order): route new alert changes
// into notification groups, close the groups whose wait is over into deliveries, attempt the deliveries due.
import type { Env } from '../../env';
import { openText } from '../../platform/identity/totp-crypto';
import { mapLimit } from '../../../util/map-limit';
import type { AlertChange } from '../feed';
import { deliver, type ChannelTarget } from './deliver';
import type { NotificationView, NotifiedAlert } from './payloads';
import { closeGroup, deliveriesFor, joinGroup, recordAttempt, type ChannelRow, type ClosingGroup } from './queue';
import { groupKeyOf, levelsDue, policyFor, type Policy } from './routing';
import type { Schedule } from './oncall';

export const CHANNEL_SECRET_CONTEXT = 'notification_channels';

export interface Routing {
  policies: Policy[];
  channels: Map<number, ChannelRow & { name: string }>;
  schedules: Map<number, Schedule & { id: number }>;
}

const json = <T>(v: unknown, fallback: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : ((v as T) ?? fallback));

/** Policies, channels and schedules as routing needs them (one batch). */
export async function loadRouting(db: D1Database): Promise<Routing> {
  const [p, c, s] = await db.batch([
    // all of them: routing skips the disabled ones, a group closes by its policy whatever happened to it since
    db.prepare('SELECT * FROM escalation_policies'),
    db.prepare('SELECT id, name, kind, enabled, send_resolved FROM notification_channels'),
    db.prepare('SELECT * FROM oncall_schedules'),
  ]);
  return {
    policies: (p!.results as Record<string, any>[]).map((r) => ({
      ...r,
      enabled: !!r.enabled,
      severities: json<string[]>(r.severities, []),
      levels: json<Policy['levels']>(r.levels, []),
    })) as Policy[],
    channels: new Map((c!.results as any[]).map((r) => [r.id, r])),
    schedules: new Map(
      (s!.results as Record<string, any>[]).map((r) => [
        r.id,
        { ...r, participants: json(r.participants, []), overrides: json(r.overrides, []) } as unknown as Schedule & {
          id: number;
        },
      ]),
    ),
  };
}

/**
 * What the alert changes mean for notifications: a fired alert (not acknowledged by its rule, not suppressed) is
 * routed to a policy and joins the group of each level due at once; a resolved alert that someone was told of
 * joins a resolution group. Escalation beyond that is the cron's (escalation.ts).
 */
export function dispatchStatements(db: D1Database, changes: AlertChange[], routing: Routing, now: number) {
  const out: D1PreparedStatement[] = [];
  for (const c of changes) {
    const a = c.alert as Record<string, any>;
    out.push(...incidentStatements(db, c, now));
    // fired, or released by the end of the maintenance window that suppressed it (its delays count from then)
    if ((c.event === 'fired' || c.event === 'maintenance_ended') && a.status === 'firing') {
      const policy = policyFor(routing.policies, a as any);
      if (!policy) continue;
      const due = levelsDue(policy, Date.parse(a.notify_from ?? a.started_at), 0, now);
      for (const level of due) {
        const m = {
          group_key: groupKeyOf(policy, a as any, 'firing', level),
          kind: 'firing' as const,
          policy_id: policy.id,
          level,
          alert_id: a.id,
          datacenter_id: a.datacenter_id,
          rack_id: a.rack_id,
        };
        out.push(...joinGroup(db, m, now, now + (level === 1 ? policy.group_wait_s * 1000 : 0)));
      }
      out.push(
        db
          .prepare('UPDATE alerts SET policy_id = ?, escalation_level = max(escalation_level, ?) WHERE id = ?')
          .bind(policy.id, due.length ? Math.max(...due) : 0, a.id),
      );
    } else if ((c.event === 'resolved' || c.event === 'auto_resolved') && a.policy_id && a.escalation_level > 0) {
      // those who were told hear of the end, even if the policy was disabled since
      const policy = routing.policies.find((p) => p.id === a.policy_id);
      if (!policy) continue;
      const m = {
        group_key: groupKeyOf(policy, a as any, 'resolved', a.escalation_level),
        kind: 'resolved' as const,
        policy_id: policy.id,
        level: a.escalation_level,
        alert_id: a.id,
        datacenter_id: a.datacenter_id,
        rack_id: a.rack_id,
      };
      out.push(...joinGroup(db, m, now, now + policy.group_wait_s * 1000));
    }
  }
  return out;
}

/**
 * Incidents from alert changes: a critical alert that fires opens the incident of its rack (else its datacenter)
 * or joins the one open there; the first acknowledgment of one of its alerts is the incident's first response.
 */
function incidentStatements(db: D1Database, c: AlertChange, now: number): D1PreparedStatement[] {
  const a = c.alert as Record<string, any>;
  const at = new Date(now).toISOString();
  if (c.event === 'fired' && a.status === 'firing' && a.severity === 'critical' && !a.incident_id) {
    const key = a.rack_id ? `rack:${a.rack_id}` : a.datacenter_id ? `datacenter:${a.datacenter_id}` : 'site';
    const open = `SELECT id FROM incidents WHERE group_key = ?1 AND status <> 'resolved'`;
    return [
      db
        .prepare(
          `INSERT INTO incidents (title, severity, status, source, group_key, datacenter_id, rack_id, opened_at, created_at, updated_at)
           VALUES (?2, 'critical', 'open', 'auto', ?1, ?3, ?4, ?5, ?5, ?5)
           ON CONFLICT (group_key) WHERE status <> 'resolved' AND group_key IS NOT NULL DO NOTHING`,
        )
        .bind(key, String(a.message).slice(0, 200), a.datacenter_id, a.rack_id, a.started_at ?? at),
      db
        .prepare(
          `INSERT INTO incident_events (incident_id, ts, type, actor, note)
           SELECT id, ?2, 'opened', 'rule', 'opened by a critical alert' FROM incidents
            WHERE group_key = ?1 AND status <> 'resolved'
              AND NOT EXISTS (SELECT 1 FROM incident_events e WHERE e.incident_id = incidents.id AND e.type = 'opened')`,
        )
        .bind(key, a.started_at ?? at),
      db.prepare(`UPDATE alerts SET incident_id = (${open}) WHERE id = ?2 AND incident_id IS NULL`).bind(key, a.id),
    ];
  }
  if ((c.event === 'acknowledged' || c.event === 'auto_acknowledged') && a.incident_id) {
    return [
      db
        .prepare('UPDATE incidents SET acknowledged_at = coalesce(acknowledged_at, ?), updated_at = ? WHERE id = ?')
        .bind(c.event_ts, at, a.incident_id),
    ];
  }
  return [];
}

/** Close every group whose wait is over into its deliveries. Returns how many closed. */
export async function closeDueGroups(db: D1Database, now: number): Promise<number> {
  const { results } = await db
    .prepare(
      `SELECT id, kind, policy_id, level FROM notifications WHERE status = 'grouping' AND send_after <= ? ORDER BY id LIMIT 100`,
    )
    .bind(new Date(now).toISOString())
    .all<ClosingGroup>();
  if (!results.length) return 0;
  const routing = await loadRouting(db);
  const policies = new Map(routing.policies.map((p) => [p.id, p]));
  const statements = results.flatMap((g) =>
    closeGroup(db, g, deliveriesFor(g, policies.get(g.policy_id ?? -1), routing.channels, routing.schedules, now), now),
  );
  await db.batch(statements);
  return results.length;
}

/** The notification as the payload builders take it: its alerts with the names of their device, rack, datacenter. */
export async function notificationView(
  env: Pick<Env, 'DB' | 'PUBLIC_URL' | 'RP_ORIGIN'>,
  id: number,
): Promise<NotificationView | null> {
  const db = env.DB;
  const [n, alerts] = await db.batch([
    db
      .prepare(
        `SELECT n.id, n.kind, n.group_key, n.level, p.name AS policy FROM notifications n
           LEFT JOIN escalation_policies p ON p.id = n.policy_id WHERE n.id = ?`,
      )
      .bind(id),
    db
      .prepare(
        `SELECT a.id, a.fingerprint, a.status, a.severity, a.message, a.metric, a.value, a.threshold, a.labels,
                a.started_at, a.resolved_at, a.datacenter_id, a.rack_id, a.server_id,
                coalesce(s.name, r.name) AS device, r.name AS rack, d.name AS datacenter
           FROM alerts a LEFT JOIN servers s ON s.id = a.server_id LEFT JOIN racks r ON r.id = a.rack_id
           LEFT JOIN datacenters d ON d.id = a.datacenter_id
          WHERE a.id IN (SELECT value FROM json_each((SELECT alert_ids FROM notifications WHERE id = ?)))
          ORDER BY a.id`,
      )
      .bind(id),
  ]);
  const head = n!.results[0] as Record<string, any> | undefined;
  if (!head) return null;
  return {
    ...(head as Pick<NotificationView, 'id' | 'kind' | 'group_key' | 'level' | 'policy'>),
    origin: publicOrigin(env),
    alerts: (alerts!.results as Record<string, any>[]).map(
      (a) => ({ ...a, labels: json(a.labels, {}) }) as NotifiedAlert,
    ),
  };
}

export const publicOrigin = (env: Pick<Env, 'PUBLIC_URL' | 'RP_ORIGIN'>) =>
  (env.PUBLIC_URL ?? env.RP_ORIGIN ?? 'http://localhost:8787').split(',')[0]!.trim().replace(/\/$/, '');

/** The channel as deliver() takes it, its signing secret opened. */
export async function channelTarget(env: Env, row: Record<string, any>): Promise<ChannelTarget> {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    url: row.url,
    email_to: row.email_to,
    secret: row.secret_enc ? await openText(env, CHANNEL_SECRET_CONTEXT, row.secret_enc, row.secret_key_id) : null,
  };
}

/** Attempt every delivery that is due (at most `limit`), recording each attempt. Returns how many were attempted. */
export async function sendDueDeliveries(env: Env, now: number, limit = 50): Promise<number> {
  const db = env.DB;
  const { results } = await db
    .prepare(
      `SELECT d.id, d.notification_id, d.attempts, d.recipient, d.schedule_id, c.id AS channel_id, c.name, c.kind,
              c.url, c.email_to, c.secret_enc, c.secret_key_id, o.name AS schedule_name
         FROM notification_deliveries d
         LEFT JOIN notification_channels c ON c.id = d.channel_id
         LEFT JOIN oncall_schedules o ON o.id = d.schedule_id
        WHERE d.status IN ('pending', 'retrying') AND d.next_attempt_at <= ?
        ORDER BY d.next_attempt_at LIMIT ?`,
    )
    .bind(new Date(now).toISOString(), limit)
    .all<Record<string, any>>();
  const views = new Map<number, NotificationView | null>();
  await mapLimit(results, 8, async (d) => {
    if (!views.has(d.notification_id)) views.set(d.notification_id, await notificationView(env, d.notification_id));
    const view = views.get(d.notification_id);
    const target: ChannelTarget | null = d.schedule_id
      ? { id: 0, name: d.schedule_name ?? 'on call', kind: 'email', url: null, email_to: null, secret: null }
      : d.channel_id
        ? await channelTarget(env, { ...d, id: d.channel_id })
        : null;
    const outcome =
      view && target
        ? await deliver(env, target, view, d.recipient)
        : {
            ok: false,
            retry: false,
            status_code: null,
            error: 'the channel or notification no longer exists',
            duration_ms: 0,
          };
    await db.batch(recordAttempt(db, d as any, outcome, Date.now()));
  });
  return results.length;
}
