import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import type { Change, ResourceDef, Row } from '../platform/http/resource';
import { forbidden, unprocessable, type FieldError } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { anyOf } from '../platform/http/sql-match';
import { canSee } from '../platform/access/zones';
import { requireStepUpForZones, requireStepUpToDeclassify } from '../platform/identity/step-up';
import { SECURITY_ZONES } from '../platform/schemas/common';
import { datacenters, servers } from '../dcim/tables';
import { serverEntity } from '../dcim/access';
import { clusterEntity, clusterNodeEntity, vmEntity, workloadEntity } from './access';
import { clusterNodes, clusters, vms, workloads, type Probe } from './tables';
import {
  CLUSTER_KINDS,
  Cluster,
  ClusterCreate,
  ClusterNode,
  ClusterNodeCreate,
  ClusterNodeUpdate,
  ClusterUpdate,
  NODE_ROLES,
  WORKLOAD_STATES,
  Workload,
  WorkloadCreate,
  WorkloadUpdate,
} from './schemas/container';

export const clustersResource: ResourceDef = {
  path: '/clusters',
  entity: 'cluster',
  label: 'Cluster',
  tag: 'Containers',
  table: clusters,
  schemas: { create: ClusterCreate, update: ClusterUpdate, output: Cluster },
  filters: {
    datacenter_id: { type: 'int' },
    kind: { type: 'string', values: CLUSTER_KINDS },
    security_zone: { type: 'string', values: SECURITY_ZONES },
  },
  sortable: ['id', 'name', 'kind', 'datacenter_name', 'security_zone', 'workload_count', 'node_count', 'created_at'],
  defaultSort: 'name',
  searchable: ['name', 'endpoint', 'version', 'description'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  references: { datacenter_id: { table: datacenters, label: 'Datacenter' } },
  dependents: [
    { table: workloads, column: 'cluster_id', label: 'workloads' },
    { table: clusterNodes, column: 'cluster_id', label: 'nodes' },
  ],
  scope: (ctx) => visibleWhere(ctx, clusterEntity),
  computed: () => ({
    datacenter_name: sql.raw('(SELECT d.name FROM datacenters d WHERE d.id = clusters.datacenter_id)'),
    node_count: sql.raw('(SELECT count(*) FROM cluster_nodes n WHERE n.cluster_id = clusters.id)'),
    workload_count: sql.raw('(SELECT count(*) FROM workloads w WHERE w.cluster_id = clusters.id)'),
    replicas_desired: sql.raw(
      '(SELECT coalesce(sum(w.replicas_desired), 0) FROM workloads w WHERE w.cluster_id = clusters.id)',
    ),
    replicas_ready: sql.raw(
      '(SELECT coalesce(sum(w.replicas_ready), 0) FROM workloads w WHERE w.cluster_id = clusters.id)',
    ),
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  guard: (ctx, rows) =>
    requireStepUpForZones(
      ctx,
      rows.map((r) => r.security_zone ?? 'Internal'),
    ),
  async check(ctx, changes) {
    for (const { before, after } of changes) {
      if (!canSee(ctx.actor, after.security_zone ?? 'Internal')) {
        throw forbidden(`Your clearance (${ctx.actor?.clearance}) does not reach the ${after.security_zone} zone.`);
      }
      if (before && before.security_zone !== after.security_zone) {
        requireStepUpToDeclassify(ctx, before.security_zone, after.security_zone);
      }
    }
  },
  description:
    'Container platforms: Kubernetes clusters and Docker/Podman hosts, each at one site (whose agent drives it ' +
    'under this name) and in its own security zone, which its workloads inherit.',
};

/** Each node is exactly one server or one VM of the inventory. */
async function checkNodes(_ctx: ServiceContext, changes: Change[]) {
  const errors: FieldError[] = [];
  for (const { after, prefix } of changes) {
    if (!!after.server_id === !!after.vm_id) {
      errors.push({ field: `${prefix}server_id`, message: 'give either server_id or vm_id, not both' });
    }
  }
  if (errors.length) throw unprocessable(errors);
}

export const clusterNodesResource: ResourceDef = {
  path: '/cluster-nodes',
  entity: 'cluster_node',
  label: 'Cluster node',
  tag: 'Containers',
  table: clusterNodes,
  schemas: { create: ClusterNodeCreate, update: ClusterNodeUpdate, output: ClusterNode },
  filters: {
    cluster_id: { type: 'int' },
    server_id: { type: 'int' },
    vm_id: { type: 'int' },
    role: { type: 'string', values: NODE_ROLES },
  },
  sortable: ['id', 'role', 'node_name', 'created_at'],
  defaultSort: 'id',
  searchable: ['role'],
  unique: [{ fields: ['cluster_id', 'server_id'] }, { fields: ['cluster_id', 'vm_id'] }],
  references: {
    cluster_id: { table: clusters, label: 'Cluster', scope: (ctx) => visibleWhere(ctx, clusterEntity) },
    server_id: { table: servers, label: 'Server', scope: (ctx) => visibleWhere(ctx, serverEntity) },
    vm_id: { table: vms, label: 'VM', scope: (ctx) => visibleWhere(ctx, vmEntity) },
  },
  scope: (ctx) => visibleWhere(ctx, clusterNodeEntity),
  computed: () => ({
    node_name: sql.raw(
      '(SELECT coalesce((SELECT s.name FROM servers s WHERE s.id = cluster_nodes.server_id), (SELECT v.name FROM vms v WHERE v.id = cluster_nodes.vm_id)))',
    ),
    node_kind: sql.raw("(CASE WHEN cluster_nodes.server_id IS NOT NULL THEN 'server' ELSE 'vm' END)"),
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  check: checkNodes,
  description: "A cluster's nodes: servers or VMs of the inventory, as control plane or workers.",
};

const PENDING_OP =
  "(SELECT o.id FROM workload_operations o WHERE o.workload_id = workloads.id AND o.status IN ('queued', 'running') ORDER BY o.id DESC LIMIT 1)";
/** What a workload is doing, for people: its replicas against what was asked, and whether a rollout runs. */
const STATE = `(CASE
  WHEN EXISTS (SELECT 1 FROM workload_operations o WHERE o.workload_id = workloads.id AND o.status = 'running' AND o.paused) THEN 'paused'
  WHEN EXISTS (SELECT 1 FROM workload_operations o WHERE o.workload_id = workloads.id AND o.status IN ('queued', 'running')) THEN 'progressing'
  WHEN workloads.observed_at IS NULL THEN 'unknown'
  WHEN workloads.replicas_ready >= workloads.replicas_desired THEN 'healthy'
  ELSE 'degraded' END)`;

/** Requests above their limits: the orchestrator would refuse the pod. */
async function checkWorkloads(_ctx: ServiceContext, changes: Change[]) {
  const errors: FieldError[] = [];
  for (const { before, after, prefix } of changes) {
    const w = { ...(before ?? {}), ...after } as Row;
    if (w.cpu_request_m && w.cpu_limit_m && w.cpu_request_m > w.cpu_limit_m) {
      errors.push({ field: `${prefix}cpu_request_m`, message: `may not exceed the CPU limit (${w.cpu_limit_m}m)` });
    }
    if (w.memory_request_mb && w.memory_limit_mb && w.memory_request_mb > w.memory_limit_mb) {
      errors.push({
        field: `${prefix}memory_request_mb`,
        message: `may not exceed the memory limit (${w.memory_limit_mb} MB)`,
      });
    }
  }
  if (errors.length) throw unprocessable(errors);
}

/** A probe kept as it was keeps its last result when the list is saved again (only new or changed ones start over). */
const sameProbe = (a: Probe, b: Probe) =>
  a.type === b.type &&
  a.handler === b.handler &&
  (a.path ?? null) === (b.path ?? null) &&
  (a.port ?? null) === (b.port ?? null) &&
  (a.command ?? null) === (b.command ?? null);
function keepProbeResults(patch: Row, before: Row | null): Row {
  if (!before || !Array.isArray(patch.probes)) return patch;
  const old = (before.probes ?? []) as Probe[];
  return {
    ...patch,
    probes: (patch.probes as Probe[]).map((p) => {
      const was = old.find((o) => sameProbe(o, p));
      return was?.last_checked_at
        ? { ...p, last_result: was.last_result, last_message: was.last_message, last_checked_at: was.last_checked_at }
        : p;
    }),
  };
}

export const workloadsResource: ResourceDef = {
  path: '/containers',
  entity: 'workload',
  label: 'Workload',
  tag: 'Containers',
  table: workloads,
  schemas: { create: WorkloadCreate, update: WorkloadUpdate, output: Workload },
  filters: {
    cluster_id: { type: 'int' },
    namespace: { type: 'string' },
    datacenter_id: {
      type: 'int',
      description: 'Workloads of clusters in these datacenters (comma-separated ids).',
      where: (ids) =>
        sql`${workloads.cluster_id} IN (SELECT ${clusters.id} FROM ${clusters} WHERE ${anyOf(clusters.datacenter_id, ids)})`,
    },
    state: {
      type: 'string',
      values: WORKLOAD_STATES,
      description: 'healthy, progressing (an operation is queued or running), paused, degraded, unknown.',
      where: (vals) => anyOf(sql.raw(STATE), vals),
    },
  },
  sortable: [
    'id',
    'name',
    'namespace',
    'cluster_name',
    'image',
    'replicas_desired',
    'replicas_ready',
    'state',
    'created_at',
  ],
  defaultSort: 'name',
  searchable: ['name', 'namespace', 'image'],
  unique: [{ fields: ['cluster_id', 'namespace', 'name'] }],
  references: {
    cluster_id: { table: clusters, label: 'Cluster', scope: (ctx) => visibleWhere(ctx, clusterEntity) },
  },
  scope: (ctx) => visibleWhere(ctx, workloadEntity),
  computed: () => ({
    cluster_name: sql.raw('(SELECT c.name FROM clusters c WHERE c.id = workloads.cluster_id)'),
    cluster_kind: sql.raw('(SELECT c.kind FROM clusters c WHERE c.id = workloads.cluster_id)'),
    datacenter_id: sql.raw('(SELECT c.datacenter_id FROM clusters c WHERE c.id = workloads.cluster_id)'),
    state: sql.raw(STATE),
    active_operation_id: sql.raw(PENDING_OP),
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  check: checkWorkloads,
  prepare: async (_ctx, patch, before) => keepProbeResults(patch, before),
  description:
    'Container workloads (a Kubernetes Deployment, a set of Docker/Podman containers): image, replicas desired ' +
    'and ready, requests and limits, labels, probes with their last results. Scale and roll out a new image ' +
    'with POST /containers/{id}/scale and /rollout; the site agent does it.',
};
