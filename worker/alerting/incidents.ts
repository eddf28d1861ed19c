import { and, eq, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch } from '../platform/db/client';
import { getRow, toOutput, type ResourceDef, type Row } from '../platform/http/resource';
import { unprocessable } from '../platform/http/problem';
import { rawVisibleClause, visibleWhere } from '../platform/access/entities';
import { auditEvent, toStatement } from '../platform/audit/trail';
import { alertsResource } from './alerts';
import { incidentEntity } from './access';
import { incidentEvents, incidents } from './tables';
import { SEVERITIES } from './schemas/alert-rule';
import { INCIDENT_STATUSES, Incident, type IncidentCreate, type IncidentUpdate } from './schemas/incident';
import type * as v from 'valibot';

const I = 'incidents';

export const incidentsResource: ResourceDef = {
  path: '/incidents',
  entity: 'incident',
  label: 'Incident',
  tag: 'Alerting',
  table: incidents,
  schemas: { output: Incident },
  // read with its timeline, created and changed through this file (each change is a step in its timeline)
  ops: ['list'],
  filters: {
    status: { type: 'string', values: INCIDENT_STATUSES },
    severity: { type: 'string', values: SEVERITIES },
    open: {
      type: 'bool',
      description: 'true: not resolved; false: resolved',
      where: ([o]) => (o ? sql`${incidents.status} <> 'resolved'` : sql`${incidents.status} = 'resolved'`),
    },
    assignee: { type: 'string' },
    rack_id: { type: 'int' },
    datacenter_id: { type: 'int' },
    source: { type: 'string', values: ['auto', 'manual'] },
  },
  sortable: ['id', 'opened_at', 'severity', 'status', 'resolved_at', 'title'],
  defaultSort: '-opened_at',
  searchable: ['title', 'summary', 'assignee'],
  scope: (ctx) => visibleWhere(ctx, incidentEntity),
  computed: () => ({
    alert_count: sql.raw(`(SELECT count(*) FROM alerts WHERE alerts.incident_id = ${I}.id)`),
    open_alerts: sql.raw(
      `(SELECT count(*) FROM alerts WHERE alerts.incident_id = ${I}.id AND alerts.status <> 'resolved')`,
    ),
  }),
  access: { read: 'alerts:read', write: 'alerts:respond' },
  description:
    'Incidents: opened by a critical alert (joining the open incident of its rack, else its datacenter) or by ' +
    'hand; status open → investigating → identified → monitoring → resolved, an assignee, linked alerts, a ' +
    'timeline and a post-incident summary.',
};

const nowIso = () => new Date().toISOString();

/** An incident with its alerts and its timeline (its own steps merged with its alerts' histories). */
export async function incidentDetail(ctx: ServiceContext, id: number): Promise<Row> {
  const row = toOutput(incidentsResource, await getRow(ctx, incidentsResource, id, true));
  const db = ctx.env.DB;
  const [alerts, timeline] = await db.batch([
    db
      .prepare(
        'SELECT id, message, severity, status, server_id, started_at FROM alerts WHERE incident_id = ? ORDER BY started_at, id',
      )
      .bind(id),
    db
      .prepare(
        `SELECT ts, type, actor, note, alert_id, NULL AS alert_message, 0 AS src, id FROM incident_events WHERE incident_id = ?1
         UNION ALL
         SELECT e.ts, 'alert_' || e.type, e.actor, e.note, e.alert_id, a.message, 1, e.id
           FROM alert_events e JOIN alerts a ON a.id = e.alert_id WHERE a.incident_id = ?1 AND e.type <> 'refired'
         ORDER BY ts, src, id`,
      )
      .bind(id),
  ]);
  return {
    ...row,
    alerts: alerts!.results,
    timeline: (timeline!.results as Row[]).map(({ src: _s, id: _i, ...t }) => t),
  };
}

/** Open an incident by hand, optionally linking open alerts the caller can see. */
export async function createIncident(ctx: ServiceContext, body: v.InferOutput<typeof IncidentCreate>): Promise<Row> {
  const ts = nowIso();
  const who = ctx.actor?.username ?? 'system';
  const alertIds = body.alert_ids ?? [];
  if (alertIds.length) {
    const visible = await ctx.db
      .select({ id: sql<number>`alerts.id` })
      .from(alertsResource.table)
      .where(
        and(sql`alerts.id IN (SELECT value FROM json_each(${JSON.stringify(alertIds)}))`, alertsResource.scope?.(ctx)),
      )
      .all();
    const seen = new Set(visible.map((r) => r.id));
    const missing = alertIds.map((a, i) => ({ a, i })).filter(({ a }) => !seen.has(a));
    if (missing.length)
      throw unprocessable(
        missing.map(({ a, i }) => ({ field: `alert_ids[${i}]`, message: `alert ${a} does not exist` })),
      );
  }
  const [created] = await runBatch(ctx.db, [
    ctx.db
      .insert(incidents)
      .values({
        title: body.title,
        severity: body.severity,
        assignee: body.assignee ?? null,
        source: 'manual',
        rack_id: body.rack_id ?? null,
        datacenter_id: body.datacenter_id ?? null,
        opened_at: ts,
      })
      .returning({ id: incidents.id }),
    ctx.db
      .insert(incidentEvents)
      // the incident inserted just before, in the same batch
      .values({
        incident_id: sql`last_insert_rowid()` as never,
        type: 'opened',
        actor: who,
        note: body.note ?? null,
        ts,
      }),
    ctx.db.run(
      sql`UPDATE alerts SET incident_id = (SELECT max(id) FROM incidents) WHERE id IN (SELECT value FROM json_each(${JSON.stringify(alertIds)}))`,
    ),
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'incident_opened',
        entityType: 'incident',
        entityName: body.title,
        details: { alert_ids: alertIds },
      }),
    ),
  ]);
  return incidentDetail(ctx, (created as { id: number }[])[0]!.id);
}

