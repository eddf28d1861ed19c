import { and, eq, ne, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch } from '../platform/db/client';
import { getRow, toOutput, type ResourceDef, type Row } from '../platform/http/resource';
import { conflict } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { auditEvent, toStatement } from '../platform/audit/trail';
import { alertEntity } from './access';
import { alertEvents, alerts } from './tables';
import { ALERT_STATUSES, Alert, SEVERITIES } from './schemas/alert-rule';
import { alertsChanged } from '../../durable-objects/alert-hub-client';

const nowIso = () => new Date().toISOString();

export const alertsResource: ResourceDef = {
  path: '/alerts',
  entity: 'alert',
  label: 'Alert',
  tag: 'Alerting',
  table: alerts,
  schemas: { output: Alert },
  // GET /alerts/{id} is routes.ts's own: the alert with its history
  ops: ['list'],
  filters: {
    resolved: {
      type: 'bool',
      description: 'false: open alerts (firing or acknowledged); true: resolved ones.',
      where: ([v]) => (v ? eq(alerts.status, 'resolved') : ne(alerts.status, 'resolved')),
    },
    status: { type: 'string', values: ALERT_STATUSES },
    severity: { type: 'string', values: SEVERITIES },
    datacenter_id: { type: 'int' },
    rack_id: { type: 'int' },
    server_id: { type: 'int' },
    rule_id: { type: 'int' },
    source: { type: 'string', values: ['rule', 'alertmanager'] },
  },
  sortable: ['id', 'started_at', 'last_seen_at', 'severity', 'status', 'count', 'resolved_at'],
  defaultSort: '-started_at',
  searchable: ['message', 'metric'],
  scope: (ctx) => visibleWhere(ctx, alertEntity),
  computed: () => ({
    resolved: sql<boolean>`(alerts.status = 'resolved')`,
    acknowledged: sql<boolean>`(alerts.acknowledged_at IS NOT NULL)`,
  }),
  present: (row) => ('resolved' in row ? alertOut(row) : row),
  access: { read: 'alerts:read', write: 'alerts:respond' },
  description:
    'Alerts raised by the rules (one open alert per fingerprint: rule + device + labels, with first/last seen ' +
    'and a count), newest first. `resolved=false` lists the open ones.',
};

/** SQLite answers booleans as 0/1: the API says true/false. */
export function alertOut(row: Row): Row {
  return { ...row, resolved: !!row.resolved, acknowledged: !!row.acknowledged };
}

export async function alertDetail(ctx: ServiceContext, id: number): Promise<Row> {
  const row = await getRow(ctx, alertsResource, id, true);
  const events = await ctx.db
    .select({
      id: alertEvents.id,
      ts: alertEvents.ts,
      type: alertEvents.type,
      actor: alertEvents.actor,
      value: alertEvents.value,
      note: alertEvents.note,
    })
    .from(alertEvents)
    .where(eq(alertEvents.alert_id, id))
    .orderBy(alertEvents.id)
    .all();
  return { ...toOutput(alertsResource, row), events };
}

/**
 * Acknowledge (someone is on it: escalation stops) or resolve (by hand, with a note) an alert the caller can
 * see. Both are audited and recorded in the alert's history, in one batch.
 */
export async function respondToAlert(
  ctx: ServiceContext,
  id: number,
  action: 'acknowledge' | 'resolve',
  note: string | null | undefined,
): Promise<Row> {
  const before = await getRow(ctx, alertsResource, id);
  if (before.status === 'resolved') {
    throw conflict(`Alert ${id} is already resolved (${before.resolved_at}).`, [
      { field: 'status', message: 'is resolved' },
    ]);
  }
  if (action === 'acknowledge' && before.status === 'acknowledged') return alertDetail(ctx, id);
  const ts = nowIso();
  const who = ctx.actor?.username ?? 'system';
  const set =
    action === 'acknowledge'
      ? { status: 'acknowledged', acknowledged_at: ts, acknowledged_by: who, updated_at: ts }
      : {
          status: 'resolved',
          resolved_at: ts,
          resolved_by: who,
          resolution_note: note ?? null,
          updated_at: ts,
        };
  await runBatch(ctx.db, [
    // the status guard makes a concurrent resolve lose cleanly instead of rewriting a resolved alert
    ctx.db
      .update(alerts)
      .set(set)
      .where(and(eq(alerts.id, id), ne(alerts.status, 'resolved'))),
    ctx.db.insert(alertEvents).values({
      alert_id: id,
      ts,
      type: action === 'acknowledge' ? 'acknowledged' : 'resolved',
      actor: who,
      note: note ?? null,
    }),
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: action === 'acknowledge' ? 'alert_acknowledged' : 'alert_resolved',
        entityType: 'alert',
        entityId: id,
        entityName: String(before.message).slice(0, 120),
        details: note ? { note } : undefined,
      }),
    ),
  ]);
  await alertsChanged(ctx.env);
  return alertDetail(ctx, id);
}
