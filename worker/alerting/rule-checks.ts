import type { FieldError } from '../platform/http/problem';
import { clearThresholdProblem, type Comparison } from './evaluate';

type RuleRow = Record<string, unknown>;

/** What a rule must hold together, beyond each field's own schema: the fields a kind needs, a sane hysteresis. */
export function ruleProblems(rule: RuleRow, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const at = (field: string, message: string) => errors.push({ field: `${prefix}${field}`, message });
  const kind = rule.kind ?? 'metric';
  if (kind === 'inventory') {
    if (!rule.inventory_check) at('inventory_check', 'is required for an inventory rule');
  } else if (!rule.metric) {
    at('metric', `is required for a ${String(kind)} rule`);
  }
  if (kind === 'anomaly' && !(Number(rule.threshold) >= 0 && Number(rule.threshold) <= 1)) {
    at('threshold', 'an anomaly score is between 0 and 1');
  }
  if ((rule.scope_type ?? 'all') !== 'all' && !rule.scope_value) {
    at('scope_value', `is required when scope_type is ${String(rule.scope_type)}`);
  }
  if (['datacenter', 'rack', 'server'].includes(String(rule.scope_type)) && rule.scope_value) {
    if (!/^[1-9]\d{0,15}$/.test(String(rule.scope_value))) at('scope_value', 'must be the id of the object');
  }
  const problem = clearThresholdProblem({
    comparison: (rule.comparison ?? '>') as Comparison,
    threshold: Number(rule.threshold ?? 0),
    clear_threshold: (rule.clear_threshold ?? null) as number | null,
  });
  if (problem) at('clear_threshold', problem);
  if (rule.aggregate && rule.aggregate !== 'last' && !Number(rule.window_s)) {
    at('window_s', `is required for an ${String(rule.aggregate)} over a window`);
  }
  return errors;
}
