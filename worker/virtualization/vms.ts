import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import type { Change, ResourceDef, Row } from '../platform/http/resource';
import { conflict, type FieldError } from '../platform/http/problem';
import { andVisible, visibleWhere } from '../platform/access/entities';
import { mayNeedStepUp, requireStepUpForZones } from '../platform/identity/step-up';
import { serverEntity } from '../dcim/access';
import { racks, servers } from '../dcim/tables';
import { anyOf } from '../platform/http/sql-match';
import { vmEntity } from './access';
import { clusterNodes, vmScalingGroups, vms } from './tables';
import { HYPERVISORS, VM_STATUSES, Vm, VmCreate, VmUpdate } from './schemas/vm';
import { antiAffinityProblem, hostStatusProblem, shortfalls, type Amounts } from './capacity';
import { groupMembers, loadHosts } from './hosts';

const amountsOf = (r: Row): Amounts => ({
  cpu: Number(r.cpu_cores),
  ram: Number(r.ram_gb),
  disk: Number(r.disk_gb ?? 0),
});

/**
 * Every VM a write creates or resizes must fit on its host beside what is already promised there, on a host that
 * runs normally, away from the other members of its anti-affinity group.
 */
async function checkPlacement(ctx: ServiceContext, changes: Change[]) {
  const relevant = changes.filter(
    ({ before, after }) =>
      !before ||
      (['cpu_cores', 'ram_gb', 'disk_gb', 'anti_affinity_group'] as const).some(
        (k) => k in after && before[k] !== after[k],
      ),
  );
  if (!relevant.length) return;
  const merged = relevant.map((c) => ({ ...c, row: { ...(c.before ?? {}), ...c.after } }));
  const changing = merged.flatMap((c) => (c.before ? [Number(c.before.id)] : []));
  const hostIds = [...new Set(merged.map((c) => Number(c.row.host_server_id)))];
  const hosts = new Map((await loadHosts(ctx, { ids: hostIds, excludeVmIds: changing })).map((h) => [h.id, h]));
  const groups = [...new Set(merged.map((c) => c.row.anti_affinity_group).filter((g): g is string => !!g))];
  const others = await groupMembers(ctx, groups, changing);
  const errors: FieldError[] = [];
  // VMs of the same request share their hosts: each one placed counts against the next
  const placed: { name: string; host_server_id: number; anti_affinity_group: string | null }[] = [];
  const taken = new Map<number, Amounts>();
  for (const c of merged) {
    const host = hosts.get(Number(c.row.host_server_id));
    if (!host) continue; // a reference the machinery reports as missing
    const field = (f: string) => `${c.prefix}${f}`;
    if (!c.before) {
      const status = hostStatusProblem(host);
      if (status) errors.push({ field: field('host_server_id'), message: status });
    }
    const before = taken.get(host.id) ?? { cpu: 0, ram: 0, disk: 0 };
    const ask = amountsOf(c.row);
    const resources = host.resources.map((r) => ({ ...r, free: r.free - before[r.resource] }));
    for (const message of shortfalls(resources, ask)) {
      const f = message.startsWith('CPU') ? 'cpu_cores' : message.startsWith('RAM') ? 'ram_gb' : 'disk_gb';
      errors.push({ field: field(f), message: `host ${host.name}: ${message}` });
    }
    taken.set(host.id, { cpu: before.cpu + ask.cpu, ram: before.ram + ask.ram, disk: before.disk + ask.disk });
    const clash = antiAffinityProblem(c.row.anti_affinity_group, host.id, host.name, [...others, ...placed]);
    if (clash) errors.push({ field: field('anti_affinity_group'), message: clash });
    placed.push({ name: c.row.name, host_server_id: host.id, anti_affinity_group: c.row.anti_affinity_group ?? null });
  }
  if (errors.length) throw conflict(`The VM does not fit: ${errors.map((e) => e.message).join('; ')}.`, errors);
}

/** VMs inherit their host's zone, and with it the zone's step-up policy. */
async function guardVms(ctx: ServiceContext, rows: Row[]) {
  if (!mayNeedStepUp(ctx)) return;
  const hosts = await loadHosts(ctx, { ids: [...new Set(rows.map((r) => Number(r.host_server_id)))] });
  requireStepUpForZones(
    ctx,
    hosts.map((h) => h.zone),
  );
}

