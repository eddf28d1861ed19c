// The wire protocol between the site agent (agent/, a Node program on the customer's site) and its site's
// Durable Object (one per datacenter). JSON text frames over one WebSocket that the agent dials out
// (GET /api/agents/connect; its token, of the `agent` scope and bound to one datacenter, travels as the subprotocol
// list ['dcp-agent', 'bearer.<token>'] because a WebSocket client cannot set an Authorization header).
// Only valibot here: the agent imports this file as it is.
//
// The conversation:
//   object → agent  welcome      who the agent is to the platform (its site)
//   agent  → object hello        what it can drive (drivers), whether it only pretends (dry_run)
//   object → agent  operation    one at a time, leased for lease_ms; a lease that runs out puts it back in the queue
//   object → agent  pause/resume a rolling update holds before its next batch, or goes on
//   agent  → object started      it began; the lease is renewed while `progress` frames keep coming
//   agent  → object progress     a step of a long operation (a rolling update's batches)
//   agent  → object result       ok, or the error text; the object records it and hands out the next one
//   agent  → object observed     what the hypervisors and orchestrators report now (drift is shown, never applied)
// An operation carries an idempotency `key`: the agent journals the result of every key it ran and answers a
// repeated key (an operation handed out again after a reconnect) from its journal without running it twice.
import * as v from 'valibot';

export const PROTOCOL_VERSION = 1;

export const OPERATION_KINDS = [
  'vm.create',
  'vm.delete',
  'vm.start',
  'vm.stop',
  'vm.restart',
  'vm.migrate',
  'vm.snapshot.create',
  'vm.snapshot.revert',
  'vm.snapshot.delete',
  'vm.clone',
  'workload.scale',
  'workload.set_image',
  'host.service_restart',
  'host.disk_cleanup',
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

export const DRIVERS = ['libvirt', 'docker', 'kubernetes', 'host'] as const;
export type DriverName = (typeof DRIVERS)[number];

/** What an operation acts on, as the site knows it (names, not platform ids: the hypervisor has no ids of ours). */
export const VmTarget = v.object({
  kind: v.literal('vm'),
  driver: v.picklist(DRIVERS),
  name: v.string(),
  /** the inventory name of the server that hosts it (libvirt: the connection of that host) */
  host: v.string(),
});
export const WorkloadTarget = v.object({
  kind: v.literal('workload'),
  driver: v.picklist(DRIVERS),
  cluster: v.string(),
  namespace: v.string(),
  name: v.string(),
});
/**
 * A server itself (its systemd units, its disks), by its inventory name: the agent's own config says whether that
 * is the machine it runs on or one it reaches over SSH, and which units and directories it may touch there.
 */
export const HostTarget = v.object({
  kind: v.literal('host'),
  driver: v.literal('host'),
  host: v.string(),
});
export const Target = v.variant('kind', [VmTarget, WorkloadTarget, HostTarget]);

/**
 * Parameters by kind:
 *   vm.create           { cpu_cores, ram_gb, disk_gb, os, network_type, vlan }
 *   vm.migrate          { target_host, live: boolean }
 *   vm.snapshot.*       { snapshot }             (the snapshot's name)
 *   vm.clone            { clone_name, snapshot?, start? }  (from the VM or one of its snapshots; start: run it)
 *   workload.scale      { replicas }
 *   workload.set_image  { image, container?, max_unavailable, max_surge, batch_size }
 *   host.service_restart { unit }
 *   host.disk_cleanup   { journal_max_size_mb?, journal_max_age_days?, temp_dirs, temp_max_age_days, image_prune }
 */
export const Operation = v.object({
  id: v.number(),
  key: v.string(),
  kind: v.picklist(OPERATION_KINDS),
  target: Target,
  params: v.record(v.string(), v.unknown()),
});
export type Operation = v.InferOutput<typeof Operation>;

export const ObservedVm = v.object({
  driver: v.picklist(DRIVERS),
  host: v.string(),
  name: v.string(),
  uuid: v.optional(v.string()),
  state: v.picklist(['running', 'stopped', 'suspended', 'error']),
  cpu_cores: v.optional(v.number()),
  ram_gb: v.optional(v.number()),
  snapshots: v.optional(v.array(v.string())),
});
export type ObservedVm = v.InferOutput<typeof ObservedVm>;

export const ObservedWorkload = v.object({
  driver: v.picklist(DRIVERS),
  cluster: v.string(),
  namespace: v.string(),
  name: v.string(),
  image: v.string(),
  replicas_desired: v.number(),
  replicas_ready: v.number(),
  replicas_updated: v.optional(v.number()),
  /** the last result of each kind of probe across the replicas (failure if any replica fails it) */
  probes: v.optional(
    v.array(
      v.object({
        type: v.picklist(['liveness', 'readiness']),
        result: v.picklist(['success', 'failure']),
        message: v.optional(v.string()),
      }),
    ),
  ),
});
export type ObservedWorkload = v.InferOutput<typeof ObservedWorkload>;

export const Unreachable = v.object({
  driver: v.picklist(DRIVERS),
  /** the libvirt host or the docker/kubernetes cluster, by its site name */
  target: v.string(),
  error: v.string(),
});
export type Unreachable = v.InferOutput<typeof Unreachable>;

/** object → agent */
export const ServerMessage = v.variant('type', [
  v.object({
    type: v.literal('welcome'),
    protocol: v.number(),
    site: v.object({ datacenter_id: v.number(), name: v.string() }),
  }),
  v.object({ type: v.literal('operation'), operation: Operation, lease_ms: v.number() }),
  /** the operation was cancelled while the agent held it (it should stop if it can and report a result) */
  v.object({ type: v.literal('cancel'), id: v.number() }),
  /**
   * a rolling update the agent holds stops before its next batch (pause) or goes on (resume); the agent answers
   * with a `progress` frame whose step is 'paused' or 'resumed'. Other operations ignore them.
   */
  v.object({ type: v.literal('pause'), id: v.number() }),
  v.object({ type: v.literal('resume'), id: v.number() }),
]);
export type ServerMessage = v.InferOutput<typeof ServerMessage>;

/** agent → object */
export const AgentMessage = v.variant('type', [
  v.object({
    type: v.literal('hello'),
    protocol: v.number(),
    agent: v.object({
      version: v.string(),
      hostname: v.string(),
      drivers: v.array(v.picklist(DRIVERS)),
      dry_run: v.boolean(),
    }),
  }),
  v.object({ type: v.literal('started'), id: v.number(), key: v.string() }),
  v.object({
    type: v.literal('progress'),
    id: v.number(),
    key: v.string(),
    step: v.string(),
    detail: v.optional(v.record(v.string(), v.unknown())),
  }),
  v.object({
    type: v.literal('result'),
    id: v.number(),
    key: v.string(),
    ok: v.boolean(),
    /** what the driver reported (the new host after a migration, a snapshot's size) */
    output: v.optional(v.record(v.string(), v.unknown())),
    error: v.optional(v.string()),
    /** answered from the journal: this key had already run */
    replayed: v.optional(v.boolean()),
  }),
  v.object({
    type: v.literal('observed'),
    at: v.number(),
    vms: v.array(ObservedVm),
    workloads: v.array(ObservedWorkload),
    /** hosts and clusters the agent could not reach this time (their VMs and workloads keep their last observation) */
    unreachable: v.optional(v.array(Unreachable)),
  }),
]);
export type AgentMessage = v.InferOutput<typeof AgentMessage>;
