import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';
import { datacenters, servers } from '../dcim/tables';

/**
 * Virtual machines, each on one host server of the inventory (its zone is its host's). `status` is what the
 * platform recorded (moved by operations as their results come back); `observed_*` is what the site agent last
 * saw on the hypervisor: a difference between the two is drift, shown and never applied silently.
 */
export const vms = sqliteTable(
  'vms',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    host_server_id: integer('host_server_id')
      .notNull()
      .references(() => servers.id),
    hypervisor: text('hypervisor').notNull().default('KVM'),
    os: text('os'),
    os_version: text('os_version'),
    cpu_cores: integer('cpu_cores').notNull(),
    ram_gb: real('ram_gb').notNull(),
    disk_gb: real('disk_gb').notNull().default(0),
    network_type: text('network_type'),
    vlan: text('vlan'),
    status: text('status').notNull().default('stopped'),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull().default([]),
    owner: text('owner'),
    /** VMs of one group never share a host */
    anti_affinity_group: text('anti_affinity_group'),
    /** lineage: the VM (and its snapshot, if any) this one was cloned from */
    cloned_from_vm_id: integer('cloned_from_vm_id'),
    cloned_from_snapshot_id: integer('cloned_from_snapshot_id'),
    /** the snapshot the VM's disks are at now (the parent of its next snapshot; moved by revert) */
    current_snapshot_id: integer('current_snapshot_id'),
    /** the auto-scaling group that made this VM (a clone of the group's template), removed on scale-in */
    scaling_group_id: integer('scaling_group_id'),
    observed_status: text('observed_status'),
    observed_host: text('observed_host'),
    observed_at: text('observed_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('vms_name_uq').on(t.name),
    index('vms_name_ci_idx').on(sql`lower(${t.name})`),
    index('vms_host_idx').on(t.host_server_id),
    index('vms_group_idx').on(t.anti_affinity_group),
    index('vms_scaling_group_idx').on(t.scaling_group_id),
  ],
);

/**
 * How far a host's physical resources may be promised to VMs (vCPU 4:1, RAM 1:1 unless said otherwise): one row
 * per host that departs from the defaults (worker/virtualization/capacity.ts).
 */
