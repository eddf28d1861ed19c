import * as v from 'valibot';
import { oneOf, timestampsOut } from '../../platform/schemas/common';
import { SEVERITIES } from './vulnerability';

// Only valibot here: the UI imports these.

export const ASSET_KINDS = ['server', 'vm', 'network_device', 'storage_system'] as const;
export const FINDING_STATUSES = ['open', 'accepted', 'fixed'] as const;

export const VulnerabilityFinding = v.object({
  ...timestampsOut,
  vulnerability_id: v.number(),
  asset_kind: v.picklist(ASSET_KINDS),
  asset_id: v.number(),
  component: v.pipe(v.string(), v.description('os, firmware, bios')),
  installed_version: v.nullable(v.string()),
  fixed_version: v.nullable(v.string()),
  severity: v.picklist(SEVERITIES),
  due_date: v.pipe(v.nullable(v.string()), v.description("CISA's due date of a known-exploited vulnerability")),
  status: v.picklist(FINDING_STATUSES),
  first_seen: v.string(),
  last_seen: v.string(),
  resolved_at: v.nullable(v.string()),
  vuln_id: v.string(),
  title: v.nullable(v.string()),
  known_exploited: v.boolean(),
  overdue: v.pipe(v.boolean(), v.description('open and past its due date')),
  asset_name: v.nullable(v.string()),
  link: v.pipe(
    v.string(),
    v.description('the asset in the UI: /servers/{id}, /vms/{id}, /network/{id}, /storage/{id}'),
  ),
  rack_id: v.nullable(v.number()),
  datacenter_id: v.nullable(v.number()),
  explanation: v.string(),
});

/** Accept a finding's risk (with the reason, kept in the audit trail) or reopen it. Fixed is the scanner's word. */
export const FindingStatusUpdate = v.pipe(
  v.object({
    status: oneOf(['open', 'accepted'] as const),
    reason: v.optional(
      v.pipe(v.string('must be text'), v.trim(), v.maxLength(1000, 'must be at most 1000 characters')),
    ),
  }),
  v.forward(
    v.check((b) => b.status !== 'accepted' || !!b.reason, 'is required to accept a finding'),
    ['reason'],
  ),
);
