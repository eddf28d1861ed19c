import { inScope, type ScopeTarget } from '../scope';

export interface PolicyLevel {
  after_min: number;
  channel_ids: number[];
  schedule_ids: number[];
}

export interface Policy {
  id: number;
  name: string;
  enabled: boolean;
  priority: number;
  severities: string[];
  scope_type: string;
  scope_value: string | null;
  group_by: string;
  group_wait_s: number;
  levels: PolicyLevel[];
}

export interface RoutedAlert extends ScopeTarget {
  severity: string;
}

/** The policy an alert is routed to: the first enabled one (by priority, then id) whose severities and scope match. */
export function policyFor(policies: Policy[], a: RoutedAlert): Policy | null {
  const ordered = [...policies].sort((x, y) => x.priority - y.priority || x.id - y.id);
  return (
    ordered.find((p) => p.enabled && (!p.severities.length || p.severities.includes(a.severity)) && inScope(p, a)) ??
    null
  );
}

/**
 * Alerts that fire together for the same rack (or datacenter, per the policy) within its group wait share one
 * notification: this key names the group.
 */
export function groupKeyOf(
  p: Pick<Policy, 'id' | 'group_by'>,
  a: Pick<ScopeTarget, 'rack_id' | 'datacenter_id'>,
  kind: 'firing' | 'resolved',
  level: number,
): string {
  const where =
    p.group_by === 'datacenter' || a.rack_id === null
      ? a.datacenter_id === null
        ? 'site'
        : `datacenter:${a.datacenter_id}`
      : `rack:${a.rack_id}`;
  return `policy:${p.id}|${where}|${kind}|level:${level}`;
}

/**
 * The levels due for an alert that started at `startedAt` and has been notified up to level `reached` (1-based
 * count), at `now`: every level after `reached` whose delay has passed, in order.
 */
export function levelsDue(p: Pick<Policy, 'levels'>, startedAt: number, reached: number, now: number): number[] {
  const due: number[] = [];
  p.levels.forEach((l, i) => {
    if (i + 1 > reached && now - startedAt >= l.after_min * 60_000) due.push(i + 1);
  });
  return due;
}
