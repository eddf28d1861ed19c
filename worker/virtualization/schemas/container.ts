import * as v from 'valibot';
import { id, int, name, oneOf, optionalText, SECURITY_ZONES, timestampsOut } from '../../platform/schemas/common';
import { OPERATION_STATUSES } from './operation';

// Only valibot here (and constants): the UI validates its cluster, workload, scale and rollout forms with these.

export const CLUSTER_KINDS = ['kubernetes', 'docker', 'podman'] as const;
export const NODE_ROLES = ['control-plane', 'worker'] as const;
export const PROBE_TYPES = ['liveness', 'readiness'] as const;
export const PROBE_HANDLERS = ['http', 'tcp', 'exec'] as const;
export const WORKLOAD_OPERATION_KINDS = ['workload.scale', 'workload.set_image'] as const;
/** what a workload is doing, from its replicas and its operations */
export const WORKLOAD_STATES = ['healthy', 'progressing', 'paused', 'degraded', 'unknown'] as const;

/** Kubernetes object names (RFC 1123 labels): what the agent passes to the orchestrator. */
const dnsLabel = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.minLength(1, 'is required'),
  v.maxLength(63, 'must be at most 63 characters'),
  v.regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be lower-case letters, digits and dashes (a DNS label)'),
);
const image = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.minLength(1, 'is required'),
  v.maxLength(255, 'must be at most 255 characters'),
  v.regex(/^[a-z0-9][a-z0-9._\-/:@]*$/, 'must be an image reference such as registry/name:tag'),
);
const millicores = v.optional(v.nullable(int(1, 1_024_000)));
const megabytes = v.optional(v.nullable(int(1, 16_777_216)));

const clusterFields = {
  name: name(64),
  kind: oneOf(CLUSTER_KINDS),
  security_zone: v.optional(oneOf(SECURITY_ZONES)),
  endpoint: optionalText(200),
  version: optionalText(40),
  description: optionalText(500),
};
export const ClusterCreate = v.object({ ...clusterFields, datacenter_id: id });
export const ClusterUpdate = v.partial(v.object(clusterFields));
export const Cluster = v.object({
  ...timestampsOut,
  name: v.string(),
  kind: v.picklist(CLUSTER_KINDS),
  datacenter_id: v.number(),
  datacenter_name: v.string(),
  security_zone: v.picklist(SECURITY_ZONES),
  endpoint: v.nullable(v.string()),
  version: v.nullable(v.string()),
  description: v.nullable(v.string()),
  node_count: v.number(),
  workload_count: v.number(),
  replicas_desired: v.number(),
  replicas_ready: v.number(),
});

/** Either `server_id` or `vm_id` (the resource's check says so by name). */
export const ClusterNodeCreate = v.object({
  cluster_id: id,
  server_id: v.optional(v.nullable(id)),
  vm_id: v.optional(v.nullable(id)),
  role: v.optional(oneOf(NODE_ROLES)),
});
export const ClusterNodeUpdate = v.object({ role: oneOf(NODE_ROLES) });
export const ClusterNode = v.object({
  ...timestampsOut,
  cluster_id: v.number(),
  server_id: v.nullable(v.number()),
  vm_id: v.nullable(v.number()),
  role: v.picklist(NODE_ROLES),
  node_name: v.nullable(v.string()),
  node_kind: v.picklist(['server', 'vm']),
});

export const Probe = v.object({
  type: oneOf(PROBE_TYPES),
  handler: oneOf(PROBE_HANDLERS),
  path: optionalText(200),
  port: v.optional(v.nullable(int(1, 65535))),
  command: optionalText(200),
  period_s: v.optional(int(1, 3600), 10),
});
const ProbeOut = v.object({
  type: v.picklist(PROBE_TYPES),
  handler: v.picklist(PROBE_HANDLERS),
  path: v.optional(v.nullable(v.string())),
  port: v.optional(v.nullable(v.number())),
  command: v.optional(v.nullable(v.string())),
  period_s: v.number(),
  last_result: v.optional(v.nullable(v.picklist(['success', 'failure']))),
  last_message: v.optional(v.nullable(v.string())),
  last_checked_at: v.optional(v.nullable(v.string())),
});

