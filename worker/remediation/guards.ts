// The guards every playbook run passes, as one pure decision so each can be tested alone and the UI can say
// exactly which one held a run back. The caller gathers the facts (worker/remediation/trigger.ts).

export const SEVERITY_RANK: Record<string, number> = { info: 0, warning: 1, critical: 2 };

export interface GuardFacts {
  mode: 'dry_run' | 'approval' | 'auto';
  severity: string;
  /** auto mode: alerts at or above this severity still wait for approval ('never': none do) */
  approvalSeverity: string;
  /** auto mode: whether the target's zone is within the playbook's auto_max_zone (decided by the access resolver) */
  zoneAllowsAuto: boolean;
  zone: string;
  killSwitch: boolean;
  /** the active maintenance window covering the target, described; null when none */
  maintenance: string | null;
  /** actions this playbook started (or, in dry run, would have) in the target's datacenter in the last hour */
  startedLastHour: number;
  maxPerHour: number;
  /** when this playbook last acted (or would have) on the same target, ms; null when never */
  lastOnTargetAt: number | null;
  cooldownMin: number;
  now: number;
}

export type Decision =
  | { status: 'skipped'; reason: string }
  | { status: 'would_run' | 'executing'; reason: null }
  | { status: 'awaiting_approval'; reason: string };

/** What blocks the run outright, whatever its mode; null when nothing does. */
export function blockingGuard(
  f: Omit<GuardFacts, 'mode' | 'severity' | 'approvalSeverity' | 'zoneAllowsAuto' | 'zone'>,
) {
  if (f.killSwitch) return 'the kill switch is on';
  if (f.maintenance) return `${f.maintenance} is active`;
  if (f.startedLastHour >= f.maxPerHour)
    return `blast radius: ${f.startedLastHour} of ${f.maxPerHour} actions this hour in the datacenter already`;
  if (f.lastOnTargetAt !== null && f.now - f.lastOnTargetAt < f.cooldownMin * 60_000) {
    const left = Math.ceil((f.lastOnTargetAt + f.cooldownMin * 60_000 - f.now) / 60_000);
    return `cooldown: acted on the same target ${Math.floor((f.now - f.lastOnTargetAt) / 60_000)} min ago (${left} min left of ${f.cooldownMin})`;
  }
  return null;
}

/** Why an auto run still needs a person; null when it may act alone. */
export function approvalReason(f: Pick<GuardFacts, 'severity' | 'approvalSeverity' | 'zoneAllowsAuto' | 'zone'>) {
  if (f.approvalSeverity !== 'never' && SEVERITY_RANK[f.severity]! >= SEVERITY_RANK[f.approvalSeverity]!)
    return `a ${f.severity} alert: approval required at ${f.approvalSeverity} and above`;
  if (!f.zoneAllowsAuto) return `the target is in zone ${f.zone}: approval required above the playbook's auto zone`;
  return null;
}

export function decide(f: GuardFacts): Decision {
  const blocked = blockingGuard(f);
  if (blocked) return { status: 'skipped', reason: blocked };
  if (f.mode === 'dry_run') return { status: 'would_run', reason: null };
  if (f.mode === 'approval') return { status: 'awaiting_approval', reason: 'the playbook asks for approval' };
  const why = approvalReason(f);
  return why ? { status: 'awaiting_approval', reason: why } : { status: 'executing', reason: null };
}
