import { clearedForAll } from '../platform/access/zones';
import { CONTROLS, FRAMEWORKS, type CheckId, type FrameworkId } from './controls';

// Pure evaluation: plain data in, control results out. No database, no clock (the caller passes `now`).

export type Status = 'pass' | 'fail' | 'warning' | 'not_applicable';
export const STATUSES: readonly Status[] = ['pass', 'fail', 'warning', 'not_applicable'];

export interface Evidence {
  /** user, api_token, rack, server, datacenter, audit_entry, audit_checkpoint, config, resource */
  type: string;
  id: number | string | null;
  label: string;
  detail: string;
}

export interface CheckResult {
  id: CheckId;
  status: Status;
  summary: string;
  evidence: Evidence[];
}

export interface UserFacts {
  id: number;
  username: string;
  role: string;
  clearance: string;
  disabled: boolean;
  created_at: string;
  /** the latest of: sign-in, session use, API token use (ISO), or null when never */
  last_active_at: string | null;
  requested_role: string | null;
  /** 'passkey', 'totp', … — active second factors */
  second_factors: string[];
}

export interface TokenFacts {
  id: number;
  name: string;
  token_prefix: string;
  user_id: number;
  username: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface RackFacts {
  id: number;
  name: string;
  datacenter: string;
}

export interface ServerFacts {
  id: number;
  name: string;
  rack: string;
  status: string;
  warranty_expires: string | null;
}

export interface DatacenterFacts {
  id: number;
  name: string;
  status: string;
  certifications: string[];
}

export interface AuditFacts {
  ok: boolean;
  entries: number;
  unsealed: number;
  first_broken: { id: number; reason: string } | null;
  checkpoint_problems: { checkpoint_id: number; reason: string; detail: string }[];
  /** created_at of the newest checkpoint */
  last_checkpoint_at: string | null;
  last_checkpoint_id: number | null;
}

export interface KevFindingFacts {
  id: number;
  vuln_id: string;
  asset_kind: string;
  asset_id: number;
  asset_name: string;
  installed_version: string | null;
  due_date: string | null;
}

export interface ComplianceData {
  now: Date;
  production: boolean;
  users: UserFacts[];
  tokens: TokenFacts[];
  /** Top Secret racks, already limited to what the caller may see */
  top_secret_racks: RackFacts[];
  /** servers not decommissioned, in racks the caller may see */
  servers_in_service: ServerFacts[];
  datacenters: DatacenterFacts[];
  audit: AuditFacts;
  password_min_length: number;
  /** the bootstrap admin account, if present */
  default_admin: { id: number; disabled: boolean; default_password: boolean } | null;
  /** which second factors the platform supports (for the wording of summaries) */
  factor_kinds: string[];
  /** storage volumes do not exist yet: null */
  storage: null | { id: number; name: string; encrypted: boolean; regulated: boolean }[];
  /** open findings of known-exploited vulnerabilities on assets the caller may see */
  kev_findings: KevFindingFacts[];
}

const DAY = 86_400_000;
const daysAgo = (now: Date, days: number) => new Date(now.getTime() - days * DAY).toISOString();
const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'never');

const userEvidence = (u: UserFacts, detail: string): Evidence => ({
  type: 'user',
  id: u.id,
  label: u.username,
  detail,
});
const tokenEvidence = (t: TokenFacts, detail: string): Evidence => ({
  type: 'api_token',
  id: t.id,
  label: `${t.name} (${t.token_prefix}…, ${t.username})`,
  detail,
});

const enabled = (d: ComplianceData) => d.users.filter((u) => !u.disabled);
const factorWords = (d: ComplianceData) => d.factor_kinds.join(' or ');

function mfaCheck(
  d: ComplianceData,
  id: CheckId,
  who: (u: UserFacts) => boolean,
  noun: string,
  failing: Status,
): CheckResult {
  const group = enabled(d).filter(who);
  const missing = group.filter((u) => u.second_factors.length === 0);
  if (!group.length) return { id, status: 'not_applicable', summary: `No enabled ${noun}.`, evidence: [] };
  return {
    id,
    status: missing.length ? failing : 'pass',
    summary: missing.length
      ? `${missing.length} of ${plural(group.length, noun.replace(/s$/, ''), noun)} ha${missing.length === 1 ? 's' : 've'} no second factor (${factorWords(d)}).`
      : `All ${plural(group.length, noun.replace(/s$/, ''), noun)} have a second factor.`,
    evidence: missing.length
      ? missing.map((u) => userEvidence(u, `${u.role}, no ${factorWords(d)}`))
      : group.map((u) => userEvidence(u, `${u.role}, ${u.second_factors.join(' + ')}`)),
  };
}