const DRIFT = `(vms.observed_at IS NOT NULL AND ((vms.status <> 'migrating' AND vms.observed_status IS NOT vms.status)
  OR vms.observed_host IS NOT (SELECT s.name FROM servers s WHERE s.id = vms.host_server_id)))`;

export const vmsResource: ResourceDef = {
  path: '/vms',
  entity: 'vm',
  label: 'VM',
  tag: 'Virtualization',
  table: vms,
  schemas: { create: VmCreate, update: VmUpdate, output: Vm },
  filters: {
    host_server_id: { type: 'int' },
    datacenter_id: {
      type: 'int',
      description: 'VMs on hosts in these datacenters (comma-separated ids).',
      where: (ids) =>
        sql`${vms.host_server_id} IN (SELECT ${servers.id} FROM ${servers} JOIN ${racks} ON ${racks.id} = ${servers.rack_id} WHERE ${anyOf(racks.datacenter_id, ids)})`,
    },
    hypervisor: { type: 'string', values: HYPERVISORS },
    status: { type: 'string', values: VM_STATUSES },
    owner: { type: 'string' },
    anti_affinity_group: { type: 'string' },
    cloned_from_vm_id: { type: 'int', description: 'Clones of these VMs.' },
    cloned_from_snapshot_id: { type: 'int', description: 'Clones made from these snapshots.' },
    scaling_group_id: { type: 'int', description: 'Members of these auto-scaling groups.' },
    drift: {
      type: 'string',
      values: ['true', 'false'],
      description: 'true: VMs whose recorded state differs from what the site agent last saw.',
      where: (vals) => (vals.includes('true') ? sql.raw(DRIFT) : sql.raw(`NOT ${DRIFT}`)),
    },
  },
  sortable: [
    'id',
    'name',
    'host_name',
    'datacenter_name',
    'hypervisor',
    'status',
    'cpu_cores',
    'ram_gb',
    'disk_gb',
    'owner',
    'created_at',
  ],
  defaultSort: 'name',
  searchable: ['name', 'os', 'owner', 'vlan', 'anti_affinity_group'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  dependents: [
    { table: vmScalingGroups, column: 'template_vm_id', label: 'Auto-scaling group (its template)' },
    { table: clusterNodes, column: 'vm_id', label: 'Cluster node' },
  ],
  references: {
    host_server_id: { table: servers, label: 'Host server', scope: (ctx) => visibleWhere(ctx, serverEntity) },
  },
  scope: (ctx) => visibleWhere(ctx, vmEntity),
  computed: (ctx) => ({
    // a source that moved into a zone the caller cannot enter stays nameless
    cloned_from_vm_name: sql`(SELECT p.name FROM vms p WHERE p.id = vms.cloned_from_vm_id${andVisible(ctx, vmEntity, 'p')})`,
    host_name: sql.raw('(SELECT s.name FROM servers s WHERE s.id = vms.host_server_id)'),
    datacenter_id: sql.raw(
      '(SELECT r.datacenter_id FROM servers s JOIN racks r ON r.id = s.rack_id WHERE s.id = vms.host_server_id)',
    ),
    datacenter_name: sql.raw(
      '(SELECT d.name FROM servers s JOIN racks r ON r.id = s.rack_id JOIN datacenters d ON d.id = r.datacenter_id WHERE s.id = vms.host_server_id)',
    ),
    drift: sql.raw(DRIFT),
    pending_operations: sql.raw(
      "(SELECT count(*) FROM vm_operations o WHERE o.vm_id = vms.id AND o.status IN ('queued', 'running'))",
    ),
  }),
  present: (row) => ('drift' in row ? { ...row, drift: !!row.drift } : row),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    "Virtual machines on the inventory's host servers: resources, placement (checked against the host's " +
    'overcommit ratios, status and anti-affinity), recorded and observed state. Power, migration, snapshots ' +
    'and clones are operations run on site by the agent.',
  check: checkPlacement,
  guard: guardVms,
};