export const hostOvercommit = sqliteTable(
  'host_overcommit',
  {
    server_id: integer('server_id')
      .notNull()
      .references(() => servers.id, { onDelete: 'cascade' }),
    cpu_ratio: real('cpu_ratio').notNull(),
    ram_ratio: real('ram_ratio').notNull(),
    disk_ratio: real('disk_ratio').notNull(),
    updated_at: text('updated_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  },
  (t) => [primaryKey({ columns: [t.server_id] })],
);

/**
 * Work the platform asked a site to do (start a VM, migrate it, snapshot it...), queued → running →
 * succeeded | failed | cancelled. `idempotency_key` travels with the operation to the agent, which never runs a
 * key twice; a client retrying its request with the same Idempotency-Key gets the same operation back.
 */
export const vmOperations = sqliteTable(
  'vm_operations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    vm_id: integer('vm_id')
      .notNull()
      .references(() => vms.id, { onDelete: 'cascade' }),
    /** the site whose agent runs it: the datacenter of the VM's host when it was asked */
    datacenter_id: integer('datacenter_id')
      .notNull()
      .references(() => datacenters.id),
    kind: text('kind').notNull(),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    status: text('status').notNull().default('queued'),
    error: text('error'),
    output: text('output', { mode: 'json' }).$type<Record<string, unknown>>(),
    idempotency_key: text('idempotency_key').notNull(),
    requested_by: text('requested_by').notNull(),
    attempts: integer('attempts').notNull().default(0),
    started_at: text('started_at'),
    finished_at: text('finished_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('vm_operations_key_uq').on(t.idempotency_key),
    index('vm_operations_vm_idx').on(t.vm_id, t.id),
    index('vm_operations_site_idx').on(t.datacenter_id, t.status, t.id),
  ],
);

/** Snapshots of a VM (created, reverted to and deleted through operations); `status` follows their operation. */
export const vmSnapshots = sqliteTable(
  'vm_snapshots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    vm_id: integer('vm_id')
      .notNull()
      .references(() => vms.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    /** the snapshot the VM was at when this one was taken: the tree */
    parent_id: integer('parent_id'),
    size_gb: real('size_gb'),
    /** creating, ready, reverting, deleting, failed */
    status: text('status').notNull().default('creating'),
    /** deleted by the retention job after this time (null: kept) */
    expires_at: text('expires_at'),
    requested_by: text('requested_by'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('vm_snapshots_name_uq').on(t.vm_id, t.name), index('vm_snapshots_expiry_idx').on(t.expires_at)],
);

/**
 * Each site's agent as its site object last saw it (the object writes it: connect, hello, disconnect), for the UI
 * and GET /sites/{id}/agent. One row per datacenter that ever had an agent.
 */
export const siteAgents = sqliteTable('site_agents', {
  datacenter_id: integer('datacenter_id')
    .primaryKey()
    .references(() => datacenters.id, { onDelete: 'cascade' }),
  connected: integer('connected', { mode: 'boolean' }).notNull().default(false),
  hostname: text('hostname'),
  version: text('version'),
  drivers: text('drivers', { mode: 'json' }).$type<string[]>().notNull().default([]),
  dry_run: integer('dry_run', { mode: 'boolean' }).notNull().default(false),
  connected_at: text('connected_at'),
  disconnected_at: text('disconnected_at'),
  last_seen_at: text('last_seen_at'),
  /** the operation it holds now, if any */
  operation_id: integer('operation_id'),
  /** the hosts and clusters it could not reach at its last observation, with why */
  unreachable: text('unreachable', { mode: 'json' })
    .$type<{ driver: string; target: string; error: string }[]>()
    .notNull()
    .default([]),
});

export type VmRow = typeof vms.$inferSelect;
export type VmOperationRow = typeof vmOperations.$inferSelect;

/**
 * Container platforms: Kubernetes clusters and Docker/Podman hosts, each at one site (its agent drives them under
 * this `name`: a kubeconfig context, a docker endpoint's name in the agent's config). A workload is as secret as
 * its cluster.
 */
export const clusters = sqliteTable(
  'clusters',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** kubernetes, docker, podman */
    kind: text('kind').notNull(),
    datacenter_id: integer('datacenter_id')
      .notNull()
      .references(() => datacenters.id),
    security_zone: text('security_zone').notNull().default('Internal'),
    endpoint: text('endpoint'),
    version: text('version'),
    description: text('description'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('clusters_name_uq').on(t.name), index('clusters_dc_idx').on(t.datacenter_id)],
);

/** A cluster's nodes: servers or VMs of the inventory. */
export const clusterNodes = sqliteTable(
  'cluster_nodes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cluster_id: integer('cluster_id')
      .notNull()
      .references(() => clusters.id, { onDelete: 'cascade' }),
    server_id: integer('server_id').references(() => servers.id),
    vm_id: integer('vm_id').references(() => vms.id),
    /** control-plane, worker */
    role: text('role').notNull().default('worker'),
    ...timestamps(),
  },
  (t) => [
    index('cluster_nodes_cluster_idx').on(t.cluster_id),
    uniqueIndex('cluster_nodes_server_uq').on(t.cluster_id, t.server_id),
    uniqueIndex('cluster_nodes_vm_uq').on(t.cluster_id, t.vm_id),
  ],
);

export interface Probe {
  type: 'liveness' | 'readiness';
  handler: 'http' | 'tcp' | 'exec';
  path?: string | null;
  port?: number | null;
  command?: string | null;
  period_s: number;
  /** the last result the site agent observed */
  last_result?: 'success' | 'failure' | null;
  last_message?: string | null;
  last_checked_at?: string | null;
}

/**
 * Workloads (a Kubernetes Deployment, a set of Docker/Podman containers under one name): what is declared here
 * (image, replicas, requests and limits, probes) and what the agent last observed (ready and updated replicas, the
 * running image, probe results). Scaling and rolling updates are operations run on site.
 */
export const workloads = sqliteTable(
  'workloads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    cluster_id: integer('cluster_id')
      .notNull()
      .references(() => clusters.id),
    namespace: text('namespace').notNull().default('default'),
    name: text('name').notNull(),
    image: text('image').notNull(),
    replicas_desired: integer('replicas_desired').notNull().default(1),
    replicas_ready: integer('replicas_ready').notNull().default(0),
    replicas_updated: integer('replicas_updated').notNull().default(0),
    cpu_request_m: integer('cpu_request_m'),
    cpu_limit_m: integer('cpu_limit_m'),
    memory_request_mb: integer('memory_request_mb'),
    memory_limit_mb: integer('memory_limit_mb'),
    labels: text('labels', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    probes: text('probes', { mode: 'json' }).$type<Probe[]>().notNull().default([]),
    observed_image: text('observed_image'),
    observed_at: text('observed_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('workloads_name_uq').on(t.cluster_id, t.namespace, t.name),
    index('workloads_cluster_idx').on(t.cluster_id),
  ],
);

export interface RolloutStep {
  at: string;
  step: string;
  detail?: Record<string, unknown>;
}

/**
 * Scaling and rolling updates asked of a workload's site agent, queued → running → succeeded | failed |
 * cancelled like VM operations (and handed out from the same site queue). A rolling update records every step the
 * agent reports (`steps`), can be paused and resumed while it runs, and is rolled back by the agent when readiness
 * fails. Their idempotency keys start with `wl:` (the site queue tells the two kinds apart by it).
 */
export const workloadOperations = sqliteTable(
  'workload_operations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workload_id: integer('workload_id')
      .notNull()
      .references(() => workloads.id, { onDelete: 'cascade' }),
    datacenter_id: integer('datacenter_id')
      .notNull()
      .references(() => datacenters.id),
    kind: text('kind').notNull(),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    status: text('status').notNull().default('queued'),
    paused: integer('paused', { mode: 'boolean' }).notNull().default(false),
    steps: text('steps', { mode: 'json' }).$type<RolloutStep[]>().notNull().default([]),
    error: text('error'),
    output: text('output', { mode: 'json' }).$type<Record<string, unknown>>(),
    idempotency_key: text('idempotency_key').notNull(),
    requested_by: text('requested_by').notNull(),
    attempts: integer('attempts').notNull().default(0),
    started_at: text('started_at'),
    finished_at: text('finished_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('workload_operations_key_uq').on(t.idempotency_key),
    index('workload_operations_workload_idx').on(t.workload_id, t.id),
    index('workload_operations_site_idx').on(t.datacenter_id, t.status, t.id),
  ],
);

/**
 * Automatic scaling of a workload by a telemetry metric of its cluster's nodes (servers, or the hosts of VM
 * nodes): the minute cron compares the metric's average over `window_min` with the thresholds and asks the site
 * agent for a scale, within min/max, no sooner than `cooldown_s` after the last one.
 */
export const autoscalePolicies = sqliteTable(
  'autoscale_policies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workload_id: integer('workload_id')
      .notNull()
      .references(() => workloads.id, { onDelete: 'cascade' }),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    metric: text('metric').notNull().default('cpu_pct'),
    window_min: integer('window_min').notNull().default(5),
    scale_out_above: real('scale_out_above').notNull(),
    scale_in_below: real('scale_in_below').notNull(),
    min_replicas: integer('min_replicas').notNull().default(1),
    max_replicas: integer('max_replicas').notNull(),
    step: integer('step').notNull().default(1),
    cooldown_s: integer('cooldown_s').notNull().default(300),
    last_action_at: text('last_action_at'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('autoscale_policies_workload_uq').on(t.workload_id)],
);

/** What the cron decided for a policy, and why: every scale, and every change of reason for holding. */
export const autoscaleDecisions = sqliteTable(
  'autoscale_decisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    policy_id: integer('policy_id')
      .notNull()
      .references(() => autoscalePolicies.id, { onDelete: 'cascade' }),
    workload_id: integer('workload_id').notNull(),
    /** scale_out, scale_in, hold */
    action: text('action').notNull(),
    reason: text('reason').notNull(),
    /** the metric's average over the window (null: no data) */
    value: real('value'),
    samples: integer('samples').notNull().default(0),
    replicas_before: integer('replicas_before').notNull(),
    replicas_after: integer('replicas_after').notNull(),
    operation_id: integer('operation_id'),
    created_at: text('created_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  },
  (t) => [index('autoscale_decisions_policy_idx').on(t.policy_id, t.id)],
);

/**
 * An auto-scaling group of VMs: members are clones of `template_vm_id` (made on its host, started), added one at a
 * time while the metric of the hosts the group runs on stays above `scale_out_above` and removed (newest first,
 * deleted on the hypervisor) while it stays below `scale_in_below`, within min/max, `cooldown_s` apart.
 */
export const vmScalingGroups = sqliteTable(
  'vm_scaling_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    template_vm_id: integer('template_vm_id')
      .notNull()
      .references(() => vms.id),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    metric: text('metric').notNull().default('cpu_pct'),
    window_min: integer('window_min').notNull().default(5),
    scale_out_above: real('scale_out_above').notNull(),
    scale_in_below: real('scale_in_below').notNull(),
    min_size: integer('min_size').notNull().default(1),
    max_size: integer('max_size').notNull(),
    cooldown_s: integer('cooldown_s').notNull().default(300),
    last_action_at: text('last_action_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('vm_scaling_groups_name_uq').on(t.name),
    index('vm_scaling_groups_template_idx').on(t.template_vm_id),
  ],
);

/** What the cron decided for a VM scaling group and why; `vm_name` keeps the member added or removed. */
export const vmScalingDecisions = sqliteTable(
  'vm_scaling_decisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    group_id: integer('group_id')
      .notNull()
      .references(() => vmScalingGroups.id, { onDelete: 'cascade' }),
    action: text('action').notNull(),
    reason: text('reason').notNull(),
    value: real('value'),
    samples: integer('samples').notNull().default(0),
    size_before: integer('size_before').notNull(),
    size_after: integer('size_after').notNull(),
    vm_name: text('vm_name'),
    operation_id: integer('operation_id'),
    created_at: text('created_at')
      .notNull()
      .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
  },
  (t) => [index('vm_scaling_decisions_group_idx').on(t.group_id, t.id)],
);

/**
 * Work on a server itself, run by its site's agent through the host driver (a systemd unit restarted, old journals
 * and temp files removed, unused images pruned), queued → running → succeeded | failed | cancelled like VM
 * operations and handed out from the same site queue. Their idempotency keys start with `host:`. The agent's own
 * config decides which units and directories it may touch: a refusal comes back as a failed operation.
 */
export const hostOperations = sqliteTable(
  'host_operations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    server_id: integer('server_id')
      .notNull()
      .references(() => servers.id, { onDelete: 'cascade' }),
    datacenter_id: integer('datacenter_id')
      .notNull()
      .references(() => datacenters.id),
    /** host.service_restart or host.disk_cleanup */
    kind: text('kind').notNull(),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    status: text('status').notNull().default('queued'),
    error: text('error'),
    /** what the agent reported: the unit's state, the bytes each cleanup step freed */
    output: text('output', { mode: 'json' }).$type<Record<string, unknown>>(),
    idempotency_key: text('idempotency_key').notNull(),
    requested_by: text('requested_by').notNull(),
    attempts: integer('attempts').notNull().default(0),
    started_at: text('started_at'),
    finished_at: text('finished_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('host_operations_key_uq').on(t.idempotency_key),
    index('host_operations_server_idx').on(t.server_id, t.id),
    index('host_operations_site_idx').on(t.datacenter_id, t.status, t.id),
  ],
);
