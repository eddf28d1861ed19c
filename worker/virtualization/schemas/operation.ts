import * as v from 'valibot';
import { OPERATION_KINDS } from '../agent-protocol';

export const OPERATION_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;

export const VmOperation = v.object({
  id: v.number(),
  vm_id: v.number(),
  vm_name: v.string(),
  datacenter_id: v.number(),
  kind: v.picklist(OPERATION_KINDS),
  params: v.record(v.string(), v.unknown()),
  status: v.picklist(OPERATION_STATUSES),
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

/** Optional body of the simple operations (start, stop, restart). */
export const PowerBody = v.object({
  /** stop only: pull the plug instead of asking the guest to shut down */
  force: v.optional(v.boolean('must be true or false'), false),
});

export const SiteAgentStatus = v.object({
  datacenter_id: v.number(),
  /** an agent is connected now */
  connected: v.boolean(),
  hostname: v.nullable(v.string()),
  version: v.nullable(v.string()),
  drivers: v.array(v.string()),
  dry_run: v.boolean(),
  connected_at: v.nullable(v.string()),
  disconnected_at: v.nullable(v.string()),
  last_seen_at: v.nullable(v.string()),
  /** the operation it holds now */
  operation_id: v.nullable(v.number()),
  /** hosts and clusters it could not reach at its last observation (their VMs and workloads keep older readings) */
  unreachable: v.array(v.object({ driver: v.string(), target: v.string(), error: v.string() })),
  queued: v.number(),
  running: v.number(),
});
