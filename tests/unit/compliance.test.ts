import { describe, expect, it } from 'vitest';
import { CHECK_IDS, CONTROLS, FRAMEWORK_IDS, isFramework } from '../../worker/compliance/controls';
import {
  buildReport,
  evaluateCheck,
  reportCsv,
  summarize,
  type ComplianceData,
  type TokenFacts,
  type UserFacts,
} from '../../worker/compliance/evaluate';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();

const user = (id: number, over: Partial<UserFacts> = {}): UserFacts => ({
  id,
  username: `user${id}`,
  role: 'viewer',
  clearance: 'Internal',
  disabled: false,
  created_at: ago(200),
  last_active_at: ago(1),
  requested_role: null,
  second_factors: [],
  ...over,
});

const token = (id: number, over: Partial<TokenFacts> = {}): TokenFacts => ({
  id,
  name: `token${id}`,
  token_prefix: `dcp_abc${id}`,
  user_id: 1,
  username: 'user1',
  created_at: ago(10),
  expires_at: ago(-30),
  last_used_at: ago(1),
  revoked_at: null,
  ...over,
});

/** A clean estate: every check passes (storage is not applicable). */
function clean(over: Partial<ComplianceData> = {}): ComplianceData {
  return {
    now: NOW,
    production: true,
    users: [
      user(1, { role: 'admin', clearance: 'Top Secret', second_factors: ['passkey'] }),
      user(2, { role: 'operator', second_factors: ['TOTP'] }),
      user(3, { role: 'auditor' }),
    ],
    tokens: [token(1)],
    top_secret_racks: [{ id: 9, name: 'TS-R1', datacenter: 'DC-A' }],
    servers_in_service: [
      { id: 1, name: 's1', rack: 'R1', status: 'active', warranty_expires: '2027-01-01' },
      { id: 2, name: 's2', rack: 'R1', status: 'active', warranty_expires: null },
    ],
    datacenters: [
      { id: 1, name: 'DC-A', status: 'active', certifications: ['ISO 27001', 'SOC 2', 'PCI DSS', 'HIPAA'] },
      { id: 2, name: 'DC-OLD', status: 'decommissioned', certifications: [] },
    ],
    audit: {
      ok: true,
      entries: 120,
      unsealed: 0,
      first_broken: null,
      checkpoint_problems: [],
      last_checkpoint_at: ago(0.1),
      last_checkpoint_id: 4,
    },
    password_min_length: 12,
    default_admin: { id: 1, disabled: false, default_password: false },
    factor_kinds: ['passkey', 'TOTP'],
    storage: null,
    kev_findings: [],
    ...over,
  };
}

describe('the control catalogue', () => {
  it('maps every check to a reference in every framework, once each', () => {
    expect(CONTROLS.map((c) => c.id)).toEqual([...CHECK_IDS]);
    for (const c of CONTROLS) {
      for (const f of FRAMEWORK_IDS) expect(c.references[f].length, `${c.id} ${f}`).toBeGreaterThan(0);
    }
    expect(CONTROLS.find((c) => c.id === 'stale_accounts')!.references['pci-dss']).toContain('8.2.6');
    expect(CONTROLS.find((c) => c.id === 'audit_chain')!.references.hipaa).toContain('§164.312(b)');
    expect(isFramework('soc2')).toBe(true);
    expect(isFramework('toString')).toBe(false);
  });
});

describe('evaluating a clean estate', () => {
  it('passes everything but storage, which is not applicable', () => {
    const r = buildReport('iso27001', clean());
    const byId = Object.fromEntries(r.controls.map((c) => [c.id, c.status]));
    expect(byId).toEqual({
      ...Object.fromEntries(CHECK_IDS.map((id) => [id, 'pass'])),
      storage_encryption: 'not_applicable',
    });
    expect(r.summary).toEqual({ pass: 14, fail: 0, warning: 0, not_applicable: 1, score_pct: 100 });
    expect(r.controls.find((c) => c.id === 'admin_mfa')!.reference).toBe('A.8.5, A.5.17');
    expect(r.generated_at).toBe(NOW.toISOString());
  });
});

