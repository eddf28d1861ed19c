import * as v from 'valibot';
import { id, int, name, oneOf, optionalText, timestampsOut, SECURITY_ZONES } from '../../platform/schemas/common';
import { SEVERITIES } from '../../alerting/schemas/alert-rule';

// Only valibot here (and constants): the UI's playbook form validates with PlaybookCreate.

export const PLAYBOOK_ACTIONS = ['vm.migrate', 'vm_group.scale_out', 'workload.scale'] as const;
export const PLAYBOOK_MODES = ['dry_run', 'approval', 'auto'] as const;
export const APPROVAL_SEVERITIES = [...SEVERITIES, 'never'] as const;

export const PlaybookCreate = v.object({
  name: name(100),
  description: optionalText(500),
  enabled: v.optional(v.boolean('must be true or false')),
  action: v.pipe(
    oneOf(PLAYBOOK_ACTIONS),
    v.description(
      "vm.migrate: move a VM off the alert's server to the host with the most room (workload balancing); " +
        'vm_group.scale_out: one more member of a VM auto-scaling group; workload.scale: more replicas of a workload',
    ),
  ),
  trigger_rule_id: v.pipe(id, v.description('The alert rule whose alerts trigger it (metric, anomaly or inventory)')),
  min_severity: v.optional(oneOf(SEVERITIES)),
  after_min: v.optional(
    v.pipe(int(0, 1440), v.description('Only alerts firing for at least this many minutes (default 0)')),
  ),
  datacenter_id: v.optional(v.nullable(id)),
  mode: v.optional(
    v.pipe(
      oneOf(PLAYBOOK_MODES),
      v.description('dry_run (default): only record what it would do; approval: wait for an operator; auto: act'),
    ),
  ),
  approval_severity: v.optional(
    v.pipe(oneOf(APPROVAL_SEVERITIES), v.description('auto mode: alerts at or above it still wait for approval')),
  ),
  auto_max_zone: v.optional(
    v.pipe(oneOf(SECURITY_ZONES), v.description('auto mode: targets in a zone above it still wait for approval')),
  ),
  max_per_hour: v.optional(
    v.pipe(int(1, 1000), v.description('Blast radius: actions per datacenter in any hour (default 3)')),
  ),
  cooldown_min: v.optional(
    v.pipe(int(0, 10_080), v.description('No second action on the same target within this time (default 30)')),
  ),
  verify_min: v.optional(
    v.pipe(int(1, 1440), v.description('The alert must clear within this time after the action (default 15)')),
  ),
  scaling_group_id: v.optional(v.nullable(id)),
  workload_id: v.optional(v.nullable(id)),
  scale_step: v.optional(int(1, 100)),
  max_replicas: v.optional(v.nullable(int(1, 1000))),
});
export const PlaybookUpdate = v.partial(PlaybookCreate);

export const Playbook = v.object({
  ...timestampsOut,
  name: v.string(),
  description: v.nullable(v.string()),
  enabled: v.boolean(),
  action: v.picklist(PLAYBOOK_ACTIONS),
  trigger_rule_id: v.number(),
  trigger_rule_name: v.nullable(v.string()),
  min_severity: v.picklist(SEVERITIES),
  after_min: v.number(),
  datacenter_id: v.nullable(v.number()),
  datacenter_name: v.nullable(v.string()),
  mode: v.picklist(PLAYBOOK_MODES),
  approval_severity: v.picklist(APPROVAL_SEVERITIES),
  auto_max_zone: v.picklist(SECURITY_ZONES),
  max_per_hour: v.number(),
  cooldown_min: v.number(),
  verify_min: v.number(),
  scaling_group_id: v.nullable(v.number()),
  scaling_group_name: v.nullable(v.string()),
  workload_id: v.nullable(v.number()),
  workload_name: v.nullable(v.string()),
  scale_step: v.number(),
  max_replicas: v.nullable(v.number()),
  /** runs in the last 24 hours, by status */
  runs_24h: v.number(),
});
