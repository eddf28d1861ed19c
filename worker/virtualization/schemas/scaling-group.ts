import * as v from 'valibot';
import { id, int, name, num } from '../../platform/schemas/common';
import { AUTOSCALE_ACTIONS, metric } from './autoscale';

// Only valibot here: the UI validates its scaling-group form with these.

const fields = {
  enabled: v.optional(v.boolean('must be true or false'), true),
  metric: v.optional(metric, 'cpu_pct'),
  window_min: v.optional(int(1, 60), 5),
  scale_out_above: num(-1e12, 1e12),
  scale_in_below: num(-1e12, 1e12),
  min_size: v.optional(int(0, 100), 1),
  max_size: int(1, 100),
  cooldown_s: v.optional(int(0, 86_400), 300),
};
/** scale_in_below < scale_out_above and min ≤ max: the resource's check says so by name. */
export const ScalingGroupCreate = v.object({ ...fields, name: name(48), template_vm_id: id });
export const ScalingGroupUpdate = v.partial(v.object(fields));
export const ScalingGroup = v.object({
  id: v.number(),
  name: v.string(),
  template_vm_id: v.number(),
  template_vm_name: v.string(),
  host_server_id: v.number(),
  host_name: v.string(),
  datacenter_id: v.number(),
  /** members that exist or are being made (provisioning), not counting those being removed */
  size: v.number(),
  enabled: v.boolean(),
  metric: v.string(),
  window_min: v.number(),
  scale_out_above: v.number(),
  scale_in_below: v.number(),
  min_size: v.number(),
  max_size: v.number(),
  cooldown_s: v.number(),
  last_action_at: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
});

export const ScalingDecision = v.object({
  id: v.number(),
  group_id: v.number(),
  action: v.picklist(AUTOSCALE_ACTIONS),
  reason: v.string(),
  value: v.nullable(v.number()),
  samples: v.number(),
  size_before: v.number(),
  size_after: v.number(),
  /** the member added (scale_out) or removed (scale_in) */
  vm_name: v.nullable(v.string()),
  operation_id: v.nullable(v.number()),
  created_at: v.string(),
});
