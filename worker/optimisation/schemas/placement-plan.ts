import * as v from 'valibot';
import { id, int, oneOf, timestampsOut } from '../../platform/schemas/common';

// Only valibot here: the UI's plan form validates with PlanCreate.

export const PLAN_GOALS = ['pack', 'spread'] as const;
export const PLAN_STATUSES = ['proposed', 'executing', 'completed', 'failed', 'rejected'] as const;
export const MOVE_STATUSES = ['pending', 'queued', 'done', 'failed'] as const;

export const PlanCreate = v.object({
  datacenter_id: id,
  goal: v.pipe(
    oneOf(PLAN_GOALS),
    v.description('pack: fewest hosts, freeing the rest for power-down; spread: the lowest peak utilisation'),
  ),
  headroom_pct: v.optional(
    v.pipe(int(0, 90), v.description('Share of each host kept free after overcommit (default 10 %)')),
  ),
});

export const PlanDecision = v.object({
  /** why it is rejected (shown in the plan's history) */
  reason: v.optional(v.pipe(v.string('must be text'), v.trim(), v.maxLength(500, 'must be at most 500 characters'))),
});

const n = v.number();
const amounts = v.object({ vcpu: n, ram_gb: n, disk_gb: n });

export const PlanMove = v.object({
  vm_id: n,
  vm_name: v.string(),
  from_host_id: v.nullable(n),
  from_host: v.nullable(v.string()),
  to_host_id: n,
  to_host: v.string(),
  temporary: v.optional(
    v.pipe(
      v.boolean(),
      v.description('A stop on the way out of a cycle of moves: the VM moves on to its own target in a later move'),
    ),
  ),
  status: v.picklist(MOVE_STATUSES),
  operation_id: v.nullable(n),
  error: v.nullable(v.string()),
});

export const PlanHost = v.object({
  server_id: n,
  name: v.string(),
  maintenance: v.boolean(),
  /** why it is evacuated: its status, or the maintenance window that covers it */
  maintenance_reason: v.nullable(v.string()),
  capacity: v.pipe(
    v.object({ vcpu: v.nullable(n), ram_gb: v.nullable(n), disk_gb: v.nullable(n) }),
    v.description('What may be promised: physical × overcommit × (1 − headroom); null where the host sets no limit'),
  ),
  before: amounts,
  after: amounts,
  utilisation_before: v.pipe(n, v.description('The highest of load / capacity over vCPU, RAM and disk')),
  utilisation_after: n,
  vms_before: n,
  vms_after: n,
});

export const PlacementPlan = v.object({
  ...timestampsOut,
  id: n,
  datacenter_id: n,
  datacenter_name: v.string(),
  goal: v.picklist(PLAN_GOALS),
  headroom_pct: n,
  status: v.picklist(PLAN_STATUSES),
  security_zone: v.string(),
  summary: v.object({
    hosts_considered: n,
    vms_considered: n,
    hosts_used_before: n,
    hosts_used_after: n,
    max_utilisation_before: n,
    max_utilisation_after: n,
    moves: n,
    /** every move fits on its target when run in the listed order */
    ordered: v.boolean(),
    freed: v.array(v.object({ server_id: n, name: v.string() })),
    evacuated: v.array(v.object({ server_id: n, name: v.string() })),
    /** the power the freed hosts draw (their allocated power), what powering them down would save */
    freed_power_w: n,
    /** VMs left where they are because they could not move (busy, not running or stopped) */
    fixed_vms: n,
  }),
  moves: v.array(PlanMove),
  hosts: v.array(PlanHost),
  unplaceable: v.array(v.object({ vm_id: n, vm_name: v.string(), host: v.nullable(v.string()), reason: v.string() })),
  requested_by: v.nullable(v.string()),
  decided_by: v.nullable(v.string()),
  decided_at: v.nullable(v.string()),
  error: v.nullable(v.string()),
});