describe('second factors', () => {
  it('fails admins without one, naming them; disabled admins do not count', () => {
    const d = clean({
      users: [
        user(1, { role: 'admin', second_factors: ['passkey'] }),
        user(4, { username: 'bob', role: 'admin' }),
        user(5, { username: 'gone', role: 'admin', disabled: true }),
      ],
    });
    const r = evaluateCheck('admin_mfa', d, 'soc2');
    expect(r.status).toBe('fail');
    expect(r.evidence).toEqual([{ type: 'user', id: 4, label: 'bob', detail: 'admin, no passkey or TOTP' }]);
    expect(r.summary).toBe('1 of 2 administrators has no second factor (passkey or TOTP).');
  });

  it('warns about operators without one', () => {
    const d = clean({
      users: [user(1, { role: 'admin', second_factors: ['passkey'] }), user(2, { role: 'operator' })],
    });
    const r = evaluateCheck('write_mfa', d, 'iso27001');
    expect(r.status).toBe('warning');
    expect(r.evidence.map((e) => e.id)).toEqual([2]);
  });
});

describe('audit', () => {
  it('fails a broken chain with the first broken entry and checkpoint problems as evidence', () => {
    const audit = {
      ...clean().audit,
      ok: false,
      first_broken: { id: 17, reason: 'hash_mismatch' },
      checkpoint_problems: [{ checkpoint_id: 2, reason: 'head_mismatch', detail: 'entry 30 has another hash' }],
    };
    const r = evaluateCheck('audit_chain', clean({ audit }), 'hipaa');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('broken at entry #17 (hash mismatch)');
    expect(r.evidence.map((e) => `${e.type}:${e.id}`)).toEqual(['audit_entry:17', 'audit_checkpoint:2']);
  });

  it('warns when the last checkpoint is older than 24 hours or missing', () => {
    const stale = { ...clean().audit, last_checkpoint_at: ago(1.5) };
    expect(evaluateCheck('audit_checkpoints', clean({ audit: stale }), 'soc2').status).toBe('warning');
    const none = { ...clean().audit, last_checkpoint_at: null, last_checkpoint_id: null };
    expect(evaluateCheck('audit_checkpoints', clean({ audit: none }), 'soc2').status).toBe('warning');
    const empty = { ...none, entries: 0 };
    expect(evaluateCheck('audit_checkpoints', clean({ audit: empty }), 'soc2').status).toBe('pass');
  });
});

describe('Top Secret access', () => {
  it('fails when a cleared user has no second factor, listing cleared users and racks', () => {
    const d = clean({
      users: [
        user(1, { role: 'admin', clearance: 'Top Secret', second_factors: ['passkey'] }),
        user(3, { username: 'eve', role: 'auditor', clearance: 'Top Secret' }),
        user(6, { role: 'viewer', clearance: 'Confidential' }),
      ],
    });
    const r = evaluateCheck('top_secret_access', d, 'pci-dss');
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^1 of 2 users cleared for Top Secret has no second factor: eve\./);
    expect(r.evidence.map((e) => `${e.type}:${e.label}`)).toEqual(['user:user1', 'user:eve', 'rack:TS-R1']);
  });

  it('warns when non-admins are cleared (each with a second factor), passes for admins only', () => {
    const users = [
      user(1, { role: 'admin', clearance: 'Top Secret', second_factors: ['passkey'] }),
      user(3, { role: 'auditor', clearance: 'Top Secret', second_factors: ['TOTP'] }),
    ];
    expect(evaluateCheck('top_secret_access', clean({ users }), 'soc2').status).toBe('warning');
    expect(evaluateCheck('top_secret_access', clean({ users: users.slice(0, 1) }), 'soc2').status).toBe('pass');
  });

  it('leaves racks out of the evidence when the caller may not see them', () => {
    const r = evaluateCheck('top_secret_access', clean({ top_secret_racks: [] }), 'soc2');
    expect(r.evidence.filter((e) => e.type === 'rack')).toEqual([]);
    expect(r.summary).not.toMatch(/rack/);
  });
});

