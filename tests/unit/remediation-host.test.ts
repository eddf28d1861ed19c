// The host actions' pure parts: which fields each action needs or refuses, the cleanup's summary and outcome words,
// and the playbook schema's unit and temp-dir rules that the API and the form share.
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { actionProblems } from '../../worker/remediation/action-fields';
import { chooseCleanup, cleanupSummary } from '../../worker/remediation/proposal';
import { bytesText, outcomeText } from '../../worker/remediation/outcome';
import { PlaybookCreate, tempDir, unitName } from '../../worker/remediation/schemas/playbook';

const fields = (after: Record<string, unknown>, given = after) => actionProblems(after, given).map((p) => p.field);
const policy = {
  journal_max_size_mb: null,
  journal_max_age_days: null,
  temp_dirs: [] as string[],
  temp_max_age_days: 7,
  image_prune: 'off' as const,
};

describe('action fields', () => {
  it('each action names what it needs', () => {
    expect(fields({ action: 'host.service_restart' })).toEqual(['unit']);
    expect(fields({ action: 'host.service_restart', unit: 'nginx' })).toEqual([]);
    expect(fields({ action: 'host.disk_cleanup', ...policy })).toEqual(['temp_dirs']);
    expect(fields({ action: 'host.disk_cleanup', ...policy, image_prune: 'dangling' })).toEqual([]);
    expect(fields({ action: 'host.disk_cleanup', ...policy, journal_max_age_days: 3 })).toEqual([]);
    expect(fields({ action: 'workload.scale' })).toEqual(['workload_id']);
  });

  it("another action's field is refused when given, but its defaults and empties are not", () => {
    expect(fields({ action: 'vm.migrate', unit: 'nginx' })).toEqual(['unit']);
    expect(fields({ action: 'vm.migrate', ...policy })).toEqual([]);
    expect(fields({ action: 'host.disk_cleanup', ...policy, temp_dirs: ['/tmp'], unit: 'x' })).toEqual(['unit']);
    // an update that only switches the action keeps the old field without complaint
    expect(fields({ action: 'vm.migrate', unit: 'nginx' }, { action: 'vm.migrate' })).toEqual([]);
  });
});

describe('cleanup words', () => {
  it('summarises what a policy will try', () => {
    const s = { id: 4, name: 'web-01' };
    expect(cleanupSummary(chooseCleanup(s, { ...policy, journal_max_size_mb: 500, journal_max_age_days: 14 }))).toBe(
      'journal to 500 MB and 14 days',
    );
    expect(
      cleanupSummary(
        chooseCleanup(s, { ...policy, temp_dirs: ['/a', '/b'], temp_max_age_days: 2, image_prune: 'unused' }),
      ),
    ).toBe('2 temp dirs (files > 2 days), unused images');
    expect(chooseCleanup(s, { ...policy, temp_dirs: ['/a'] })).toMatchObject({ server_id: 4, server: 'web-01' });
  });

  it('says what the agent reported', () => {
    expect(bytesText(512)).toBe('512 B');
    expect(bytesText(212_169_920)).toBe('202.3 MB');
    expect(outcomeText('host.disk_cleanup', { bytes_freed: 1536 })).toBe('freed 1.5 KB');
    expect(outcomeText('host.service_restart', { unit: 'nginx.service', state: 'active' })).toBe(
      'nginx.service is active',
    );
    expect(outcomeText('host.service_restart', { dry_run: true })).toBe('the agent only pretended (dry run)');
    expect(outcomeText('vm.migrate', { host: 'b' })).toBeNull();
  });
});

describe('playbook schema: units and temp dirs', () => {
  const ok = (s: v.GenericSchema, x: unknown) => v.safeParse(s, x).success;
  it('takes systemd unit names, never an option or shell syntax', () => {
    for (const u of ['nginx', 'nginx.service', 'postgresql@16-main.service', 'sys-fs\\x2dfuse.mount'])
      expect(ok(unitName, u), u).toBe(true);
    for (const u of ['', '--all', '-x', 'a b', 'nginx;reboot', '$(id)', 'a/b']) expect(ok(unitName, u), u).toBe(false);
  });
  it('takes plain absolute directories only', () => {
    for (const d of ['/var/tmp', '/srv/app/tmp/', '/tmp']) expect(ok(tempDir, d), d).toBe(true);
    for (const d of ['tmp', '/', '/var/../etc', '/var/./tmp', '//etc', '/var//tmp', '/a\nb'])
      expect(ok(tempDir, d), d).toBe(false);
  });
  it('checks the host fields in the create schema', () => {
    const base = { name: 'x', action: 'host.disk_cleanup', trigger_rule_id: 1 };
    expect(ok(PlaybookCreate, { ...base, temp_dirs: ['/var/tmp'], image_prune: 'unused' })).toBe(true);
    expect(ok(PlaybookCreate, { ...base, temp_dirs: Array.from({ length: 17 }, (_, i) => `/t${i}`) })).toBe(false);
    expect(ok(PlaybookCreate, { ...base, image_prune: 'all' })).toBe(false);
  });
});
