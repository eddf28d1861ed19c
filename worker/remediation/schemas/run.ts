import * as v from 'valibot';
import { timestampsOut } from '../../platform/schemas/common';
import { SEVERITIES } from '../../alerting/schemas/alert-rule';
import { PLAYBOOK_ACTIONS, PLAYBOOK_MODES } from './playbook';

export const RUN_STATUSES = [
  'would_run',
  'skipped',
  'awaiting_approval',
  'rejected',
  'executing',
  'verifying',
  'succeeded',
  'failed',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RunDecision = v.object({
  /** why it is rejected (kept with the run) */
  reason: v.optional(v.pipe(v.string('must be text'), v.trim(), v.maxLength(500, 'must be at most 500 characters'))),
});

export const Run = v.object({
  ...timestampsOut,
  playbook_id: v.number(),
  name: v.string(),
  action: v.picklist(PLAYBOOK_ACTIONS),
  mode: v.picklist(PLAYBOOK_MODES),
  alert_id: v.number(),
  alert_message: v.nullable(v.string()),
  alert_status: v.nullable(v.string()),
  severity: v.picklist(SEVERITIES),
  datacenter_id: v.nullable(v.number()),
  datacenter_name: v.nullable(v.string()),
  rack_id: v.nullable(v.number()),
  server_id: v.nullable(v.number()),
  server_name: v.nullable(v.string()),
  security_zone: v.string(),
  target: v.nullable(v.string()),
  status: v.picklist(RUN_STATUSES),
  reason: v.nullable(v.string()),
  proposal: v.record(v.string(), v.unknown()),
  operation_id: v.nullable(v.number()),
  /** what the site agent reported when the operation ended (host actions: the unit's state, bytes freed) */
  operation_output: v.nullable(v.record(v.string(), v.unknown())),
  decided_by: v.nullable(v.string()),
  decided_at: v.nullable(v.string()),
  started_at: v.nullable(v.string()),
  verify_by: v.nullable(v.string()),
  finished_at: v.nullable(v.string()),
  incident_id: v.nullable(v.number()),
});

export const KillSwitch = v.object({
  kill_switch: v.boolean('must be true or false'),
  note: v.optional(v.pipe(v.string('must be text'), v.trim(), v.maxLength(200, 'must be at most 200 characters'))),
});

export const Settings = v.object({
  kill_switch: v.boolean(),
  changed_by: v.nullable(v.string()),
  changed_at: v.nullable(v.string()),
  note: v.nullable(v.string()),
});
