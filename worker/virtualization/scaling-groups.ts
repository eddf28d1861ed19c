import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { anyOf } from '../platform/http/sql-match';
import { racks, servers } from '../dcim/tables';
import type { ServiceContext } from '../platform/context';
import type { Change, ResourceDef, Row } from '../platform/http/resource';
import { unprocessable, type FieldError } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { runBatch, type Statement } from '../platform/db/client';
import { vmEntity, vmScalingDecisionEntity, vmScalingGroupEntity } from './access';
import { vmOperations, vmScalingDecisions, vmScalingGroups, vms } from './tables';
import { AUTOSCALE_ACTIONS } from './schemas/autoscale';
import { ScalingDecision, ScalingGroup, ScalingGroupCreate, ScalingGroupUpdate } from './schemas/scaling-group';
import { decide, type Decision } from './autoscale-decision';
import { holdKind } from './autoscale';
import { requestClone } from './snapshots';
import { enqueue, existingFor } from './operations';

const PENDING = ['queued', 'running'] as const;
/** members being removed do not count: the group is already that much smaller */
const SIZE = `(SELECT count(*) FROM vms m WHERE m.scaling_group_id = vm_scaling_groups.id AND NOT EXISTS (
  SELECT 1 FROM vm_operations o WHERE o.vm_id = m.id AND o.kind = 'vm.delete' AND o.status IN ('queued', 'running')))`;

async function checkGroups(ctx: ServiceContext, changes: Change[]) {
  const errors: FieldError[] = [];
  for (const { before, after, prefix } of changes) {
    const g = { ...(before ?? {}), ...after } as Row;
    if (!(g.scale_in_below < g.scale_out_above)) {
      errors.push({
        field: `${prefix}scale_in_below`,
        message: `must be below scale_out_above (${g.scale_out_above})`,
      });
    }
    if (g.min_size > g.max_size) {
      errors.push({ field: `${prefix}min_size`, message: `may not exceed max_size (${g.max_size})` });
    }
    if (!before) {
      const t = await ctx.db
        .select({ name: vms.name, status: vms.status, group: vms.scaling_group_id })
        .from(vms)
        .where(eq(vms.id, Number(g.template_vm_id)))
        .get();
      // a member as template would clone clones whose group removes them under the other group's feet
      if (t?.group) {
        errors.push({
          field: `${prefix}template_vm_id`,
          message: `${t.name} is a member of scaling group ${t.group}, not a template`,
        });
      }
      if (t?.status === 'provisioning') {
        errors.push({ field: `${prefix}template_vm_id`, message: `${t.name} is still being made` });
      }
    }
  }
  if (errors.length) throw unprocessable(errors);
}

