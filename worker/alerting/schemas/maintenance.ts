import * as v from 'valibot';
import { id, name, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';

// Only valibot here (and constants): the UI bundles this file to validate the maintenance form.

export const TARGET_TYPES = ['server', 'rack', 'datacenter'] as const;
export const APPROVALS = ['pending', 'approved', 'rejected'] as const;
export const WINDOW_STATES = ['scheduled', 'active', 'ended'] as const;

const instant = v.pipe(v.string('must be text'), v.isoTimestamp('must be a date and time (ISO 8601)'));

export const MaintenanceCreate = v.object({
  title: name(200),
  reason: optionalText(2000),
  target_type: oneOf(TARGET_TYPES),
  target_id: id,
  starts_at: instant,
  ends_at: instant,
  owner: optionalText(100),
  approval: v.optional(oneOf(APPROVALS)),
  set_maintenance_status: v.optional(v.boolean('must be true or false')),
});
export const MaintenanceUpdate = v.partial(MaintenanceCreate);
export const Maintenance = v.object({
  ...timestampsOut,
  title: v.string(),
  reason: v.nullable(v.string()),
  target_type: v.picklist(TARGET_TYPES),
  target_id: v.number(),
  target_name: v.nullable(v.string()),
  rack_id: v.nullable(v.number()),
  datacenter_id: v.nullable(v.number()),
  starts_at: v.string(),
  ends_at: v.string(),
  owner: v.nullable(v.string()),
  approval: v.picklist(APPROVALS),
  approved_by: v.nullable(v.string()),
  set_maintenance_status: v.boolean(),
  state: v.picklist(WINDOW_STATES),
  /** other windows on the same target that overlap this one in time */
  overlaps: v.array(v.number()),
  suppressed_alerts: v.number(),
  started_at: v.nullable(v.string()),
  ended_at: v.nullable(v.string()),
});