describe('accounts and tokens', () => {
  it('flags accounts unused for 90 days and never-used accounts older than 30 days', () => {
    const d = clean({
      users: [
        user(1, { last_active_at: ago(91) }), // stale
        user(2, { last_active_at: ago(89) }), // fine
        user(3, { last_active_at: null, created_at: ago(31) }), // stale: never used
        user(4, { last_active_at: null, created_at: ago(29) }), // fine: new
        user(5, { last_active_at: ago(400), disabled: true }), // disabled: fine
      ],
    });
    const r = evaluateCheck('stale_accounts', d, 'pci-dss');
    expect(r.status).toBe('fail');
    expect(r.evidence.map((e) => e.id)).toEqual([1, 3]);
    expect(r.evidence[1].detail).toContain('never signed in');
  });

  it('warns about live tokens without expiry, and ignores revoked and expired ones', () => {
    const d = clean({
      tokens: [
        token(1, { expires_at: null, name: 'ci-bot' }),
        token(2, { expires_at: null, revoked_at: ago(1) }),
        token(3, { expires_at: ago(1) }),
        token(4),
      ],
    });
    const r = evaluateCheck('token_expiry', d, 'iso27001');
    expect(r.status).toBe('warning');
    expect(r.summary).toBe('1 of 2 live API tokens never expires.');
    expect(r.evidence).toEqual([
      {
        type: 'api_token',
        id: 1,
        label: 'ci-bot (dcp_abc1…, user1)',
        detail: `no expiry, created ${ago(10).slice(0, 10)}`,
      },
    ]);
  });

  it('warns about tokens unused for 90 days', () => {
    const d = clean({
      tokens: [
        token(1, { created_at: ago(100), last_used_at: null }),
        token(2, { created_at: ago(100), last_used_at: ago(95) }),
        token(3, { created_at: ago(100), last_used_at: ago(5) }),
        token(4, { created_at: ago(20), last_used_at: null }),
      ],
    });
    expect(evaluateCheck('token_unused', d, 'soc2').evidence.map((e) => e.id)).toEqual([1, 2]);
  });

  it('warns about role requests older than 7 days', () => {
    const d = clean({
      users: [
        user(1, { requested_role: 'operator', created_at: ago(8) }),
        user(2, { requested_role: 'auditor', created_at: ago(6) }),
      ],
    });
    const r = evaluateCheck('role_requests', d, 'hipaa');
    expect(r.status).toBe('warning');
    expect(r.evidence.map((e) => e.id)).toEqual([1]);
    expect(r.evidence[0].detail).toContain('asked for operator');
  });
});

describe('configuration', () => {
  it('judges the password length', () => {
    expect(evaluateCheck('password_policy', clean(), 'pci-dss').status).toBe('pass');
    expect(evaluateCheck('password_policy', clean({ password_min_length: 8 }), 'pci-dss').status).toBe('fail');
  });

  it('fails the default admin password in production, warns in development', () => {
    const default_admin = { id: 1, disabled: false, default_password: true };
    expect(evaluateCheck('default_admin', clean({ default_admin }), 'soc2').status).toBe('fail');
    expect(evaluateCheck('default_admin', clean({ default_admin, production: false }), 'soc2').status).toBe('warning');
    const disabled = { ...default_admin, disabled: true };
    expect(evaluateCheck('default_admin', clean({ default_admin: disabled }), 'soc2').status).toBe('pass');
    expect(evaluateCheck('default_admin', clean({ default_admin: null }), 'soc2').status).toBe('pass');
  });
});

describe('equipment and facilities', () => {
  const srv = (id: number, warranty_expires: string | null) => ({
    id,
    name: `s${id}`,
    rack: 'R1',
    status: 'active',
    warranty_expires,
  });

  it('warns about servers past warranty, fails above 10 % of those in service', () => {
    const fine = Array.from({ length: 18 }, (_, i) => srv(i + 10, '2030-01-01'));
    // 2 of 20 = 10 %: warning
    let r = evaluateCheck(
      'warranty',
      clean({ servers_in_service: [srv(1, '2025-01-01'), srv(2, '2026-02-28'), ...fine] }),
      'iso27001',
    );
    expect(r.status).toBe('warning');
    expect(r.evidence.map((e) => e.label)).toEqual(['s1', 's2']);
    expect(r.summary).toBe('2 of 20 servers in service are past warranty (10 %).');
    // 3 of 20 = 15 %: fail; expiring today is still covered
    r = evaluateCheck(
      'warranty',
      clean({
        servers_in_service: [
          srv(1, '2025-01-01'),
          srv(2, '2026-02-28'),
          srv(3, '2020-05-05'),
          srv(4, '2026-03-01'),
          ...fine.slice(1),
        ],
      }),
      'iso27001',
    );
    expect(r.status).toBe('fail');
    expect(r.evidence.map((e) => e.label)).toEqual(['s3', 's1', 's2']);
  });

  it('reports storage encryption as not applicable until storage exists', () => {
    const r = evaluateCheck('storage_encryption', clean(), 'hipaa');
    expect(r.status).toBe('not_applicable');
    expect(r.evidence[0].detail).toMatch(/no storage resource exists/);
    const s = clean({
      storage: [
        { id: 1, name: 'vol-a', encrypted: false, regulated: true },
        { id: 2, name: 'vol-b', encrypted: false, regulated: false },
      ],
    });
    expect(evaluateCheck('storage_encryption', s, 'hipaa').evidence.map((e) => e.label)).toEqual(['vol-a']);
  });

  it('checks the certification of the framework at each datacenter in service', () => {
    const datacenters = [
      { id: 1, name: 'NJ', status: 'active', certifications: ['ISO 27001', 'SOC 2', 'PCI DSS'] },
      { id: 2, name: 'PAR', status: 'active', certifications: ['ISO 27001', 'SOC 2'] },
    ];
    const d = clean({ datacenters });
    expect(evaluateCheck('dc_certification', d, 'iso27001').status).toBe('pass');
    const pci = evaluateCheck('dc_certification', d, 'pci-dss');
    expect(pci.status).toBe('warning');
    expect(pci.summary).toBe('1 of 2 datacenters in service holds PCI DSS; missing at PAR.');
    expect(pci.evidence.map((e) => `${e.label}: ${e.detail}`)).toEqual([
      'PAR: not certified PCI DSS (has ISO 27001, SOC 2)',
      'NJ: certified PCI DSS',
    ]);
    expect(evaluateCheck('dc_certification', d, 'hipaa').status).toBe('fail');
    expect(evaluateCheck('dc_certification', clean({ datacenters: [] }), 'hipaa').status).toBe('not_applicable');
  });
});