/**
 * Change an incident: each changed field is a step in its timeline (status, severity, assignee, summary), with
 * the note; a note alone is a note. Moving on from `open` is its first response (MTTA); `resolved` ends it (MTTR).
 */
export async function updateIncident(
  ctx: ServiceContext,
  id: number,
  body: v.InferOutput<typeof IncidentUpdate>,
): Promise<Row> {
  const before = await getRow(ctx, incidentsResource, id);
  const ts = nowIso();
  const who = ctx.actor?.username ?? 'system';
  const set: Row = {};
  const steps: Row[] = [];
  const step = (type: string, note: string | null) => steps.push({ incident_id: id, type, actor: who, note, ts });
  if (body.title !== undefined && body.title !== before.title) set.title = body.title;
  if (body.severity !== undefined && body.severity !== before.severity) {
    set.severity = body.severity;
    step('severity_changed', `${before.severity} → ${body.severity}`);
  }
  if (body.assignee !== undefined && body.assignee !== before.assignee) {
    set.assignee = body.assignee;
    step('assigned', body.assignee ? `assigned to ${body.assignee}` : 'unassigned');
  }
  if (body.summary !== undefined && body.summary !== before.summary) {
    set.summary = body.summary;
    step('summary_updated', null);
  }
  if (body.status !== undefined && body.status !== before.status) {
    set.status = body.status;
    step('status_changed', `${before.status} → ${body.status}`);
    if (body.status !== 'open' && !before.acknowledged_at) set.acknowledged_at = ts;
    set.resolved_at = body.status === 'resolved' ? ts : null;
  }
  if (body.note) step('note', body.note);
  if (!Object.keys(set).length && !steps.length) return incidentDetail(ctx, id);
  await runBatch(ctx.db, [
    ...(Object.keys(set).length
      ? [
          ctx.db
            .update(incidents)
            .set({ ...set, updated_at: ts })
            .where(eq(incidents.id, id)),
        ]
      : []),
    ...steps.map((s) => ctx.db.insert(incidentEvents).values(s as never)),
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'incident_updated',
        entityType: 'incident',
        entityId: id,
        entityName: String(before.title),
        details: { ...set, note: body.note ?? undefined },
      }),
    ),
  ] as never);
  return incidentDetail(ctx, id);
}

/**
 * MTTA (opened → first response) and MTTR (opened → resolved) in seconds, per severity and per month of opening,
 * over the last `months` months of incidents the caller can see.
 */
export async function incidentStats(ctx: ServiceContext, months = 12) {
  const since = new Date(Date.now() - months * 31 * 86_400_000).toISOString();
  const vis = rawVisibleClause(ctx.actor, incidentEntity, 'i', '?2');
  const where = `i.opened_at >= ?1${vis ? ` AND ${vis.sql}` : ''}`;
  const binds = [since, ...(vis?.bind ?? [])];
  const fig = `count(*) AS count,
    avg(CASE WHEN i.acknowledged_at IS NOT NULL THEN (julianday(i.acknowledged_at) - julianday(i.opened_at)) * 86400 END) AS mtta_s,
    avg(CASE WHEN i.resolved_at IS NOT NULL THEN (julianday(i.resolved_at) - julianday(i.opened_at)) * 86400 END) AS mttr_s`;
  const db = ctx.env.DB;
  const [sev, month] = await db.batch([
    db
      .prepare(`SELECT i.severity, ${fig} FROM incidents i WHERE ${where} GROUP BY i.severity ORDER BY i.severity`)
      .bind(...binds),
    db
      .prepare(
        `SELECT substr(i.opened_at, 1, 7) AS month, i.severity, ${fig} FROM incidents i WHERE ${where}
          GROUP BY month, i.severity ORDER BY month, i.severity`,
      )
      .bind(...binds),
  ]);
  const round = (r: Row) => ({
    ...r,
    mtta_s: r.mtta_s === null ? null : Math.round(r.mtta_s),
    mttr_s: r.mttr_s === null ? null : Math.round(r.mttr_s),
  });
  return { by_severity: (sev!.results as Row[]).map(round), by_month: (month!.results as Row[]).map(round) };
}
