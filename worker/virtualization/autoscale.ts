import { and, eq, inArray, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import type { Change, ResourceDef, Row } from '../platform/http/resource';
import { unprocessable, type FieldError } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { runBatch, type Statement } from '../platform/db/client';
import { autoscaleDecisionEntity, autoscalePolicyEntity, workloadEntity } from './access';
import { autoscaleDecisions, autoscalePolicies, workloadOperations, workloads } from './tables';
import {
  AUTOSCALE_ACTIONS,
  AutoscaleCreate,
  AutoscaleDecision,
  AutoscalePolicy,
  AutoscaleUpdate,
} from './schemas/autoscale';
import { decide } from './autoscale-decision';
import { requestScale } from './workload-operations';

/** Thresholds that cross or bounds that invert would scale back and forth, or never. */
async function checkPolicies(_ctx: ServiceContext, changes: Change[]) {
  const errors: FieldError[] = [];
  for (const { before, after, prefix } of changes) {
    const p = { ...(before ?? {}), ...after } as Row;
    if (!(p.scale_in_below < p.scale_out_above)) {
      errors.push({
        field: `${prefix}scale_in_below`,
        message: `must be below scale_out_above (${p.scale_out_above})`,
      });
    }
    if (p.min_replicas > p.max_replicas) {
      errors.push({ field: `${prefix}min_replicas`, message: `may not exceed max_replicas (${p.max_replicas})` });
    }
  }
  if (errors.length) throw unprocessable(errors);
}

export const autoscalePoliciesResource: ResourceDef = {
  path: '/autoscale-policies',
  entity: 'autoscale_policy',
  label: 'Autoscaling policy',
  tag: 'Containers',
  table: autoscalePolicies,
  schemas: { create: AutoscaleCreate, update: AutoscaleUpdate, output: AutoscalePolicy },
  filters: { workload_id: { type: 'int' } },
  sortable: ['id', 'workload_name', 'metric', 'created_at'],
  defaultSort: 'id',
  searchable: ['metric'],
  unique: [{ fields: ['workload_id'] }],
  references: {
    workload_id: { table: workloads, label: 'Workload', scope: (ctx) => visibleWhere(ctx, workloadEntity) },
  },
  scope: (ctx) => visibleWhere(ctx, autoscalePolicyEntity),
  computed: () => ({
    workload_name: sql.raw(
      "(SELECT w.namespace || '/' || w.name FROM workloads w WHERE w.id = autoscale_policies.workload_id)",
    ),
    replicas_desired: sql.raw(
      '(SELECT w.replicas_desired FROM workloads w WHERE w.id = autoscale_policies.workload_id)',
    ),
  }),
  present: (row) => ('enabled' in row ? { ...row, enabled: !!row.enabled } : row),
  access: { read: 'inventory:read', write: 'vms:operate' },
  check: checkPolicies,
  description:
    "Automatic scaling of a workload by a metric of its cluster's nodes: every minute the cron compares the " +
    "metric's average over the window with the thresholds and asks the site agent for a scale within min/max, " +
    'after the cooldown. Each decision is recorded with its reason (GET /autoscale-decisions).',
};

export const autoscaleDecisionsResource: ResourceDef = {
  path: '/autoscale-decisions',
  entity: 'autoscale_decision',
  label: 'Autoscaling decision',
  tag: 'Containers',
  table: autoscaleDecisions,
  schemas: { output: AutoscaleDecision },
  ops: ['list', 'get'],
  filters: {
    policy_id: { type: 'int' },
    workload_id: { type: 'int' },
    action: { type: 'string', values: AUTOSCALE_ACTIONS },
  },
  sortable: ['id', 'created_at', 'action'],
  defaultSort: '-id',
  searchable: ['reason'],
  scope: (ctx) => visibleWhere(ctx, autoscaleDecisionEntity),
  access: { read: 'inventory:read', write: 'vms:operate' },
  description: 'What the autoscaling cron decided, when and why: every scale, and every change of reason to hold.',
};

/**
 * The metric's average over the window across the cluster's nodes: server nodes themselves, VM nodes through
 * their hosts (the series the telemetry path has), from the 1-minute rollups.
 */
async function nodeAverage(ctx: ServiceContext, workloadId: number, metric: string, windowMin: number, now: number) {
  const from = Math.floor((now - windowMin * 60_000) / 60_000) * 60_000;
  const row = await ctx.db.get<{ total: number | null; n: number | null }>(sql`
    SELECT sum(m.sum) AS total, sum(m.count) AS n FROM metric_rollups m
    WHERE m.step_s = 60 AND m.metric = ${metric} AND m.bucket_start >= ${from} AND m.server_id IN (
      SELECT coalesce(n.server_id, (SELECT v.host_server_id FROM vms v WHERE v.id = n.vm_id))
      FROM cluster_nodes n WHERE n.cluster_id = (SELECT w.cluster_id FROM workloads w WHERE w.id = ${workloadId}))`);
  const n = Number(row?.n ?? 0);
  return { value: n > 0 ? Number(row!.total) / n : null, samples: n };
}

/**
 * One cron pass: each enabled policy decides from its node metric; a scale goes to the site agent like one asked
 * from the UI (requested by `system`). A workload busy with another operation is left alone this minute.
 */
export async function evaluateAutoscaling(ctx: ServiceContext, now = Date.now()) {
  const policies = await ctx.db.select().from(autoscalePolicies).where(eq(autoscalePolicies.enabled, true)).all();
  let scaled = 0;
  for (const p of policies) {
    const w = await ctx.db.select().from(workloads).where(eq(workloads.id, p.workload_id)).get();
    if (!w) continue;
    const busy = await ctx.db
      .select({ id: workloadOperations.id })
      .from(workloadOperations)
      .where(and(eq(workloadOperations.workload_id, w.id), inArray(workloadOperations.status, ['queued', 'running'])))
      .get();
    const { value, samples } = await nodeAverage(ctx, w.id, p.metric, p.window_min, now);
    const since = p.last_action_at ? (now - Date.parse(p.last_action_at)) / 1000 : null;
    let d = decide(p, w.replicas_desired, value, since);
    if (busy && d.action !== 'hold') {
      d = {
        action: 'hold',
        replicas: w.replicas_desired,
        reason: `${d.reason} — waiting: operation ${busy.id} is in progress`,
      };
    }
    const last = await ctx.db
      .select({ reason: autoscaleDecisions.reason, action: autoscaleDecisions.action })
      .from(autoscaleDecisions)
      .where(eq(autoscaleDecisions.policy_id, p.id))
      .orderBy(sql`${autoscaleDecisions.id} DESC`)
      .get();
    let operationId: number | null = null;
    if (d.action !== 'hold') {
      try {
        const r = await requestScale(ctx, w.id, { replicas: d.replicas });
        operationId = Number(r.operation.id);
        scaled++;
      } catch (e) {
        // refused (a user's operation got there first): this policy holds this minute, the others go on
        d = {
          action: 'hold',
          replicas: w.replicas_desired,
          reason: `${d.reason} — not asked: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
    }
    if (d.action === 'hold' && last?.action === 'hold' && holdKind(last.reason) === holdKind(d.reason)) {
      continue; // the same reason to hold as a minute ago: the story does not need it again
    }
    await runBatch(ctx.db, [
      ctx.db.insert(autoscaleDecisions).values({
        policy_id: p.id,
        workload_id: w.id,
        action: d.action,
        reason: d.reason,
        value,
        samples,
        replicas_before: w.replicas_desired,
        replicas_after: d.replicas,
        operation_id: operationId,
      }) as unknown as Statement,
      ...(d.action !== 'hold'
        ? [
            ctx.db
              .update(autoscalePolicies)
              .set({ last_action_at: new Date(now).toISOString() })
              .where(eq(autoscalePolicies.id, p.id)) as unknown as Statement,
          ]
        : []),
    ]);
  }
  return scaled;
}

/** "within", "cooling down", "at the maximum"...: holds whose reason is the same kind are one story. */
export const holdKind = (reason: string) =>
  /cooling down/.test(reason)
    ? 'cooldown'
    : /maximum/.test(reason)
      ? 'max'
      : /minimum/.test(reason)
        ? 'min'
        : /no .* samples/.test(reason)
          ? 'nodata'
          : /waiting:|not asked:/.test(reason)
            ? 'busy'
            : 'within';
