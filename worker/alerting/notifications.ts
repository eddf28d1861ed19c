import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { getRow, toOutput, type ResourceDef, type Row } from '../platform/http/resource';
import { notFound } from '../platform/http/problem';
import { notifications } from './tables';
import { NOTIFICATION_STATUSES, Notification } from './schemas/notifications';
import { channelTarget, notificationView } from './notify/dispatch';
import { deliver } from './notify/deliver';
import { recordAttempt } from './notify/queue';
import { channelsResource } from './channels';

const json = <T>(v: unknown, fallback: T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : ((v as T) ?? fallback));

export const notificationsResource: ResourceDef = {
  path: '/notifications',
  entity: 'notification',
  label: 'Notification',
  tag: 'Alerting',
  table: notifications,
  schemas: { output: Notification },
  ops: ['list'],
  filters: {
    status: { type: 'string', values: NOTIFICATION_STATUSES },
    kind: { type: 'string', values: ['firing', 'resolved', 'test'] },
    policy_id: { type: 'int' },
    rack_id: { type: 'int' },
    datacenter_id: { type: 'int' },
  },
  sortable: ['id', 'created_at', 'sent_at', 'level'],
  defaultSort: '-id',
  searchable: ['group_key'],
  computed: () => ({ alert_count: sql<number>`json_array_length(notifications.alert_ids)` }),
  present: (row) => ({ ...row, alert_ids: json(row.alert_ids, []) }),
  access: { read: 'alerts:read', write: 'alerts:configure' },
  description:
    'What was sent: one notification per group of alerts that fired together (or an escalation level, a ' +
    'resolution, a test), newest first, with its deliveries in GET /notifications/{id}.',
};

/** A notification with each delivery and every attempt at it. */
export async function notificationDetail(ctx: ServiceContext, id: number): Promise<Row> {
  const n = toOutput(notificationsResource, await getRow(ctx, notificationsResource, id, true));
  const db = ctx.env.DB;
  const [deliveries, attempts] = await db.batch([
    db
      .prepare(
        `SELECT d.id, d.channel_id, coalesce(c.name, o.name) AS channel, d.schedule_id, d.recipient, d.status, d.attempts,
                d.next_attempt_at, d.last_status_code, d.last_error, d.delivered_at
           FROM notification_deliveries d LEFT JOIN notification_channels c ON c.id = d.channel_id
           LEFT JOIN oncall_schedules o ON o.id = d.schedule_id
          WHERE d.notification_id = ? ORDER BY d.id`,
      )
      .bind(id),
    db
      .prepare(
        `SELECT a.id, a.delivery_id, a.ts, a.ok, a.status_code, a.error, a.duration_ms FROM delivery_attempts a
          WHERE a.delivery_id IN (SELECT id FROM notification_deliveries WHERE notification_id = ?) ORDER BY a.id`,
      )
      .bind(id),
  ]);
  const byDelivery = new Map<number, Row[]>();
  for (const a of attempts!.results as Row[]) {
    const { delivery_id, ...rest } = a;
    byDelivery.set(delivery_id, [...(byDelivery.get(delivery_id) ?? []), { ...rest, ok: !!rest.ok }]);
  }
  return {
    ...n,
    deliveries: (deliveries!.results as Row[]).map((d) => ({ ...d, attempts_log: byDelivery.get(d.id) ?? [] })),
  };
}

/**
 * "Send test": one test notification to the channel now, one attempt (no retry: the person pressing the button
 * wants the answer), recorded like any delivery.
 */
export async function sendTest(ctx: ServiceContext, channelId: number): Promise<Row> {
  await getRow(ctx, channelsResource, channelId);
  const db = ctx.env.DB;
  const channel = await db.prepare('SELECT * FROM notification_channels WHERE id = ?').bind(channelId).first<Row>();
  if (!channel) throw notFound('notification channel', channelId);
  const now = new Date().toISOString();
  const [, created] = await db.batch([
    db
      .prepare(
        `INSERT INTO notifications (group_key, kind, level, status, alert_ids, created_at, send_after) VALUES (?, 'test', 1, 'sending', '[]', ?, ?)`,
      )
      .bind(`test|channel:${channelId}|${crypto.randomUUID()}`, now, now),
    db
      .prepare(
        `INSERT INTO notification_deliveries (notification_id, channel_id, status, next_attempt_at, created_at)
         VALUES (last_insert_rowid(), ?, 'pending', NULL, ?) RETURNING id, notification_id`,
      )
      .bind(channelId, now),
  ]);
  const d = created!.results[0] as { id: number; notification_id: number };
  const view = (await notificationView(ctx.env, d.notification_id))!;
  view.alerts = [
    {
      id: 0,
      fingerprint: 'test',
      status: 'firing',
      severity: 'info',
      message: `Test notification from DC Platform to ${channel.name}, sent by ${ctx.actor?.username ?? 'system'}`,
      metric: null,
      value: null,
      threshold: null,
      labels: { test: 'true' },
      started_at: now,
      resolved_at: null,
      datacenter_id: null,
      rack_id: null,
      server_id: null,
      device: null,
      rack: null,
      datacenter: null,
    },
  ];
  const outcome = await deliver(ctx.env, await channelTarget(ctx.env, channel), view, null);
  await db.batch(recordAttempt(db, { ...d, attempts: 0 }, { ...outcome, retry: false }, Date.now()));
  return {
    ok: outcome.ok,
    status_code: outcome.status_code,
    error: outcome.error,
    duration_ms: outcome.duration_ms,
    notification_id: d.notification_id,
  };
}
