/**
 * The compliance catalogue: every automated check once, with what it looks at and how it is judged, mapped to the
 * controls it gives evidence for in each framework. A check may serve several frameworks; the report of a
 * framework lists the checks that carry a reference for it. Evaluation is in evaluate.ts (pure), data gathering in
 * service.ts.
 *
 * References: ISO/IEC 27001:2022 Annex A; AICPA SOC 2 Trust Services Criteria (2017, revised points of focus
 * 2022); PCI DSS v4.0 requirements; HIPAA Security Rule, 45 CFR Part 164 Subpart C.
 */

export const FRAMEWORKS = {
  iso27001: {
    title: 'ISO/IEC 27001:2022',
    description: 'Information security management systems — Annex A controls',
    certification: 'ISO 27001',
  },
  soc2: {
    title: 'SOC 2',
    description: 'AICPA Trust Services Criteria (security, availability)',
    certification: 'SOC 2',
  },
  'pci-dss': {
    title: 'PCI DSS v4.0',
    description: 'Payment Card Industry Data Security Standard',
    certification: 'PCI DSS',
  },
  hipaa: {
    title: 'HIPAA Security Rule',
    description: '45 CFR Part 164 Subpart C — administrative, physical and technical safeguards',
    certification: 'HIPAA',
  },
} as const;
export type FrameworkId = keyof typeof FRAMEWORKS;
export const FRAMEWORK_IDS = Object.keys(FRAMEWORKS) as FrameworkId[];
export const isFramework = (id: string): id is FrameworkId => Object.hasOwn(FRAMEWORKS, id);

