import { and, eq, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { getRow, type ResourceDef, type Row } from '../platform/http/resource';
import { conflict, unprocessable } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import type { Statement } from '../platform/db/client';
import { vmSnapshotEntity } from './access';
import { vmSnapshots, vms } from './tables';
import { vmsResource } from './vms';
import { SNAPSHOT_STATUSES, VmSnapshot } from './schemas/snapshot';
import { enqueue, existingFor, keyFor, refuseIfBusy } from './operations';
import { hostStatusProblem, shortfalls } from './capacity';
import { loadHosts } from './hosts';

export const snapshotsResource: ResourceDef = {
  path: '/vm-snapshots',
  entity: 'vm_snapshot',
  label: 'VM snapshot',
  tag: 'Virtualization',
  table: vmSnapshots,
  schemas: { output: VmSnapshot },
  ops: ['list', 'get'],
  filters: {
    vm_id: { type: 'int' },
    status: { type: 'string', values: SNAPSHOT_STATUSES },
  },
  sortable: ['id', 'name', 'vm_name', 'size_gb', 'status', 'expires_at', 'created_at'],
  defaultSort: 'id',
  searchable: ['name', 'description'],
  scope: (ctx) => visibleWhere(ctx, vmSnapshotEntity),
  computed: () => ({
    vm_name: sql.raw('(SELECT v.name FROM vms v WHERE v.id = vm_snapshots.vm_id)'),
    current: sql.raw(
      '(SELECT count(*) > 0 FROM vms v WHERE v.id = vm_snapshots.vm_id AND v.current_snapshot_id = vm_snapshots.id)',
    ),
    clone_count: sql.raw('(SELECT count(*) FROM vms c WHERE c.cloned_from_snapshot_id = vm_snapshots.id)'),
  }),
  present: (row) => ('current' in row ? { ...row, current: !!row.current } : row),
  access: { read: 'inventory:read', write: 'vms:operate' },
  description:
    'Snapshots of VMs, as a tree (`parent_id`: the snapshot the VM was at when it was taken). They are taken, ' +
    'reverted to and deleted by the site agent (POST /vms/{id}/snapshots, POST /vm-snapshots/{id}/revert, ' +
    'DELETE /vm-snapshots/{id}); one with `expires_at` is deleted by the retention job once that time has passed.',
};

/** A VM in one of these states has disks a hypervisor can snapshot or copy. */
const SETTLED = ['running', 'stopped', 'suspended'];

function refuseUnsettled(vm: Row, what: string) {
  if (!SETTLED.includes(String(vm.status))) {
    throw conflict(`VM ${vm.name} is ${vm.status}: ${what} needs it running, stopped or suspended.`, [
      { field: 'status', message: `is ${vm.status}` },
    ]);
  }
}

type Queued = { operation: Row; replayed: boolean };

export async function requestSnapshot(
  ctx: ServiceContext,
  vmId: number,
  body: { name: string; description?: string | null; retention_days?: number | null },
  clientKey?: string,
): Promise<Queued> {
  const vm = await getRow(ctx, vmsResource, vmId);
  const key = keyFor(ctx, clientKey);
  const again = await existingFor(ctx, key, vmId, 'vm.snapshot.create');
  if (again) return { operation: again, replayed: true };
  await refuseIfBusy(ctx, vmId);
  refuseUnsettled(vm, 'a snapshot');
  const taken = await ctx.db
    .select({ id: vmSnapshots.id })
    .from(vmSnapshots)
    .where(and(eq(vmSnapshots.vm_id, vmId), sql`lower(${vmSnapshots.name}) = lower(${body.name})`))
    .get();
  if (taken) {
    throw conflict(`VM ${vm.name} already has a snapshot named ${body.name}.`, [
      { field: 'name', message: `is taken by snapshot ${taken.id}` },
    ]);
  }
  const days = body.retention_days ?? null;
  const snapshot = ctx.db.insert(vmSnapshots).values({
    vm_id: vmId,
    name: body.name,
    description: body.description ?? null,
    parent_id: (vm.current_snapshot_id as number | null) ?? null,
    status: 'creating',
    expires_at: days ? sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ${`+${days} days`})` : null,
    requested_by: ctx.actor?.username ?? 'system',
  }) as unknown as Statement;
  const params = { snapshot: body.name, ...(days ? { retention_days: days } : {}) };
  return { operation: await enqueue(ctx, vm, 'vm.snapshot.create', params, key, null, [snapshot]), replayed: false };
}

/** The snapshot and its VM, both checked against the caller's clearance (a 404 for either out of sight). */
async function snapshotAndVm(ctx: ServiceContext, snapshotId: number) {
  const snapshot = await getRow(ctx, snapshotsResource, snapshotId);
  const vm = await getRow(ctx, vmsResource, Number(snapshot.vm_id));
  return { snapshot, vm };
}

function refuseNotReady(snapshot: Row) {
  if (snapshot.status !== 'ready') {
    throw conflict(`Snapshot ${snapshot.name} is ${snapshot.status}.`, [
      { field: 'status', message: `is ${snapshot.status}; it must be ready` },
    ]);
  }
}

export async function requestRevert(ctx: ServiceContext, snapshotId: number, clientKey?: string): Promise<Queued> {
  const { snapshot, vm } = await snapshotAndVm(ctx, snapshotId);
  const key = keyFor(ctx, clientKey);
  const again = await existingFor(ctx, key, Number(vm.id), 'vm.snapshot.revert');
  if (again) return { operation: again, replayed: true };
  await refuseIfBusy(ctx, Number(vm.id));
  refuseUnsettled(vm, 'a revert');
  refuseNotReady(snapshot);
  const mark = ctx.db
    .update(vmSnapshots)
    .set({ status: 'reverting' })
    .where(eq(vmSnapshots.id, snapshotId)) as unknown as Statement;
  const params = { snapshot: snapshot.name, snapshot_id: snapshotId };
  return { operation: await enqueue(ctx, vm, 'vm.snapshot.revert', params, key, null, [mark]), replayed: false };
}

export async function requestSnapshotDelete(
  ctx: ServiceContext,
  snapshotId: number,
  clientKey?: string,
  reason?: string,
): Promise<Queued> {
  const { snapshot, vm } = await snapshotAndVm(ctx, snapshotId);
  const key = keyFor(ctx, clientKey);
  const again = await existingFor(ctx, key, Number(vm.id), 'vm.snapshot.delete');
  if (again) return { operation: again, replayed: true };
  await refuseIfBusy(ctx, Number(vm.id));
  refuseNotReady(snapshot);
  const mark = ctx.db
    .update(vmSnapshots)
    .set({ status: 'deleting' })
    .where(eq(vmSnapshots.id, snapshotId)) as unknown as Statement;
  const params = {
    snapshot: snapshot.name,
    snapshot_id: snapshotId,
    ...(reason ? { reason } : {}),
  };
  return { operation: await enqueue(ctx, vm, 'vm.snapshot.delete', params, key, null, [mark]), replayed: false };
}

/**
 * A new VM made from `vmId` as it is now or as it was at one of its snapshots, on the same host (a hypervisor
 * clones beside its source), with its lineage kept. Its record exists from the request on, `provisioning`, so its
 * resources are promised on the host and its name is taken; a failure or cancel gives both back.
 */
export async function requestClone(
  ctx: ServiceContext,
  vmId: number,
  body: { name: string; snapshot_id?: number | null },
  clientKey?: string,
  /** a scaling group's member: started once made, and recorded as the group's */
  member?: { scaling_group_id: number },
): Promise<Queued & { clone: Row | null }> {
  const vm = await getRow(ctx, vmsResource, vmId);
  const key = keyFor(ctx, clientKey);
  const again = await existingFor(ctx, key, vmId, 'vm.clone');
  const cloneRow = async () =>
    (await ctx.db.select({ id: vms.id }).from(vms).where(eq(vms.name, body.name)).get()) ?? null;
  if (again) {
    const c = await cloneRow();
    return { operation: again, replayed: true, clone: c && (await getRow(ctx, vmsResource, c.id, true)) };
  }
  await refuseIfBusy(ctx, vmId);
  refuseUnsettled(vm, 'a clone');
  let snapshot: Row | null = null;
  if (body.snapshot_id) {
    snapshot = (await ctx.db.select().from(vmSnapshots).where(eq(vmSnapshots.id, body.snapshot_id)).get()) ?? null;
    if (!snapshot || snapshot.vm_id !== vmId) {
      throw unprocessable([{ field: 'snapshot_id', message: `VM ${vm.name} has no snapshot ${body.snapshot_id}` }]);
    }
    refuseNotReady(snapshot);
  }
  const taken = await ctx.db
    .select({ id: vms.id })
    .from(vms)
    .where(sql`lower(${vms.name}) = lower(${body.name})`)
    .get();
  if (taken) throw conflict(`A VM named ${body.name} already exists.`, [{ field: 'name', message: 'is taken' }]);
  const [host] = await loadHosts(ctx, { ids: [Number(vm.host_server_id)] });
  const reasons = [
    ...(hostStatusProblem(host!) ? [hostStatusProblem(host!)!] : []),
    ...shortfalls(host!.resources, { cpu: Number(vm.cpu_cores), ram: Number(vm.ram_gb), disk: Number(vm.disk_gb) }),
  ];
  if (reasons.length) {
    throw conflict(
      `The clone does not fit on ${host!.name}, where ${vm.name} runs: ${reasons.join('; ')}.`,
      reasons.map((message) => ({ field: 'name', message: `host ${host!.name}: ${message}` })),
    );
  }
  const record = ctx.db.insert(vms).values({
    name: body.name,
    host_server_id: Number(vm.host_server_id),
    hypervisor: String(vm.hypervisor),
    os: (vm.os as string | null) ?? null,
    cpu_cores: Number(vm.cpu_cores),
    ram_gb: Number(vm.ram_gb),
    disk_gb: Number(vm.disk_gb),
    network_type: (vm.network_type as string | null) ?? null,
    vlan: (vm.vlan as string | null) ?? null,
    status: 'provisioning',
    tags: (vm.tags as string[]) ?? [],
    owner: (vm.owner as string | null) ?? null,
    // a clone shares its source's host, so it cannot share its anti-affinity group
    anti_affinity_group: null,
    cloned_from_vm_id: vmId,
    cloned_from_snapshot_id: snapshot ? Number(snapshot.id) : null,
    scaling_group_id: member?.scaling_group_id ?? null,
  }) as unknown as Statement;
  const params = {
    clone_name: body.name,
    ...(snapshot ? { snapshot: snapshot.name, snapshot_id: snapshot.id } : {}),
    ...(member ? { start: true, scaling_group_id: member.scaling_group_id } : {}),
  };
  const operation = await enqueue(ctx, vm, 'vm.clone', params, key, null, [record]);
  const c = await cloneRow();
  return { operation, replayed: false, clone: c && (await getRow(ctx, vmsResource, c.id, true)) };
}

/**
 * Snapshots whose retention has run out are deleted through the agent like any other (requested by `system`,
 * reason "retention"). A VM busy with another operation keeps its snapshot until the next run.
 */
export async function expireSnapshots(ctx: ServiceContext, limit = 50): Promise<number> {
  const due = await ctx.db
    .select({ id: vmSnapshots.id, vm_id: vmSnapshots.vm_id })
    .from(vmSnapshots)
    .where(
      sql`${vmSnapshots.status} = 'ready' AND ${vmSnapshots.expires_at} <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        AND NOT EXISTS (SELECT 1 FROM vm_operations o WHERE o.vm_id = ${vmSnapshots.vm_id} AND o.status IN ('queued', 'running'))`,
    )
    .orderBy(vmSnapshots.expires_at)
    .limit(limit)
    .all();
  let queued = 0;
  const seen = new Set<number>();
  for (const s of due) {
    if (seen.has(s.vm_id)) continue; // one operation per VM at a time; the next run takes the next one
    seen.add(s.vm_id);
    await requestSnapshotDelete(ctx, s.id, `retention:${s.id}`, 'retention period ended');
    queued++;
  }
  return queued;
}