describe('summary and CSV', () => {
  it('scores passed controls over the applicable ones', () => {
    expect(
      summarize([{ status: 'pass' }, { status: 'fail' }, { status: 'warning' }, { status: 'not_applicable' }]),
    ).toEqual({ pass: 1, fail: 1, warning: 1, not_applicable: 1, score_pct: 33.3 });
    expect(summarize([{ status: 'not_applicable' }]).score_pct).toBe(100);
  });

  it('writes a header and one quoted row per control', () => {
    const d = clean({ tokens: [token(1, { expires_at: null, name: '=HYPERLINK("x")' })] });
    const report = buildReport('soc2', d);
    const lines = reportCsv(report).trimEnd().split('\r\n');
    expect(lines[0]).toBe('"control reference","check","status","summary","evidence count","evidence"');
    expect(lines).toHaveLength(1 + report.controls.length);
    const row = lines.find((l) => l.includes('API tokens expire'))!;
    expect(row).toContain('"warning"');
    expect(row).toContain(`"api_token =HYPERLINK(""x"") (dcp_abc1…, user1): no expiry`);
    expect(lines[1].startsWith('"CC6.1",')).toBe(true);
  });
});

describe('known-exploited vulnerabilities', () => {
  // NOW is the reference clock of this file; a due date before its day is overdue
  const today = NOW.toISOString().slice(0, 10);
  const kev = (id: number, due_date: string, asset_name = `fw${id}`) => ({
    id,
    vuln_id: `CVE-2024-${1000 + id}`,
    asset_kind: 'network_device',
    asset_id: id,
    asset_name,
    installed_version: '7.2.1',
    due_date,
  });

  it('passes without open KEV findings, warns while they are not due, fails once one is past due', () => {
    expect(evaluateCheck('vulnerabilities_kev', clean(), 'iso27001').status).toBe('pass');
    const pending = evaluateCheck('vulnerabilities_kev', clean({ kev_findings: [kev(1, today)] }), 'soc2');
    // due today is not yet past due
    expect(pending.status).toBe('warning');
    expect(pending.evidence[0].detail).toBe(`CVE-2024-1001 on 7.2.1: due ${today} (finding 1)`);
    const late = evaluateCheck(
      'vulnerabilities_kev',
      clean({ kev_findings: [kev(2, '2999-01-01', 'fw-b'), kev(3, '2022-11-01', 'fw-a')] }),
      'pci-dss',
    );
    expect(late.status).toBe('fail');
    expect(late.summary).toBe('1 known-exploited vulnerability finding past its due date.');
    expect(late.evidence.map((e) => e.label)).toEqual(['fw-a', 'fw-b']);
    expect(late.evidence[0]).toMatchObject({ type: 'network_device', id: 3 });
  });

  it('maps to the vulnerability-management controls', () => {
    const c = CONTROLS.find((x) => x.id === 'vulnerabilities_kev')!;
    expect(c.references).toEqual({
      iso27001: ['A.8.8'],
      soc2: ['CC7.1'],
      'pci-dss': ['6.3.3'],
      hipaa: ['§164.308(a)(1)(ii)(A)'],
    });
  });
});