export const scalingGroupsResource: ResourceDef = {
  path: '/vm-scaling-groups',
  entity: 'vm_scaling_group',
  label: 'VM scaling group',
  tag: 'Virtualization',
  table: vmScalingGroups,
  schemas: { create: ScalingGroupCreate, update: ScalingGroupUpdate, output: ScalingGroup },
  filters: {
    template_vm_id: { type: 'int' },
    datacenter_id: {
      type: 'int',
      where: (ids) =>
        sql`${vmScalingGroups.template_vm_id} IN (SELECT ${vms.id} FROM ${vms} JOIN ${servers} ON ${servers.id} = ${vms.host_server_id}
              JOIN ${racks} ON ${racks.id} = ${servers.rack_id} WHERE ${anyOf(racks.datacenter_id, ids)})`,
    },
  },
  sortable: ['id', 'name', 'template_vm_name', 'size', 'metric', 'created_at'],
  defaultSort: 'name',
  searchable: ['name', 'metric'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  dependents: [
    {
      table: vms,
      column: 'scaling_group_id',
      label: 'Member VM (delete the members first, or keep the group and disable it)',
    },
  ],
  references: {
    template_vm_id: { table: vms, label: 'Template VM', scope: (ctx) => visibleWhere(ctx, vmEntity) },
  },
  scope: (ctx) => visibleWhere(ctx, vmScalingGroupEntity),
  computed: () => ({
    template_vm_name: sql.raw('(SELECT v.name FROM vms v WHERE v.id = vm_scaling_groups.template_vm_id)'),
    host_server_id: sql.raw('(SELECT v.host_server_id FROM vms v WHERE v.id = vm_scaling_groups.template_vm_id)'),
    host_name: sql.raw(
      '(SELECT s.name FROM vms v JOIN servers s ON s.id = v.host_server_id WHERE v.id = vm_scaling_groups.template_vm_id)',
    ),
    datacenter_id: sql.raw(
      '(SELECT r.datacenter_id FROM vms v JOIN servers s ON s.id = v.host_server_id JOIN racks r ON r.id = s.rack_id WHERE v.id = vm_scaling_groups.template_vm_id)',
    ),
    size: sql.raw(SIZE),
  }),
  present: (row) => ('enabled' in row ? { ...row, enabled: !!row.enabled } : row),
  access: { read: 'inventory:read', write: 'vms:operate' },
  check: checkGroups,
  description:
    'An auto-scaling group of VMs: its members are clones of a template VM, made on its host and started by the ' +
    'site agent when the metric of the hosts the group runs on stays above scale_out_above, and deleted (newest ' +
    'first) when it stays below scale_in_below, one at a time, within min_size/max_size, cooldown_s apart. The ' +
    'minute cron decides; every decision is recorded with its reason (GET /vm-scaling-decisions). Members: ' +
    'GET /vms?scaling_group_id=.',
};

export const scalingDecisionsResource: ResourceDef = {
  path: '/vm-scaling-decisions',
  entity: 'vm_scaling_decision',
  label: 'VM scaling decision',
  tag: 'Virtualization',
  table: vmScalingDecisions,
  schemas: { output: ScalingDecision },
  ops: ['list', 'get'],
  filters: { group_id: { type: 'int' }, action: { type: 'string', values: AUTOSCALE_ACTIONS } },
  sortable: ['id', 'created_at', 'action'],
  defaultSort: '-id',
  searchable: ['reason', 'vm_name'],
  scope: (ctx) => visibleWhere(ctx, vmScalingDecisionEntity),
  access: { read: 'inventory:read', write: 'vms:operate' },
  description:
    'What the VM auto-scaling cron decided, when and why: every member added or removed, and every change of reason to hold.',
};

/** The metric's average over the window on the hosts the template and its members run on (1-minute rollups). */
async function hostAverage(ctx: ServiceContext, g: Row, now: number) {
  const from = Math.floor((now - Number(g.window_min) * 60_000) / 60_000) * 60_000;
  const row = await ctx.db.get<{ total: number | null; n: number | null }>(sql`
    SELECT sum(m.sum) AS total, sum(m.count) AS n FROM metric_rollups m
    WHERE m.step_s = 60 AND m.metric = ${g.metric} AND m.bucket_start >= ${from} AND m.server_id IN (
      SELECT v.host_server_id FROM vms v WHERE v.id = ${g.template_vm_id} OR v.scaling_group_id = ${g.id})`);
  const n = Number(row?.n ?? 0);
  return { value: n > 0 ? Number(row!.total) / n : null, samples: n };
}

/** `<group>-<n>` with the first n no VM has taken (names are unique across the estate, case aside). */
async function memberName(ctx: ServiceContext, group: string, from: number) {
  const prefix = `${group}-`;
  const taken = new Set(
    (
      await ctx.db
        .select({ name: vms.name })
        .from(vms)
        .where(sql`lower(${vms.name}) LIKE lower(${prefix}) || '%'`)
        .all()
    ).map((r) => r.name.toLowerCase()),
  );
  let n = from;
  while (taken.has(`${prefix}${n}`.toLowerCase())) n++;
  return `${prefix}${n}`;
}

/**
 * Add one member: a clone of the template, named `<group>-<n>`, made and started by the site agent. The cron's
 * scale-out and a remediation playbook's both come here.
 */
export async function addGroupMember(
  ctx: ServiceContext,
  g: { id: number; name: string; template_vm_id: number },
  from: number,
  key: string,
) {
  const name = await memberName(ctx, g.name, from);
  const r = await requestClone(ctx, g.template_vm_id, { name }, key, { scaling_group_id: g.id });
  return { name, operation: r.operation };
}

/** Remove one member: the site agent deletes it on the hypervisor; on success its record goes (outcomes.ts). */
async function requestRemoval(ctx: ServiceContext, g: Row, member: Row, reason: string, key: string) {
  const again = await existingFor(ctx, key, Number(member.id), 'vm.delete');
  if (again) return again;
  return enqueue(ctx, member, 'vm.delete', { scaling_group: g.name, scaling_group_id: g.id, reason }, key, null);
}

/**
 * One cron pass: each enabled group decides from its hosts' metric and adds or removes one member through the
 * site agent (requested by `system`). A group with a member still being made or removed waits.
 */
export async function evaluateScalingGroups(ctx: ServiceContext, now = Date.now()) {
  const groups = await ctx.db.select().from(vmScalingGroups).where(eq(vmScalingGroups.enabled, true)).all();
  let acted = 0;
  for (const g of groups) {
    const members = await ctx.db.select().from(vms).where(eq(vms.scaling_group_id, g.id)).orderBy(vms.id).all();
    const ids = [g.template_vm_id, ...members.map((m) => m.id)];
    const pending = await ctx.db
      .select({ id: vmOperations.id, vm_id: vmOperations.vm_id, kind: vmOperations.kind })
      .from(vmOperations)
      .where(and(anyOf(vmOperations.vm_id, ids), inArray(vmOperations.status, [...PENDING])))
      .all();
    const removing = new Set(pending.filter((o) => o.kind === 'vm.delete').map((o) => o.vm_id));
    const size = members.filter((m) => !removing.has(m.id)).length;
    const { value, samples } = await hostAverage(ctx, g, now);
    const since = g.last_action_at ? (now - Date.parse(g.last_action_at)) / 1000 : null;
    let d: Decision = decide(
      { ...g, min_replicas: g.min_size, max_replicas: g.max_size, step: 1 },
      size,
      value,
      since,
      { unit: 'members', source: "the group's hosts" },
    );
    // one member at a time: the group's next step waits for the last one to be made or removed
    const making = pending.find((o) => o.kind === 'vm.clone' || o.kind === 'vm.delete');
    const provisioning = members.find((m) => m.status === 'provisioning');
    if (d.action !== 'hold' && (making || provisioning)) {
      d = {
        action: 'hold',
        replicas: size,
        reason: `${d.reason} — waiting: ${making ? `operation ${making.id} (${making.kind}) is in progress` : `${provisioning!.name} is still being made`}`,
      };
    }
    let operationId: number | null = null;
    let vmName: string | null = null;
    const key = `asg:${g.id}:${now}`;
    try {
      if (d.action === 'scale_out') {
        const added = await addGroupMember(ctx, g, members.length + 1, key);
        vmName = added.name;
        operationId = Number(added.operation.id);
        d = { ...d, replicas: size + 1 };
      } else if (d.action === 'scale_in') {
        // the newest member that is neither being made nor already going, and not busy with an operation
        const busy = new Set(pending.map((o) => o.vm_id));
        const victim = [...members].reverse().find((m) => m.status !== 'provisioning' && !busy.has(m.id));
        if (!victim) throw new Error('every member is busy with an operation');
        vmName = victim.name;
        const op = await requestRemoval(ctx, g, victim, d.reason, key);
        operationId = Number(op.id);
        d = { ...d, replicas: size - 1 };
      }
      if (d.action !== 'hold') acted++;
    } catch (e) {
      // refused (no room on the template's host, a user's operation got there first): hold this minute
      d = {
        action: 'hold',
        replicas: size,
        reason: `${d.reason} — not asked: ${e instanceof Error ? e.message : String(e)}`,
      };
      operationId = null;
      vmName = null;
    }
    const last = await ctx.db
      .select({ reason: vmScalingDecisions.reason, action: vmScalingDecisions.action })
      .from(vmScalingDecisions)
      .where(eq(vmScalingDecisions.group_id, g.id))
      .orderBy(desc(vmScalingDecisions.id))
      .get();
    if (d.action === 'hold' && last?.action === 'hold' && holdKind(last.reason) === holdKind(d.reason)) continue;
    await runBatch(ctx.db, [
      ctx.db.insert(vmScalingDecisions).values({
        group_id: g.id,
        action: d.action,
        reason: d.reason,
        value,
        samples,
        size_before: size,
        size_after: d.replicas,
        vm_name: vmName,
        operation_id: operationId,
      }) as unknown as Statement,
      ...(d.action !== 'hold'
        ? [
            ctx.db
              .update(vmScalingGroups)
              .set({ last_action_at: new Date(now).toISOString() })
              .where(eq(vmScalingGroups.id, g.id)) as unknown as Statement,
          ]
        : []),
    ]);
  }
  return acted;
}
