// Pure: what an autoscaling policy decides from the metric's average, the replicas and the time since its last
// action. Tested alone with hand-checked cases (tests/unit/autoscale.test.ts).

export interface PolicyRule {
  scale_out_above: number;
  scale_in_below: number;
  min_replicas: number;
  max_replicas: number;
  step: number;
  cooldown_s: number;
  metric: string;
  window_min: number;
}

export interface Decision {
  action: 'scale_out' | 'scale_in' | 'hold';
  replicas: number;
  reason: string;
}

/** how reasons name what is counted and where the metric comes from (workloads: replicas, from the nodes) */
export interface Terms {
  unit: string;
  source: string;
}
const WORKLOAD_TERMS: Terms = { unit: 'replicas', source: 'the nodes' };

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));

/**
 * `value`: the average over the window (null without samples); `sinceLastActionS`: seconds since the last scale
 * (null: never). Out of bounds replicas (someone scaled by hand) are brought back within min/max first.
 */
export function decide(
  p: PolicyRule,
  replicas: number,
  value: number | null,
  sinceLastActionS: number | null,
  terms: Terms = WORKLOAD_TERMS,
): Decision {
  const { unit } = terms;
  const over = `${p.metric} avg ${p.window_min} min`;
  if (replicas < p.min_replicas) {
    return {
      action: 'scale_out',
      replicas: p.min_replicas,
      reason: `${replicas} ${unit}, below the minimum of ${p.min_replicas}`,
    };
  }
  if (replicas > p.max_replicas) {
    return {
      action: 'scale_in',
      replicas: p.max_replicas,
      reason: `${replicas} ${unit}, above the maximum of ${p.max_replicas}`,
    };
  }
  if (value === null)
    return {
      action: 'hold',
      replicas,
      reason: `no ${p.metric} samples from ${terms.source} in the last ${p.window_min} min`,
    };
  const cooling = sinceLastActionS !== null && sinceLastActionS < p.cooldown_s;
  if (value > p.scale_out_above) {
    if (replicas >= p.max_replicas) {
      return {
        action: 'hold',
        replicas,
        reason: `${over} ${fmt(value)} > ${fmt(p.scale_out_above)}, but already at the maximum of ${p.max_replicas}`,
      };
    }
    if (cooling) {
      return {
        action: 'hold',
        replicas,
        reason: `${over} ${fmt(value)} > ${fmt(p.scale_out_above)}, cooling down (${Math.round(p.cooldown_s - sinceLastActionS!)} s left)`,
      };
    }
    const to = Math.min(p.max_replicas, replicas + p.step);
    return {
      action: 'scale_out',
      replicas: to,
      reason: `${over} ${fmt(value)} > ${fmt(p.scale_out_above)}: ${replicas} → ${to}`,
    };
  }
  if (value < p.scale_in_below) {
    if (replicas <= p.min_replicas) {
      return {
        action: 'hold',
        replicas,
        reason: `${over} ${fmt(value)} < ${fmt(p.scale_in_below)}, but already at the minimum of ${p.min_replicas}`,
      };
    }
    if (cooling) {
      return {
        action: 'hold',
        replicas,
        reason: `${over} ${fmt(value)} < ${fmt(p.scale_in_below)}, cooling down (${Math.round(p.cooldown_s - sinceLastActionS!)} s left)`,
      };
    }
    const to = Math.max(p.min_replicas, replicas - p.step);
    return {
      action: 'scale_in',
      replicas: to,
      reason: `${over} ${fmt(value)} < ${fmt(p.scale_in_below)}: ${replicas} → ${to}`,
    };
  }
  return {
    action: 'hold',
    replicas,
    reason: `${over} ${fmt(value)} within ${fmt(p.scale_in_below)}–${fmt(p.scale_out_above)}`,
  };
}