export const CHECK_IDS = [
  'admin_mfa',
  'write_mfa',
  'audit_chain',
  'audit_checkpoints',
  'top_secret_access',
  'stale_accounts',
  'token_expiry',
  'token_unused',
  'role_requests',
  'password_policy',
  'default_admin',
  'warranty',
  'storage_encryption',
  'dc_certification',
  'vulnerabilities_kev',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface CheckDef {
  id: CheckId;
  title: string;
  /** what the control asks for */
  description: string;
  /** how the check decides pass / warning / fail from the live data */
  evaluation: string;
  references: Record<FrameworkId, string[]>;
}

export const CONTROLS: readonly CheckDef[] = [
  {
    id: 'admin_mfa',
    title: 'Administrators use a second factor',
    description: 'Every enabled administrator account can authenticate with a second factor.',
    evaluation:
      'Fail when any enabled admin has no active passkey (or confirmed TOTP factor, where that table exists); ' +
      'evidence names each such admin.',
    references: {
      iso27001: ['A.8.5', 'A.5.17'],
      soc2: ['CC6.1'],
      'pci-dss': ['8.4.1'],
      hipaa: ['§164.312(d)'],
    },
  },
  {
    id: 'write_mfa',
    title: 'Users with write access use a second factor',
    description: 'Accounts that can change the inventory (operators, admins) authenticate with a second factor.',
    evaluation: 'Warning when any enabled operator or admin has no second factor; evidence names them.',
    references: {
      iso27001: ['A.8.5'],
      soc2: ['CC6.1'],
      'pci-dss': ['8.4.2'],
      hipaa: ['§164.312(d)'],
    },
  },
  {
    id: 'audit_chain',
    title: 'Audit trail integrity verifies',
    description: 'The hash-chained audit trail and its signed checkpoints show no modified, missing or cut entries.',
    evaluation:
      'Runs the audit chain verification (GET /api/audit/verify). Fail when any link, hash or checkpoint does ' +
      'not check out; evidence names the first broken entry and each checkpoint problem.',
    references: {
      iso27001: ['A.8.15'],
      soc2: ['CC7.2'],
      'pci-dss': ['10.3.2', '10.3.4'],
      hipaa: ['§164.312(b)', '§164.312(c)(1)'],
    },
  },
  {
    id: 'audit_checkpoints',
    title: 'Audit checkpoints are recent',
    description: 'A signed checkpoint of the audit chain was written within the last 24 hours.',
    evaluation:
      'Warning when the latest checkpoint is older than 24 hours, or when there is none for a non-empty trail.',
    references: {
      iso27001: ['A.8.15', 'A.8.16'],
      soc2: ['CC7.2'],
      'pci-dss': ['10.3.4'],
      hipaa: ['§164.312(b)'],
    },
  },
  {
    id: 'top_secret_access',
    title: 'Top Secret racks are reachable only by strongly authenticated, cleared users',
    description:
      'Users cleared for the Top Secret zone (who can see its racks and servers) are few, reviewed, and each has ' +
      'a second factor.',
    evaluation:
      'Lists the users cleared for Top Secret and the Top Secret racks (those the caller may see). Fail when an ' +
      'enabled user cleared for Top Secret has no second factor; warning when non-admins hold Top Secret ' +
      'clearance (review them); pass otherwise.',
    references: {
      iso27001: ['A.5.15', 'A.8.3'],
      soc2: ['CC6.1', 'CC6.3'],
      'pci-dss': ['7.2.1', '7.2.2'],
      hipaa: ['§164.308(a)(4)', '§164.312(a)(1)'],
    },
  },
  {
    id: 'stale_accounts',
    title: 'No stale accounts',
    description: 'Enabled accounts are in use: inactive ones are disabled or removed within 90 days.',
    evaluation:
      'Fail for each enabled account with no sign-in, session or API token use in 90 days, or never used and ' +
      'created more than 30 days ago.',
    references: {
      iso27001: ['A.5.18'],
      soc2: ['CC6.2'],
      'pci-dss': ['8.2.6'],
      hipaa: ['§164.308(a)(3)(ii)(C)'],
    },
  },
  {
    id: 'token_expiry',
    title: 'API tokens expire',
    description: 'Personal API tokens (application and system credentials) carry an expiry date.',
    evaluation: 'Warning for each live (not revoked) API token without an expiry date.',
    references: {
      iso27001: ['A.5.17'],
      soc2: ['CC6.1'],
      'pci-dss': ['8.6.3'],
      hipaa: ['§164.308(a)(5)(ii)(D)'],
    },
  },
  {
    id: 'token_unused',
    title: 'No unused API tokens',
    description: 'Live API tokens are in use; unused ones are revoked.',
    evaluation: 'Warning for each live token created more than 90 days ago and not used in the last 90 days.',
    references: {
      iso27001: ['A.5.18'],
      soc2: ['CC6.2'],
      'pci-dss': ['8.2.6', '8.6.1'],
      hipaa: ['§164.308(a)(4)(ii)(C)'],
    },
  },
  {
    id: 'role_requests',
    title: 'Role requests are decided promptly',
    description: 'Roles asked for at self-registration are approved or declined by an administrator within 7 days.',
    evaluation: 'Warning for each enabled user whose role request is older than 7 days.',
    references: {
      iso27001: ['A.5.18'],
      soc2: ['CC6.2'],
      'pci-dss': ['7.2.2'],
      hipaa: ['§164.308(a)(4)(ii)(C)'],
    },
  },
  {
    id: 'password_policy',
    title: 'Password policy enforces length',
    description: 'New passwords must be at least 12 characters long.',
    evaluation: 'Pass when the configured minimum password length is at least 12, fail otherwise.',
    references: {
      iso27001: ['A.5.17'],
      soc2: ['CC6.1'],
      'pci-dss': ['8.3.6'],
      hipaa: ['§164.308(a)(5)(ii)(D)'],
    },
  },
  {
    id: 'default_admin',
    title: 'Default administrator password changed',
    description: 'The bootstrap "admin" account no longer accepts the documented default password.',
    evaluation:
      'Checks the "admin" account against the default password. Fail when it still works outside development, ' +
      'warning in development (where it is the documented local login), pass when changed, disabled or absent.',
    references: {
      iso27001: ['A.5.17'],
      soc2: ['CC6.1'],
      'pci-dss': ['2.2.2'],
      hipaa: ['§164.312(d)'],
    },
  },
  {
    id: 'warranty',
    title: 'Equipment is under warranty',
    description: 'Servers in service are covered by a vendor warranty (maintained per the supplier).',
    evaluation:
      'Warning when servers in service (not decommissioned) are past their warranty date; fail when they are more ' +
      'than 10 % of the servers in service. Counts only servers in racks the caller may see.',
    references: {
      iso27001: ['A.7.13'],
      soc2: ['A1.2'],
      'pci-dss': ['12.3.4'],
      hipaa: ['§164.308(a)(7)'],
    },
  },
  {
    id: 'storage_encryption',
    title: 'Storage holding regulated workloads is encrypted',
    description: 'Storage volumes that hold a regulated workload are encrypted at rest.',
    evaluation: 'Not applicable until the platform manages storage volumes.',
    references: {
      iso27001: ['A.8.24'],
      soc2: ['CC6.1'],
      'pci-dss': ['3.5.1'],
      hipaa: ['§164.312(a)(2)(iv)'],
    },
  },
  {
    id: 'dc_certification',
    title: 'Datacenters hold the framework certification',
    description: 'Every active datacenter is certified for the framework of the report.',
    evaluation:
      'Pass when every active datacenter lists the certification, warning when some do, fail when none do; ' +
      'not applicable without active datacenters.',
    references: {
      iso27001: ['A.7.1'],
      soc2: ['A1.2'],
      'pci-dss': ['9.1.1'],
      hipaa: ['§164.310(a)(1)'],
    },
  },
  {
    id: 'vulnerabilities_kev',
    title: 'No known-exploited vulnerability past its due date',
    description:
      'Vulnerabilities that CISA lists as known exploited (KEV) are remediated on the inventory by their due date.',
    evaluation:
      'From the vulnerability findings (inventory versions matched against the KEV and OSV catalogue): fail while ' +
      'an open known-exploited finding is past its due date, warning while open known-exploited findings are not ' +
      'yet due, pass otherwise; accepted and fixed findings do not count. Evidence names each finding. Counts only ' +
      'assets the caller may see.',
    references: {
      iso27001: ['A.8.8'],
      soc2: ['CC7.1'],
      'pci-dss': ['6.3.3'],
      hipaa: ['§164.308(a)(1)(ii)(A)'],
    },
  },
];
