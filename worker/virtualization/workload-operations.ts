import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { getRow, type ResourceDef, type Row } from '../platform/http/resource';
import { conflict, unprocessable } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { auditEvent, toStatement } from '../platform/audit/trail';
import { runBatch, type Statement } from '../platform/db/client';
import { workloadOperationEntity } from './access';
import { clusters, workloadOperations, workloads } from './tables';
import { workloadsResource } from './containers';
import { OPERATION_STATUSES } from './schemas/operation';
import { WORKLOAD_OPERATION_KINDS, WorkloadOperation } from './schemas/container';
import { siteAgent, siteQueueChanged } from '../../durable-objects/site-agent-client';

type Kind = (typeof WORKLOAD_OPERATION_KINDS)[number];
type Queued = { operation: Row; replayed: boolean };

/** The site queue tells workload operations from VM ones by this prefix of their key. */
export const WORKLOAD_KEY_PREFIX = 'wl:';

export const workloadOperationsResource: ResourceDef = {
  path: '/workload-operations',
  entity: 'workload_operation',
  label: 'Workload operation',
  tag: 'Containers',
  table: workloadOperations,
  schemas: { output: WorkloadOperation },
  ops: ['list', 'get'],
  filters: {
    workload_id: { type: 'int' },
    datacenter_id: { type: 'int' },
    kind: { type: 'string', values: WORKLOAD_OPERATION_KINDS },
    status: { type: 'string', values: OPERATION_STATUSES },
  },
  sortable: ['id', 'workload_name', 'kind', 'status', 'requested_by', 'created_at', 'finished_at'],
  defaultSort: '-id',
  searchable: ['kind', 'requested_by', 'error'],
  scope: (ctx) => visibleWhere(ctx, workloadOperationEntity),
  computed: () => ({
    workload_name: sql.raw(
      "(SELECT w.namespace || '/' || w.name FROM workloads w WHERE w.id = workload_operations.workload_id)",
    ),
  }),
  present: (row) => ('paused' in row ? { ...row, paused: !!row.paused } : row),
  access: { read: 'inventory:read', write: 'vms:operate' },
  description:
    'Scaling and rolling updates asked of a workload, queued → running → succeeded | failed | cancelled, with ' +
    'every step the site agent reported (`steps`: batches, rollback) and whether it is paused.',
};

const keyFor = (ctx: ServiceContext, clientKey: string | undefined) =>
  WORKLOAD_KEY_PREFIX + (clientKey ? `client:${ctx.actor?.id ?? 0}:${clientKey}` : crypto.randomUUID());

async function replayOf(ctx: ServiceContext, key: string, workloadId: number, kind: Kind) {
  const op = await ctx.db.select().from(workloadOperations).where(eq(workloadOperations.idempotency_key, key)).get();
  if (!op) return null;
  if (op.workload_id !== workloadId || op.kind !== kind) {
    throw conflict('This Idempotency-Key was already used for another operation.', [
      { field: 'Idempotency-Key', message: `belongs to workload operation ${op.id} (${op.kind})` },
    ]);
  }
  return getRow(ctx, workloadOperationsResource, op.id, true);
}

async function refuseIfBusy(ctx: ServiceContext, workload: Row) {
  const busy = await ctx.db
    .select({ id: workloadOperations.id, kind: workloadOperations.kind, status: workloadOperations.status })
    .from(workloadOperations)
    .where(
      and(
        eq(workloadOperations.workload_id, Number(workload.id)),
        inArray(workloadOperations.status, ['queued', 'running']),
      ),
    )
    .orderBy(desc(workloadOperations.id))
    .get();
  if (busy) {
    throw conflict(
      `Workload ${workload.namespace}/${workload.name} already has operation ${busy.id} (${busy.kind}) ${busy.status}; wait for it, pause it or cancel it.`,
      [{ field: 'id', message: `operation ${busy.id} is ${busy.status}` }],
      { operation_id: busy.id },
    );
  }
}

async function enqueue(ctx: ServiceContext, workload: Row, kind: Kind, params: Record<string, unknown>, key: string) {
  const cluster = await ctx.db
    .select()
    .from(clusters)
    .where(eq(clusters.id, Number(workload.cluster_id)))
    .get();
  const statements: Statement[] = [
    ctx.db.insert(workloadOperations).values({
      workload_id: Number(workload.id),
      datacenter_id: cluster!.datacenter_id,
      kind,
      params,
      idempotency_key: key,
      requested_by: ctx.actor?.username ?? 'system',
    }) as unknown as Statement,
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: `workload_${kind.slice(9)}_requested`,
        entityType: 'workload',
        entityId: Number(workload.id),
        entityName: `${workload.namespace}/${workload.name}`,
        // cluster_id places the entry in the workload's zone for the audit trail's clearance filter
        details: { ...params, cluster_id: Number(workload.cluster_id) },
      }),
    ),
  ];
  await runBatch(ctx.db, statements);
  await siteQueueChanged(ctx.env, cluster!.datacenter_id);
  const op = await ctx.db
    .select({ id: workloadOperations.id })
    .from(workloadOperations)
    .where(eq(workloadOperations.idempotency_key, key))
    .get();
  return getRow(ctx, workloadOperationsResource, op!.id, true);
}

export async function requestScale(
  ctx: ServiceContext,
  workloadId: number,
  body: { replicas: number },
  clientKey?: string,
): Promise<Queued> {
  const workload = await getRow(ctx, workloadsResource, workloadId);
  const key = keyFor(ctx, clientKey);
  const again = await replayOf(ctx, key, workloadId, 'workload.scale');
  if (again) return { operation: again, replayed: true };
  await refuseIfBusy(ctx, workload);
  const params = { replicas: body.replicas, previous_replicas: workload.replicas_desired };
  return { operation: await enqueue(ctx, workload, 'workload.scale', params, key), replayed: false };
}

