import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { getRow, type ResourceDef, type Row } from '../platform/http/resource';
import { conflict, notFound, unprocessable } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { zoneLowers } from '../platform/access/zones';
import { auditEvent, toStatement } from '../platform/audit/trail';
import { runBatch, type Statement } from '../platform/db/client';
import { vmOperationEntity } from './access';
import { vmOperations, vms } from './tables';
import { vmsResource } from './vms';
import { OPERATION_STATUSES, VmOperation } from './schemas/operation';
import { OPERATION_KINDS, type OperationKind } from './agent-protocol';
import { antiAffinityProblem, hostStatusProblem, shortfalls } from './capacity';
import { groupMembers, loadHosts, type Host } from './hosts';
import { outcomeEffects } from './outcomes';
import { siteQueueChanged } from '../../durable-objects/site-agent-client';

const PENDING = ['queued', 'running'] as const;

export const operationsResource: ResourceDef = {
  path: '/vm-operations',
  entity: 'vm_operation',
  label: 'VM operation',
  tag: 'Virtualization',
  table: vmOperations,
  schemas: { output: VmOperation },
  ops: ['list', 'get'],
  filters: {
    vm_id: { type: 'int' },
    datacenter_id: { type: 'int' },
    kind: { type: 'string', values: OPERATION_KINDS },
    status: { type: 'string', values: OPERATION_STATUSES },
    requested_by: { type: 'string' },
  },
  sortable: ['id', 'vm_name', 'kind', 'status', 'requested_by', 'created_at', 'finished_at'],
  defaultSort: '-id',
  searchable: ['kind', 'requested_by', 'error'],
  scope: (ctx) => visibleWhere(ctx, vmOperationEntity),
  computed: () => ({ vm_name: sql.raw('(SELECT v.name FROM vms v WHERE v.id = vm_operations.vm_id)') }),
  access: { read: 'inventory:read', write: 'vms:operate' },
  description:
    'What the platform asked a site to do to a VM, queued → running → succeeded | failed | cancelled, with the ' +
    'error text of a failure. The site agent runs them one at a time; none runs twice.',
};

/** A client's Idempotency-Key is theirs: two users choosing the same key do not collide. */
export const keyFor = (ctx: ServiceContext, clientKey: string | undefined) =>
  clientKey ? `client:${ctx.actor?.id ?? 0}:${clientKey}` : `op:${crypto.randomUUID()}`;

export async function existingFor(ctx: ServiceContext, key: string, vmId: number, kind: OperationKind) {
  const op = await ctx.db.select().from(vmOperations).where(eq(vmOperations.idempotency_key, key)).get();
  if (!op) return null;
  if (op.vm_id !== vmId || op.kind !== kind) {
    throw conflict('This Idempotency-Key was already used for another operation.', [
      { field: 'Idempotency-Key', message: `belongs to operation ${op.id} (${op.kind})` },
    ]);
  }
  return getRow(ctx, operationsResource, op.id, true);
}

/** One operation at a time per VM: a second one would act on a state the first is still changing. */
export async function refuseIfBusy(ctx: ServiceContext, vmId: number) {
  const busy = await ctx.db
    .select({ id: vmOperations.id, kind: vmOperations.kind, status: vmOperations.status })
    .from(vmOperations)
    .where(and(eq(vmOperations.vm_id, vmId), inArray(vmOperations.status, [...PENDING])))
    .orderBy(desc(vmOperations.id))
    .get();
  if (busy) {
    throw conflict(
      `VM ${vmId} already has operation ${busy.id} (${busy.kind}) ${busy.status}; wait for it or cancel it.`,
      [{ field: 'id', message: `operation ${busy.id} is ${busy.status}` }],
      { operation_id: busy.id },
    );
  }
}

/**
 * Queue `kind` on `vm` for its site's agent, audited, with whatever the request reserves (`extra`: a snapshot
 * being created, a clone's record) in the same batch; the site object hears of it.
 */