const isTokenLive = (t: TokenFacts, now: Date) => !t.revoked_at && (!t.expires_at || t.expires_at > now.toISOString());

const CHECKS: Record<CheckId, (d: ComplianceData, framework: FrameworkId) => CheckResult> = {
  admin_mfa: (d) => mfaCheck(d, 'admin_mfa', (u) => u.role === 'admin', 'administrators', 'fail'),

  write_mfa: (d) =>
    mfaCheck(d, 'write_mfa', (u) => u.role === 'admin' || u.role === 'operator', 'users with write access', 'warning'),

  audit_chain: ({ audit }) => {
    const evidence: Evidence[] = [];
    if (audit.first_broken) {
      evidence.push({
        type: 'audit_entry',
        id: audit.first_broken.id,
        label: `Audit entry #${audit.first_broken.id}`,
        detail: `first broken link: ${audit.first_broken.reason.replace(/_/g, ' ')}`,
      });
    }
    for (const p of audit.checkpoint_problems) {
      evidence.push({
        type: 'audit_checkpoint',
        id: p.checkpoint_id,
        label: `Checkpoint #${p.checkpoint_id}`,
        detail: `${p.reason.replace(/_/g, ' ')}: ${p.detail}`,
      });
    }
    if (audit.ok) {
      return {
        id: 'audit_chain',
        status: 'pass',
        summary: `The audit chain verifies: ${plural(audit.entries, 'sealed entry', 'sealed entries')} recomputed${audit.unsealed ? `, ${audit.unsealed} not yet sealed` : ''}.`,
        evidence: [{ type: 'resource', id: null, label: 'Audit verification', detail: 'GET /api/audit/verify: ok' }],
      };
    }
    return {
      id: 'audit_chain',
      status: 'fail',
      summary: audit.first_broken
        ? `The audit chain is broken at entry #${audit.first_broken.id} (${audit.first_broken.reason.replace(/_/g, ' ')}).`
        : `${plural(audit.checkpoint_problems.length, 'checkpoint')} do${audit.checkpoint_problems.length === 1 ? 'es' : ''} not match the trail.`,
      evidence,
    };
  },

  audit_checkpoints: ({ audit, now }) => {
    const ev: Evidence[] = audit.last_checkpoint_at
      ? [
          {
            type: 'audit_checkpoint',
            id: audit.last_checkpoint_id,
            label: `Checkpoint #${audit.last_checkpoint_id}`,
            detail: `signed ${audit.last_checkpoint_at}`,
          },
        ]
      : [];
    if (!audit.last_checkpoint_at) {
      return audit.entries + audit.unsealed === 0
        ? {
            id: 'audit_checkpoints',
            status: 'pass',
            summary: 'The audit trail is empty: nothing to sign.',
            evidence: [],
          }
        : {
            id: 'audit_checkpoints',
            status: 'warning',
            summary: 'No audit checkpoint has been signed yet.',
            evidence: [],
          };
    }
    const recent = audit.last_checkpoint_at >= daysAgo(now, 1);
    return {
      id: 'audit_checkpoints',
      status: recent ? 'pass' : 'warning',
      summary: recent
        ? `The latest checkpoint was signed within 24 hours (${audit.last_checkpoint_at}).`
        : `No checkpoint in the last 24 hours; the latest is from ${audit.last_checkpoint_at}.`,
      evidence: ev,
    };
  },

  top_secret_access: (d) => {
    const cleared = enabled(d).filter((u) => clearedForAll(u.clearance));
    const weak = cleared.filter((u) => u.second_factors.length === 0);
    const nonAdmins = cleared.filter((u) => u.role !== 'admin');
    const racks = d.top_secret_racks;
    const evidence: Evidence[] = [
      ...cleared.map((u) =>
        userEvidence(
          u,
          `${u.role}, cleared for Top Secret, ${u.second_factors.length ? u.second_factors.join(' + ') : `no ${factorWords(d)}`}`,
        ),
      ),
      ...racks.map((r) => ({
        type: 'rack',
        id: r.id,
        label: r.name,
        detail: `Top Secret rack in ${r.datacenter}, visible to ${plural(cleared.length, 'cleared user')}`,
      })),
    ];
    const rackNote = racks.length ? ` ${plural(racks.length, 'Top Secret rack')} listed.` : '';
    if (weak.length) {
      return {
        id: 'top_secret_access',
        status: 'fail',
        summary: `${weak.length} of ${plural(cleared.length, 'user')} cleared for Top Secret ha${weak.length === 1 ? 's' : 've'} no second factor: ${weak.map((u) => u.username).join(', ')}.${rackNote}`,
        evidence,
      };
    }
    if (nonAdmins.length) {
      return {
        id: 'top_secret_access',
        status: 'warning',
        summary: `${plural(nonAdmins.length, 'non-admin user')} cleared for Top Secret (${nonAdmins.map((u) => `${u.username}: ${u.role}`).join(', ')}); review whether each needs it.${rackNote}`,
        evidence,
      };
    }
    return {
      id: 'top_secret_access',
      status: 'pass',
      summary: cleared.length
        ? `Only ${plural(cleared.length, 'administrator')} ${cleared.length === 1 ? 'is' : 'are'} cleared for Top Secret, each with a second factor.${rackNote}`
        : `Nobody is cleared for Top Secret.${rackNote}`,
      evidence,
    };
  },

  stale_accounts: (d) => {
    const cutoff90 = daysAgo(d.now, 90);
    const cutoff30 = daysAgo(d.now, 30);
    const stale = enabled(d).filter((u) => (u.last_active_at ? u.last_active_at < cutoff90 : u.created_at < cutoff30));
    return {
      id: 'stale_accounts',
      status: stale.length ? 'fail' : 'pass',
      summary: stale.length
        ? `${plural(stale.length, 'enabled account')} unused for 90 days (or never used, created over 30 days ago).`
        : `All ${plural(enabled(d).length, 'enabled account')} were active within 90 days.`,
      evidence: stale.map((u) =>
        userEvidence(
          u,
          u.last_active_at
            ? `${u.role}, last active ${day(u.last_active_at)}`
            : `${u.role}, never signed in, created ${day(u.created_at)}`,
        ),
      ),
    };
  },

  token_expiry: (d) => {
    const live = d.tokens.filter((t) => isTokenLive(t, d.now));
    const open = live.filter((t) => !t.expires_at);
    return {
      id: 'token_expiry',
      status: open.length ? 'warning' : 'pass',
      summary: open.length
        ? `${open.length} of ${plural(live.length, 'live API token')} never expire${open.length === 1 ? 's' : ''}.`
        : live.length
          ? `All ${plural(live.length, 'live API token')} have an expiry date.`
          : 'No live API tokens.',
      evidence: open.map((t) => tokenEvidence(t, `no expiry, created ${day(t.created_at)}`)),
    };
  },

  token_unused: (d) => {
    const cutoff = daysAgo(d.now, 90);
    const live = d.tokens.filter((t) => isTokenLive(t, d.now));
    const unused = live.filter((t) => t.created_at < cutoff && (!t.last_used_at || t.last_used_at < cutoff));
    return {
      id: 'token_unused',
      status: unused.length ? 'warning' : 'pass',
      summary: unused.length
        ? `${plural(unused.length, 'live API token')} unused for 90 days.`
        : `No live API token has gone unused for 90 days (${live.length} live).`,
      evidence: unused.map((t) => tokenEvidence(t, `last used ${day(t.last_used_at)}, created ${day(t.created_at)}`)),
    };
  },

  role_requests: (d) => {
    const cutoff = daysAgo(d.now, 7);
    const pending = enabled(d).filter((u) => u.requested_role);
    const old = pending.filter((u) => u.created_at < cutoff);
    return {
      id: 'role_requests',
      status: old.length ? 'warning' : 'pass',
      summary: old.length
        ? `${plural(old.length, 'role request')} waiting more than 7 days.`
        : pending.length
          ? `${plural(pending.length, 'pending role request')}, none older than 7 days.`
          : 'No pending role requests.',
      evidence: old.map((u) => userEvidence(u, `is ${u.role}, asked for ${u.requested_role} on ${day(u.created_at)}`)),
    };
  },

  password_policy: (d) => {
    const ok = d.password_min_length >= 12;
    return {
      id: 'password_policy',
      status: ok ? 'pass' : 'fail',
      summary: `New passwords need at least ${d.password_min_length} characters${ok ? '' : ' (12 required)'}.`,
      evidence: [
        {
          type: 'config',
          id: 'PASSWORD_MIN',
          label: 'Minimum password length',
          detail: `${d.password_min_length} characters, at least 4 distinct, not containing the username`,
        },
      ],
    };
  },

  default_admin: (d) => {
    const a = d.default_admin;
    if (!a) {
      return { id: 'default_admin', status: 'pass', summary: 'No account named "admin" exists.', evidence: [] };
    }
    const ev = (detail: string): Evidence[] => [{ type: 'user', id: a.id, label: 'admin', detail }];
    if (!a.default_password || a.disabled) {
      return {
        id: 'default_admin',
        status: 'pass',
        summary: a.disabled
          ? 'The "admin" account is disabled.'
          : 'The "admin" account no longer accepts the default password.',
        evidence: ev(a.disabled ? 'disabled' : 'password changed'),
      };
    }
    return {
      id: 'default_admin',
      status: d.production ? 'fail' : 'warning',
      summary: d.production
        ? 'The "admin" account still accepts the documented default password.'
        : 'The "admin" account still accepts the default password (acceptable only in local development).',
      evidence: ev('accepts the default password'),
    };
  },

  warranty: (d) => {
    const today = d.now.toISOString().slice(0, 10);
    const inService = d.servers_in_service;
    const expired = inService.filter((s) => s.warranty_expires && s.warranty_expires < today);
    const share = inService.length ? expired.length / inService.length : 0;
    const pct = Math.round(share * 1000) / 10;
    return {
      id: 'warranty',
      status: !expired.length ? 'pass' : share > 0.1 ? 'fail' : 'warning',
      summary: expired.length
        ? `${expired.length} of ${plural(inService.length, 'server')} in service ${expired.length === 1 ? 'is' : 'are'} past warranty (${pct} %).`
        : `No server in service is past warranty (${inService.length} in service).`,
      evidence: expired
        .sort((a, b) => a.warranty_expires!.localeCompare(b.warranty_expires!) || a.name.localeCompare(b.name))
        .map((s) => ({
          type: 'server',
          id: s.id,
          label: s.name,
          detail: `${s.status} in ${s.rack}, warranty expired ${s.warranty_expires}`,
        })),
    };
  },

  storage_encryption: (d) => {
    if (d.storage === null) {
      return {
        id: 'storage_encryption',
        status: 'not_applicable',
        summary: 'The platform does not manage storage volumes yet.',
        evidence: [
          {
            type: 'resource',
            id: null,
            label: 'Storage volumes',
            detail: 'not applicable: no storage resource exists; this check applies once storage is tracked',
          },
        ],
      };
    }
    const bad = d.storage.filter((s) => s.regulated && !s.encrypted);
    return {
      id: 'storage_encryption',
      status: bad.length ? 'fail' : 'pass',
      summary: bad.length
        ? `${plural(bad.length, 'unencrypted volume')} hold${bad.length === 1 ? 's' : ''} a regulated workload.`
        : 'Every volume holding a regulated workload is encrypted.',
      evidence: bad.map((s) => ({ type: 'storage', id: s.id, label: s.name, detail: 'unencrypted, regulated' })),
    };
  },

  dc_certification: (d, framework) => {
    const cert = FRAMEWORKS[framework].certification;
    const active = d.datacenters.filter((dc) => dc.status !== 'decommissioned');
    const ok = active.filter((dc) => dc.certifications.includes(cert));
    const missing = active.filter((dc) => !dc.certifications.includes(cert));
    if (!active.length) {
      return {
        id: 'dc_certification',
        status: 'not_applicable',
        summary: 'No datacenters in service.',
        evidence: [],
      };
    }
    return {
      id: 'dc_certification',
      status: !missing.length ? 'pass' : ok.length ? 'warning' : 'fail',
      summary: `${ok.length} of ${plural(active.length, 'datacenter')} in service ${ok.length === 1 ? 'holds' : 'hold'} ${cert}${missing.length ? `; missing at ${missing.map((m) => m.name).join(', ')}` : ''}.`,
      evidence: [
        ...missing.map((dc) => ({
          type: 'datacenter',
          id: dc.id,
          label: dc.name,
          detail: `not certified ${cert} (has ${dc.certifications.join(', ') || 'none'})`,
        })),
        ...ok.map((dc) => ({ type: 'datacenter', id: dc.id, label: dc.name, detail: `certified ${cert}` })),
      ],
    };
  },
  vulnerabilities_kev: (d) => {
    const today = d.now.toISOString().slice(0, 10);
    const overdue = d.kev_findings.filter((f) => f.due_date && f.due_date < today);
    const pending = d.kev_findings.filter((f) => !(f.due_date && f.due_date < today));
    const ev = (f: KevFindingFacts, late: boolean): Evidence => ({
      type: f.asset_kind,
      id: f.asset_id,
      label: f.asset_name,
      detail: `${f.vuln_id} on ${f.installed_version ?? 'an affected version'}: ${late ? 'overdue since' : 'due'} ${f.due_date ?? 'no due date'} (finding ${f.id})`,
    });
    const byDue = (a: KevFindingFacts, b: KevFindingFacts) =>
      (a.due_date ?? '').localeCompare(b.due_date ?? '') || a.asset_name.localeCompare(b.asset_name);
    return {
      id: 'vulnerabilities_kev',
      status: overdue.length ? 'fail' : pending.length ? 'warning' : 'pass',
      summary: overdue.length
        ? `${plural(overdue.length, 'known-exploited vulnerability finding')} past ${overdue.length === 1 ? 'its' : 'their'} due date.`
        : pending.length
          ? `${plural(pending.length, 'open known-exploited finding')}, none past due yet.`
          : 'No open known-exploited vulnerability findings.',
      evidence: [...overdue.sort(byDue).map((f) => ev(f, true)), ...pending.sort(byDue).map((f) => ev(f, false))],
    };
  },
};

