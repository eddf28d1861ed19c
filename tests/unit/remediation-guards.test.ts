// The guards' one decision and the playbooks' choice of move, with hand-made facts.
import { describe, expect, it } from 'vitest';
import { approvalReason, blockingGuard, decide, type GuardFacts } from '../../worker/remediation/guards';
import { chooseMigration, chooseScale } from '../../worker/remediation/proposal';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const base: GuardFacts = {
  mode: 'auto',
  severity: 'warning',
  approvalSeverity: 'critical',
  zoneAllowsAuto: true,
  zone: 'Internal',
  killSwitch: false,
  maintenance: null,
  startedLastHour: 0,
  maxPerHour: 3,
  lastOnTargetAt: null,
  cooldownMin: 30,
  now: NOW,
};

describe('guards', () => {
  it('auto acts when nothing holds it back; dry run only records; approval waits', () => {
    expect(decide(base)).toEqual({ status: 'executing', reason: null });
    expect(decide({ ...base, mode: 'dry_run' })).toEqual({ status: 'would_run', reason: null });
    expect(decide({ ...base, mode: 'approval' })).toEqual({
      status: 'awaiting_approval',
      reason: 'the playbook asks for approval',
    });
  });

  it('the kill switch and a maintenance window skip every mode, dry run included', () => {
    for (const mode of ['dry_run', 'approval', 'auto'] as const) {
      expect(decide({ ...base, mode, killSwitch: true })).toEqual({
        status: 'skipped',
        reason: 'the kill switch is on',
      });
      expect(decide({ ...base, mode, maintenance: 'maintenance window #4 "PSU swap"' })).toEqual({
        status: 'skipped',
        reason: 'maintenance window #4 "PSU swap" is active',
      });
    }
    // the kill switch is named first when both hold
    expect(blockingGuard({ ...base, killSwitch: true, maintenance: 'w' })).toBe('the kill switch is on');
  });

  it('blast radius: the third action of three in the hour is the last', () => {
    expect(decide({ ...base, startedLastHour: 2 }).status).toBe('executing');
    expect(decide({ ...base, startedLastHour: 3 })).toEqual({
      status: 'skipped',
      reason: 'blast radius: 3 of 3 actions this hour in the datacenter already',
    });
  });

  it('cooldown: 12 min after the last action of a 30 min cooldown, 18 min are left; at 30 min it is over', () => {
    expect(decide({ ...base, lastOnTargetAt: NOW - 12 * 60_000 })).toEqual({
      status: 'skipped',
      reason: 'cooldown: acted on the same target 12 min ago (18 min left of 30)',
    });
    expect(decide({ ...base, lastOnTargetAt: NOW - 30 * 60_000 }).status).toBe('executing');
    expect(decide({ ...base, lastOnTargetAt: NOW - 12 * 60_000, cooldownMin: 0 }).status).toBe('executing');
  });

  it('approval by severity (at or above) and by zone; never means severity never asks', () => {
    expect(approvalReason({ ...base, severity: 'critical' })).toBe(
      'a critical alert: approval required at critical and above',
    );
    expect(approvalReason({ ...base, severity: 'warning', approvalSeverity: 'warning' })).toContain('warning');
    expect(approvalReason({ ...base, severity: 'info', approvalSeverity: 'warning' })).toBeNull();
    expect(approvalReason({ ...base, severity: 'critical', approvalSeverity: 'never' })).toBeNull();
    expect(decide({ ...base, zoneAllowsAuto: false, zone: 'Top Secret' })).toEqual({
      status: 'awaiting_approval',
      reason: "the target is in zone Top Secret: approval required above the playbook's auto zone",
    });
  });
});

describe('what a playbook proposes', () => {
  const from = { id: 1, name: 'hv-1' };
  it('moves the biggest VM that fits somewhere to the host with the most free vCPU', () => {
    const vms = [
      { id: 10, name: 'small', cpu_cores: 2, ram_gb: 4 },
      { id: 11, name: 'huge', cpu_cores: 16, ram_gb: 64 },
      { id: 12, name: 'big', cpu_cores: 8, ram_gb: 32 },
    ];
    // nothing takes "huge"; "big" fits on hv-2 (12 free) and hv-3 (20 free)
    const targets = (id: number) =>
      id === 11
        ? [{ server_id: 2, name: 'hv-2', allowed: false, free_cpu: 12 }]
        : [
            { server_id: 2, name: 'hv-2', allowed: true, free_cpu: 12 },
            { server_id: 3, name: 'hv-3', allowed: true, free_cpu: 20 },
            { server_id: 4, name: 'hv-4', allowed: false, free_cpu: 40 },
          ];
    expect(chooseMigration(from, vms, targets)).toEqual({
      vm_id: 12,
      vm_name: 'big',
      cpu_cores: 8,
      from_host_id: 1,
      from_host: 'hv-1',
      to_host_id: 3,
      to_host: 'hv-3',
      to_free_cpu: 20,
    });
    expect(chooseMigration(from, vms, () => [])).toBeNull();
  });

  it('scales by its step up to the cap, and not past it', () => {
    const w = { id: 5, name: 'api', replicas_desired: 3 };
    expect(chooseScale(w, 2, 10)).toEqual({ workload_id: 5, workload: 'api', from_replicas: 3, to_replicas: 5 });
    expect(chooseScale(w, 2, 4)?.to_replicas).toBe(4);
    expect(chooseScale(w, 1, 3)).toBeNull();
    expect(chooseScale(w, 1, null)?.to_replicas).toBe(4);
  });
});

describe('the disk-full forecast check', () => {
  it('counts hours to the first forecast hour at 100 %, from now, never below 0', async () => {
    const { hoursUntilFull } = await import('../../worker/alerting/inventory');
    const start = Date.parse('2026-12-07T12:00:00Z');
    const pts = (vals: number[]) => vals.map((v) => [v, v - 1, v + 1] as [number, number, number]);
    // hour 3 reaches 100; seen 30 min after the forecast started: 2.5 h left
    expect(hoursUntilFull(start, pts([97, 98, 99, 100, 101]), start + 30 * 60_000)).toBe(2.5);
    expect(hoursUntilFull(start, pts([97, 98, 99]), start)).toBeNull();
    // already past it
    expect(hoursUntilFull(start, pts([100]), start + 2 * 3_600_000)).toBe(0);
  });
});