export async function requestRollout(
  ctx: ServiceContext,
  workloadId: number,
  body: { image: string; container?: string; max_unavailable: number; max_surge: number; batch_size: number },
  clientKey?: string,
): Promise<Queued> {
  const workload = await getRow(ctx, workloadsResource, workloadId);
  const key = keyFor(ctx, clientKey);
  const again = await replayOf(ctx, key, workloadId, 'workload.set_image');
  if (again) return { operation: again, replayed: true };
  if (body.max_surge === 0 && body.max_unavailable === 0) {
    throw unprocessable([
      { field: 'max_surge', message: 'max_surge and max_unavailable cannot both be 0: no replica could be replaced' },
    ]);
  }
  await refuseIfBusy(ctx, workload);
  if (body.image === workload.image) {
    throw conflict(`Workload ${workload.namespace}/${workload.name} already runs ${body.image}.`, [
      { field: 'image', message: 'is the image it runs' },
    ]);
  }
  const params = { ...body, previous_image: workload.image };
  return { operation: await enqueue(ctx, workload, 'workload.set_image', params, key), replayed: false };
}

/**
 * Pause or resume a running rolling update: the flag is recorded at once and the site object passes it to the
 * agent, which holds before its next batch (and answers with a 'paused' step).
 */
export async function setPaused(ctx: ServiceContext, id: number, paused: boolean): Promise<Row> {
  const op = await getRow(ctx, workloadOperationsResource, id);
  if (op.kind !== 'workload.set_image' || op.status !== 'running') {
    throw conflict(
      `Operation ${id} is ${op.status === 'running' ? 'not a rolling update' : op.status}: only a running rolling update pauses.`,
      [{ field: 'status', message: `is ${op.kind} ${op.status}` }],
    );
  }
  if (!!op.paused === paused) return getRow(ctx, workloadOperationsResource, id, true);
  await runBatch(ctx.db, [
    ctx.db
      .update(workloadOperations)
      .set({ paused, updated_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` })
      .where(and(eq(workloadOperations.id, id), eq(workloadOperations.status, 'running'))) as unknown as Statement,
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: paused ? 'workload_rollout_paused' : 'workload_rollout_resumed',
        entityType: 'workload',
        entityId: Number(op.workload_id),
        details: { operation_id: id, cluster_id: await clusterOf(ctx, Number(op.workload_id)) },
      }),
    ),
  ]);
  await tellAgent(ctx, op, paused ? 'pause' : 'resume');
  return getRow(ctx, workloadOperationsResource, id, true);
}

const clusterOf = async (ctx: ServiceContext, workloadId: number) =>
  (await ctx.db.select({ c: workloads.cluster_id }).from(workloads).where(eq(workloads.id, workloadId)).get())?.c ??
  null;

async function tellAgent(ctx: ServiceContext, op: Row, what: 'pause' | 'resume' | 'cancel') {
  try {
    await siteAgent(ctx.env, Number(op.datacenter_id)).control(String(op.idempotency_key), what);
  } catch (e) {
    // recorded in D1: the object sends the paused state with the operation when the agent comes back
    console.error(`site ${op.datacenter_id}: could not pass ${what} to the agent`, e);
  }
}

/**
 * A queued operation is withdrawn at once. A running rolling update is stopped by its agent, which rolls back to
 * the previous image and reports the failure (202: asked, not done).
 */
export async function cancelWorkloadOperation(
  ctx: ServiceContext,
  id: number,
): Promise<{ operation: Row; asked: boolean }> {
  const op = await getRow(ctx, workloadOperationsResource, id);
  if (op.status === 'running' && op.kind === 'workload.set_image') {
    // the request is part of the rollout's story (and survives a reload) until the agent reports how it ended
    const step = JSON.stringify({
      at: new Date().toISOString(),
      step: 'cancel_requested',
      detail: { by: ctx.actor?.username ?? 'system' },
    });
    await runBatch(ctx.db, [
      ctx.db.run(
        sql`UPDATE workload_operations SET steps = json_insert(steps, '$[#]', json(${step})), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ${id} AND status = 'running'`,
      ) as unknown as Statement,
      toStatement(
        ctx,
        auditEvent(ctx, {
          action: 'workload_rollout_cancel_requested',
          entityType: 'workload',
          entityId: Number(op.workload_id),
          details: { operation_id: id, cluster_id: await clusterOf(ctx, Number(op.workload_id)) },
        }),
      ),
    ]);
    await tellAgent(ctx, op, 'cancel');
    return { operation: await getRow(ctx, workloadOperationsResource, id, true), asked: true };
  }
  if (op.status !== 'queued') {
    throw conflict(
      `Operation ${id} is ${op.status}: only queued operations and running rolling updates can be cancelled.`,
      [{ field: 'status', message: `is ${op.status}` }],
    );
  }
  await runBatch(ctx.db, [
    ctx.db
      .update(workloadOperations)
      .set({ status: 'cancelled', error: 'cancelled', finished_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` })
      .where(and(eq(workloadOperations.id, id), eq(workloadOperations.status, 'queued'))) as unknown as Statement,
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'workload_operation_cancelled',
        entityType: 'workload',
        entityId: Number(op.workload_id),
        details: { operation_id: id, kind: op.kind, cluster_id: await clusterOf(ctx, Number(op.workload_id)) },
      }),
    ),
  ]);
  return { operation: await getRow(ctx, workloadOperationsResource, id, true), asked: false };
}