export async function enqueue(
  ctx: ServiceContext,
  vm: Row,
  kind: OperationKind,
  params: Record<string, unknown>,
  key: string,
  vmSet: Record<string, unknown> | null,
  extra: Statement[] = [],
): Promise<Row> {
  const [host] = await loadHosts(ctx, { ids: [Number(vm.host_server_id)] });
  const statements: Statement[] = [
    ctx.db.insert(vmOperations).values({
      vm_id: Number(vm.id),
      datacenter_id: host!.datacenter_id,
      kind,
      params,
      idempotency_key: key,
      requested_by: ctx.actor?.username ?? 'system',
    }) as unknown as Statement,
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: `vm_${kind.slice(3).replaceAll('.', '_')}_requested`,
        entityType: 'vm',
        entityId: Number(vm.id),
        entityName: String(vm.name),
        // host_server_id places the entry in the VM's zone for the audit trail's clearance filter
        details: { ...params, host_server_id: Number(vm.host_server_id) },
      }),
    ),
  ];
  if (vmSet) {
    statements.push(
      ctx.db
        .update(vms)
        .set({ ...vmSet, updated_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` })
        .where(eq(vms.id, Number(vm.id))) as unknown as Statement,
    );
  }
  statements.push(...extra);
  await runBatch(ctx.db, statements);
  await siteQueueChanged(ctx.env, host!.datacenter_id);
  const op = await ctx.db
    .select({ id: vmOperations.id })
    .from(vmOperations)
    .where(eq(vmOperations.idempotency_key, key))
    .get();
  return getRow(ctx, operationsResource, op!.id, true);
}

/** Which recorded states each power operation starts from. */
const POWER_FROM: Record<'vm.start' | 'vm.stop' | 'vm.restart', readonly string[]> = {
  'vm.start': ['stopped', 'suspended', 'error'],
  'vm.stop': ['running', 'suspended', 'error'],
  'vm.restart': ['running'],
};

export async function requestPower(
  ctx: ServiceContext,
  vmId: number,
  kind: 'vm.start' | 'vm.stop' | 'vm.restart',
  params: { force?: boolean },
  clientKey?: string,
): Promise<{ operation: Row; replayed: boolean }> {
  const vm = await getRow(ctx, vmsResource, vmId);
  const key = keyFor(ctx, clientKey);
  const again = await existingFor(ctx, key, vmId, kind);
  if (again) return { operation: again, replayed: true };
  await refuseIfBusy(ctx, vmId);
  if (!POWER_FROM[kind].includes(String(vm.status))) {
    throw conflict(`VM ${vm.name} is ${vm.status}: it cannot ${kind.slice(3)} from there.`, [
      { field: 'status', message: `is ${vm.status}; ${kind.slice(3)} needs ${POWER_FROM[kind].join(' or ')}` },
    ]);
  }
  const body = kind === 'vm.stop' ? { force: !!params.force } : {};
  return { operation: await enqueue(ctx, vm, kind, body, key, null), replayed: false };
}

/** Why `vm` may not move to `target` (empty: it may), each reason a sentence an operator can act on. */
function migrationProblems(vm: Row, from: Host, target: Host, others: Parameters<typeof antiAffinityProblem>[3]) {
  const reasons: string[] = [];
  if (target.id === from.id) reasons.push(`the VM already runs on ${target.name}`);
  const status = hostStatusProblem(target);
  if (status) reasons.push(status);
  if (target.datacenter_id !== from.datacenter_id) reasons.push(`host ${target.name} is in another datacenter`);
  if (target.hypervisors.length && !target.hypervisors.includes(String(vm.hypervisor))) {
    reasons.push(`host ${target.name} runs ${target.hypervisors.join(', ')}, not ${vm.hypervisor}`);
  }
  if (zoneLowers(from.zone, target.zone)) {
    reasons.push(`host ${target.name} is in the ${target.zone} zone, below the VM's ${from.zone} zone`);
  }
  reasons.push(
    ...shortfalls(target.resources, { cpu: Number(vm.cpu_cores), ram: Number(vm.ram_gb), disk: Number(vm.disk_gb) }),
  );
  const clash = antiAffinityProblem(vm.anti_affinity_group as string | null, target.id, target.name, others);
  if (clash) reasons.push(clash);
  return reasons;
}

/**
 * The VM hosts of the VM's datacenter the caller can see (servers that carry VMs, or were given overcommit ratios:
 * an application server is not a hypervisor), whether the VM may move there, and why not.
 */
export async function migrationTargets(ctx: ServiceContext, vmId: number) {
  const vm = await getRow(ctx, vmsResource, vmId);
  const [from] = await loadHosts(ctx, { ids: [Number(vm.host_server_id)] });
  if (!from) throw notFound('vm', vmId);
  const hosts = await loadHosts(ctx, { datacenterId: from.datacenter_id, excludeVmIds: [vmId] });
  const others = vm.anti_affinity_group ? await groupMembers(ctx, [String(vm.anti_affinity_group)], [vmId]) : [];
  return hosts
    .filter((h) => h.id !== from.id && (h.vm_count > 0 || h.custom_ratios))
    .map((h) => {
      const reasons = migrationProblems(vm, from, h, others);
      return {
        server_id: h.id,
        name: h.name,
        datacenter_id: h.datacenter_id,
        allowed: reasons.length === 0,
        reasons,
        resources: h.resources,
      };
    })
    .sort((a, b) => Number(b.allowed) - Number(a.allowed) || a.name.localeCompare(b.name));
}

export async function requestMigration(
  ctx: ServiceContext,
  vmId: number,
  body: { target_host_id: number; live: boolean },
  clientKey?: string,
): Promise<{ operation: Row; replayed: boolean }> {
  const vm = await getRow(ctx, vmsResource, vmId);
  const key = keyFor(ctx, clientKey);
  const again = await existingFor(ctx, key, vmId, 'vm.migrate');
  if (again) return { operation: again, replayed: true };
  await refuseIfBusy(ctx, vmId);
  if (!['running', 'stopped'].includes(String(vm.status))) {
    throw conflict(`VM ${vm.name} is ${vm.status}: only running or stopped VMs migrate.`, [
      { field: 'status', message: `is ${vm.status}` },
    ]);
  }
  const hosts = await loadHosts(ctx, { ids: [Number(vm.host_server_id), body.target_host_id], excludeVmIds: [vmId] });
  const from = hosts.find((h) => h.id === Number(vm.host_server_id));
  const target = hosts.find((h) => h.id === body.target_host_id);
  if (!target)
    throw unprocessable([{ field: 'target_host_id', message: `server ${body.target_host_id} does not exist` }]);
  const others = vm.anti_affinity_group ? await groupMembers(ctx, [String(vm.anti_affinity_group)], [vmId]) : [];
  const reasons = migrationProblems(vm, from!, target, others);
  if (reasons.length) {
    throw conflict(
      `VM ${vm.name} cannot move to ${target.name}: ${reasons.join('; ')}.`,
      reasons.map((message) => ({ field: 'target_host_id', message })),
    );
  }
  const live = body.live && vm.status === 'running';
  const params = {
    target_host_id: target.id,
    target_host: target.name,
    from_host_id: from!.id,
    from_host: from!.name,
    live,
    previous_status: vm.status,
  };
  return { operation: await enqueue(ctx, vm, 'vm.migrate', params, key, { status: 'migrating' }), replayed: false };
}

const hostOf = async (ctx: ServiceContext, vmId: number) =>
  (await ctx.db.select({ h: vms.host_server_id }).from(vms).where(eq(vms.id, vmId)).get())?.h ?? null;

/** A queued operation is withdrawn; one the agent already holds runs to its end (its result is recorded). */
export async function cancelOperation(ctx: ServiceContext, id: number): Promise<Row> {
  const op = await getRow(ctx, operationsResource, id);
  if (op.status !== 'queued') {
    throw conflict(`Operation ${id} is ${op.status}: only queued operations can be cancelled.`, [
      { field: 'status', message: `is ${op.status}` },
    ]);
  }
  const statements: Statement[] = [
    ctx.db
      .update(vmOperations)
      .set({ status: 'cancelled', finished_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`, error: 'cancelled' })
      .where(and(eq(vmOperations.id, id), eq(vmOperations.status, 'queued'))) as unknown as Statement,
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'vm_operation_cancelled',
        entityType: 'vm',
        entityId: Number(op.vm_id),
        details: { operation_id: id, kind: op.kind, host_server_id: await hostOf(ctx, Number(op.vm_id)) },
      }),
    ),
  ];
  for (const effect of outcomeEffects(
    { vm_id: Number(op.vm_id), kind: String(op.kind), params: op.params as Record<string, unknown> },
    'cancelled',
  )) {
    statements.push(ctx.db.run(effect) as unknown as Statement);
  }
  await runBatch(ctx.db, statements);
  return getRow(ctx, operationsResource, id, true);
}