export function evaluateCheck(id: CheckId, data: ComplianceData, framework: FrameworkId): CheckResult {
  return CHECKS[id](data, framework);
}

export interface ControlResult {
  id: CheckId;
  title: string;
  description: string;
  evaluation: string;
  status: Status;
  reference: string;
  summary: string;
  evidence: Evidence[];
  /** evidence items before the report's cap */
  evidence_total: number;
}

export interface Summary {
  pass: number;
  fail: number;
  warning: number;
  not_applicable: number;
  /** passed controls as a share of the applicable ones (pass + warning + fail), 0–100, one decimal */
  score_pct: number;
}

export interface Report {
  framework: FrameworkId;
  title: string;
  description: string;
  generated_at: string;
  summary: Summary;
  controls: ControlResult[];
}

export const EVIDENCE_CAP = 200;

export function summarize(controls: { status: Status }[]): Summary {
  const s = { pass: 0, fail: 0, warning: 0, not_applicable: 0 };
  for (const c of controls) s[c.status]++;
  const applicable = s.pass + s.fail + s.warning;
  return { ...s, score_pct: applicable ? Math.round((s.pass / applicable) * 1000) / 10 : 100 };
}

/** The report of one framework: every check that carries a reference for it, in catalogue order. */
export function buildReport(framework: FrameworkId, data: ComplianceData): Report {
  const controls = CONTROLS.filter((c) => c.references[framework]?.length).map((def): ControlResult => {
    const r = evaluateCheck(def.id, data, framework);
    return {
      id: def.id,
      title: def.title,
      description: def.description,
      evaluation: def.evaluation,
      status: r.status,
      reference: def.references[framework].join(', '),
      summary: r.summary,
      evidence: r.evidence.slice(0, EVIDENCE_CAP),
      evidence_total: r.evidence.length,
    };
  });
  return {
    framework,
    title: FRAMEWORKS[framework].title,
    description: FRAMEWORKS[framework].description,
    generated_at: data.now.toISOString(),
    summary: summarize(controls),
    controls,
  };
}

const csvCell = (v: string | number) => {
  const s = String(v);
  // quote always; neutralise spreadsheet formulas (CSV injection) in free text
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
};

export const CSV_HEADER = ['control reference', 'check', 'status', 'summary', 'evidence count', 'evidence'];

/** One row per control; evidence items joined with " | " as "type label: detail". */
export function reportCsv(report: Report): string {
  const rows = [
    CSV_HEADER,
    ...report.controls.map((c) => [
      c.reference,
      c.title,
      c.status,
      c.summary,
      c.evidence_total,
      c.evidence.map((e) => `${e.type} ${e.label}: ${e.detail}`).join(' | '),
    ]),
  ];
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