const labelKey = v.pipe(v.string(), v.regex(/^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/, 'is not a valid label key'));
const workloadFields = {
  image,
  cpu_request_m: millicores,
  cpu_limit_m: millicores,
  memory_request_mb: megabytes,
  memory_limit_mb: megabytes,
  labels: v.optional(
    v.pipe(
      v.record(labelKey, v.pipe(v.string('must be text'), v.maxLength(63, 'must be at most 63 characters'))),
      v.check((r) => Object.keys(r).length <= 30, 'at most 30 labels'),
    ),
  ),
  probes: v.optional(v.pipe(v.array(Probe, 'must be a list of probes'), v.maxLength(4, 'at most 4 probes'))),
};
/** Requests above their limits are refused by the resource's check (the orchestrator would refuse the pod). */
export const WorkloadCreate = v.object({
  ...workloadFields,
  cluster_id: id,
  namespace: v.optional(dnsLabel, 'default'),
  name: dnsLabel,
  replicas_desired: v.optional(int(0, 1000), 1),
});
const { image: _image, ...patchable } = workloadFields;
/** The image and the replica count change through operations (rollout, scale), never by a patch. */
export const WorkloadUpdate = v.object({
  ...v.partial(v.object(patchable)).entries,
  image: v.optional(v.never('changes by a rolling update: POST /containers/{id}/rollout')),
  replicas_desired: v.optional(v.never('changes by scaling: POST /containers/{id}/scale')),
});
export const Workload = v.object({
  ...timestampsOut,
  cluster_id: v.number(),
  cluster_name: v.string(),
  cluster_kind: v.picklist(CLUSTER_KINDS),
  datacenter_id: v.number(),
  namespace: v.string(),
  name: v.string(),
  image: v.string(),
  replicas_desired: v.number(),
  replicas_ready: v.number(),
  replicas_updated: v.number(),
  cpu_request_m: v.nullable(v.number()),
  cpu_limit_m: v.nullable(v.number()),
  memory_request_mb: v.nullable(v.number()),
  memory_limit_mb: v.nullable(v.number()),
  labels: v.record(v.string(), v.string()),
  probes: v.array(ProbeOut),
  observed_image: v.nullable(v.string()),
  observed_at: v.nullable(v.string()),
  state: v.picklist(WORKLOAD_STATES),
  /** the queued or running operation, if any */
  active_operation_id: v.nullable(v.number()),
});

export const ScaleBody = v.object({ replicas: int(0, 1000) });

/** max_surge and max_unavailable may not both be 0 (the service says so by name: nothing could move). */
export const RolloutBody = v.object({
  image,
  /** the container of the pod to update (Kubernetes; absent: the first) */
  container: v.optional(dnsLabel),
  /** replicas that may be down during the update */
  max_unavailable: v.optional(int(0, 1000), 0),
  /** replicas that may run above the desired count during the update */
  max_surge: v.optional(int(0, 1000), 1),
  /** replicas replaced per step (Docker/Podman; Kubernetes' controller sizes its own steps) */
  batch_size: v.optional(int(1, 1000), 1),
});

export const RolloutStep = v.object({
  at: v.string(),
  step: v.string(),
  detail: v.optional(v.record(v.string(), v.unknown())),
});
export const WorkloadOperation = v.object({
  id: v.number(),
  workload_id: v.number(),
  workload_name: v.string(),
  datacenter_id: v.number(),
  kind: v.picklist(WORKLOAD_OPERATION_KINDS),
  params: v.record(v.string(), v.unknown()),
  status: v.picklist(OPERATION_STATUSES),
  paused: v.boolean(),
  steps: v.array(RolloutStep),
  error: v.nullable(v.string()),
  output: v.nullable(v.record(v.string(), v.unknown())),
  idempotency_key: v.string(),
  requested_by: v.string(),
  attempts: v.number(),
  started_at: v.nullable(v.string()),
  finished_at: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
});
