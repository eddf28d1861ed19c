import * as v from 'valibot';
import { id, name, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';
import { SEVERITIES } from './alert-rule';

// Only valibot here (and constants): the UI bundles this file to validate the incident forms.

export const INCIDENT_STATUSES = ['open', 'investigating', 'identified', 'monitoring', 'resolved'] as const;

export const IncidentCreate = v.object({
  title: name(200),
  severity: oneOf(SEVERITIES),
  assignee: optionalText(100),
  rack_id: v.optional(v.nullable(id)),
  datacenter_id: v.optional(v.nullable(id)),
  alert_ids: v.optional(v.pipe(v.array(id), v.maxLength(100, 'at most 100 alerts'))),
  note: optionalText(5000),
});
export const IncidentUpdate = v.object({
  title: v.optional(name(200)),
  severity: v.optional(oneOf(SEVERITIES)),
  status: v.optional(oneOf(INCIDENT_STATUSES)),
  assignee: optionalText(100),
  summary: optionalText(20_000),
  /** a line for the timeline with this change (or alone: a note) */
  note: optionalText(5000),
});
export const Incident = v.object({
  ...timestampsOut,
  title: v.string(),
  severity: v.picklist(SEVERITIES),
  status: v.picklist(INCIDENT_STATUSES),
  assignee: v.nullable(v.string()),
  source: v.picklist(['auto', 'manual']),
  group_key: v.nullable(v.string()),
  datacenter_id: v.nullable(v.number()),
  rack_id: v.nullable(v.number()),
  summary: v.nullable(v.string()),
  opened_at: v.string(),
  acknowledged_at: v.nullable(v.string()),
  resolved_at: v.nullable(v.string()),
  alert_count: v.number(),
  open_alerts: v.number(),
});
export const TimelineEntry = v.object({
  ts: v.string(),
  type: v.string(),
  actor: v.nullable(v.string()),
  note: v.nullable(v.string()),
  alert_id: v.nullable(v.number()),
  alert_message: v.nullable(v.string()),
});
export const IncidentDetail = v.object({
  ...Incident.entries,
  alerts: v.array(
    v.object({
      id: v.number(),
      message: v.string(),
      severity: v.string(),
      status: v.string(),
      server_id: v.nullable(v.number()),
      started_at: v.string(),
    }),
  ),
  timeline: v.array(TimelineEntry),
});
const figure = { count: v.number(), mtta_s: v.nullable(v.number()), mttr_s: v.nullable(v.number()) };
export const IncidentStats = v.object({
  by_severity: v.array(v.object({ severity: v.string(), ...figure })),
  by_month: v.array(v.object({ month: v.string(), severity: v.string(), ...figure })),
});
export const StatsQuery = v.object({
  months: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,2}$/, 'must be a number of months'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(36),
    ),
  ),
});
