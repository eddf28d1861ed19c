import * as v from 'valibot';
import { id, int, num } from '../../platform/schemas/common';

// Only valibot here: the UI validates its autoscaling form with these.

export const AUTOSCALE_ACTIONS = ['scale_out', 'scale_in', 'hold'] as const;

/** Prometheus' metric-name rule: any series the nodes report (cpu_pct, mem_pct, a custom one). */
export const metric = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a metric name (letters, digits, _ and :)'),
  v.maxLength(100, 'must be at most 100 characters'),
);

const fields = {
  enabled: v.optional(v.boolean('must be true or false'), true),
  metric: v.optional(metric, 'cpu_pct'),
  window_min: v.optional(int(1, 60), 5),
  scale_out_above: num(-1e12, 1e12),
  scale_in_below: num(-1e12, 1e12),
  min_replicas: v.optional(int(0, 1000), 1),
  max_replicas: int(1, 1000),
  step: v.optional(int(1, 100), 1),
  cooldown_s: v.optional(int(0, 86_400), 300),
};
/** scale_in_below < scale_out_above and min ≤ max: the resource's check says so by name. */
export const AutoscaleCreate = v.object({ ...fields, workload_id: id });
export const AutoscaleUpdate = v.partial(v.object(fields));
export const AutoscalePolicy = v.object({
  id: v.number(),
  workload_id: v.number(),
  workload_name: v.string(),
  replicas_desired: v.number(),
  enabled: v.boolean(),
  metric: v.string(),
  window_min: v.number(),
  scale_out_above: v.number(),
  scale_in_below: v.number(),
  min_replicas: v.number(),
  max_replicas: v.number(),
  step: v.number(),
  cooldown_s: v.number(),
  last_action_at: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
});

export const AutoscaleDecision = v.object({
  id: v.number(),
  policy_id: v.number(),
  workload_id: v.number(),
  action: v.picklist(AUTOSCALE_ACTIONS),
  reason: v.string(),
  value: v.nullable(v.number()),
  samples: v.number(),
  replicas_before: v.number(),
  replicas_after: v.number(),
  operation_id: v.nullable(v.number()),
  created_at: v.string(),
});
