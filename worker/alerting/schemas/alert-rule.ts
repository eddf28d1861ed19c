import * as v from 'valibot';
import { int, name, num, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';

// Only valibot here (and constants): the UI bundles this file to validate the rule editor with the API's rules.

export const RULE_KINDS = ['metric', 'anomaly', 'inventory'] as const;
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const RULE_COMPARISONS = ['>', '>=', '<', '<='] as const;
export const RULE_AGGREGATES = ['last', 'avg', 'min', 'max'] as const;
export const SCOPE_TYPES = ['all', 'datacenter', 'rack', 'server_type', 'server'] as const;
export const INVENTORY_CHECKS = [
  'warranty_expiring',
  'rack_power_allocation',
  'rack_space',
  'no_data',
  'audit_chain',
  'disk_full_forecast',
] as const;
/** suppressed: fired while a maintenance window covered its device (kept, not sent, not escalated) */
export const ALERT_STATUSES = ['firing', 'acknowledged', 'suppressed', 'resolved'] as const;

const DAY_S = 86_400;
const labelKey = v.pipe(v.string(), v.regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label names are letters, digits and _'));
const labels = v.pipe(
  v.record(labelKey, v.pipe(v.string('label values must be text'), v.maxLength(200, 'label values: 200 characters'))),
  v.check((o) => Object.keys(o).length <= 20, 'at most 20 labels'),
);

export const AlertRuleCreate = v.object({
  name: name(100),
  description: optionalText(500),
  kind: v.optional(oneOf(RULE_KINDS)),
  enabled: v.optional(v.boolean('must be true or false')),
  severity: v.optional(oneOf(SEVERITIES)),
  metric: v.optional(
    v.nullable(
      v.pipe(
        v.string('must be text'),
        v.trim(),
        v.regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a metric name (letters, digits, _ and :)'),
        v.maxLength(100, 'must be at most 100 characters'),
      ),
    ),
  ),
  aggregate: v.optional(oneOf(RULE_AGGREGATES)),
  window_s: v.optional(int(0, DAY_S)),
  comparison: v.optional(oneOf(RULE_COMPARISONS)),
  threshold: v.optional(num(-1e12, 1e12)),
  clear_threshold: v.optional(v.nullable(num(-1e12, 1e12))),
  for_s: v.optional(int(0, 7 * DAY_S)),
  keep_firing_for_s: v.optional(int(0, 7 * DAY_S)),
  inventory_check: v.optional(v.nullable(oneOf(INVENTORY_CHECKS))),
  scope_type: v.optional(oneOf(SCOPE_TYPES)),
  scope_value: v.optional(v.nullable(v.pipe(v.string('must be text'), v.trim(), v.maxLength(64)))),
  labels: v.optional(labels),
  message: v.optional(
    v.pipe(v.string('must be text'), v.trim(), v.minLength(1, 'is required'), v.maxLength(500, 'at most 500')),
  ),
  auto_acknowledge: v.optional(v.boolean('must be true or false')),
});
export const AlertRuleUpdate = v.partial(AlertRuleCreate);
export const AlertRule = v.object({
  ...AlertRuleCreate.entries,
  ...timestampsOut,
  builtin: v.boolean(),
});

export const AlertListQuery = {
  resolved: v.optional(
    v.pipe(
      v.picklist(['true', 'false'], 'must be true or false'),
      v.transform((s) => s === 'true'),
    ),
  ),
};

export const AcknowledgeBody = v.object({ note: optionalText(1000) });
export const ResolveBody = v.object({ note: optionalText(1000) });

export const Alert = v.object({
  id: v.number(),
  fingerprint: v.string(),
  rule_id: v.nullable(v.number()),
  source: v.string(),
  severity: v.picklist(SEVERITIES),
  status: v.picklist(ALERT_STATUSES),
  resolved: v.boolean(),
  acknowledged: v.boolean(),
  message: v.string(),
  datacenter_id: v.nullable(v.number()),
  rack_id: v.nullable(v.number()),
  server_id: v.nullable(v.number()),
  metric: v.nullable(v.string()),
  value: v.nullable(v.number()),
  threshold: v.nullable(v.number()),
  labels: v.record(v.string(), v.string()),
  /** anomaly rules: the detector's explanation (expected lower/upper, observed, fired parts, likelihood) */
  details: v.nullable(v.record(v.string(), v.unknown())),
  started_at: v.string(),
  last_seen_at: v.string(),
  count: v.number(),
  acknowledged_at: v.nullable(v.string()),
  acknowledged_by: v.nullable(v.string()),
  resolved_at: v.nullable(v.string()),
  resolved_by: v.nullable(v.string()),
  resolution_note: v.nullable(v.string()),
  ends_at: v.nullable(v.string()),
  policy_id: v.nullable(v.number()),
  escalation_level: v.number(),
  notify_from: v.nullable(v.string()),
  created_at: v.string(),
  updated_at: v.string(),
});

export const AlertEvent = v.object({
  id: v.number(),
  ts: v.string(),
  type: v.string(),
  actor: v.nullable(v.string()),
  value: v.nullable(v.number()),
  note: v.nullable(v.string()),
});
export const AlertDetail = v.object({ ...Alert.entries, events: v.array(AlertEvent) });

export const ExportQuery = v.object({
  format: v.optional(v.picklist(['prometheus'], 'must be prometheus'), 'prometheus'),
});

// Alertmanager API v2, POST /api/v2/alerts: what Prometheus sends to an Alertmanager.
const labelName = v.pipe(v.string(), v.regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'label names are letters, digits and _'));
const labelSet = (max: number) =>
  v.pipe(
    v.record(labelName, v.pipe(v.string('label values must be text'), v.maxLength(1000, 'at most 1000 characters'))),
    v.check((o) => Object.keys(o).length <= max, `at most ${max} labels`),
  );
const timestamp = v.optional(
  v.pipe(v.string('must be an RFC 3339 time'), v.isoTimestamp('must be an RFC 3339 time like 2026-12-06T10:00:00Z')),
);
export const AlertmanagerAlert = v.object({
  labels: v.pipe(
    labelSet(64),
    v.check((l) => typeof l.alertname === 'string' && l.alertname.length > 0, 'must include alertname'),
  ),
  annotations: v.optional(labelSet(64)),
  startsAt: timestamp,
  endsAt: timestamp,
  generatorURL: v.optional(v.pipe(v.string(), v.maxLength(2000, 'at most 2000 characters'))),
});
export const AlertmanagerAlerts = v.pipe(
  v.array(AlertmanagerAlert, 'must be a JSON array of alerts'),
  v.maxLength(1000, 'at most 1000 alerts per request'),
);

/** A metric condition to try against the last 24 h before saving it (POST /alert-rules/preview). */
export const RulePreviewBody = v.object({
  metric: v.pipe(
    v.string('must be text'),
    v.trim(),
    v.regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a metric name (letters, digits, _ and :)'),
    v.maxLength(100),
  ),
  aggregate: v.optional(oneOf(RULE_AGGREGATES), 'last'),
  window_s: v.optional(int(0, DAY_S), 0),
  comparison: v.optional(oneOf(RULE_COMPARISONS), '>'),
  threshold: num(-1e12, 1e12),
  clear_threshold: v.optional(v.nullable(num(-1e12, 1e12)), null),
  for_s: v.optional(int(0, 7 * DAY_S), 0),
  keep_firing_for_s: v.optional(int(0, 7 * DAY_S), 0),
  scope_type: v.optional(oneOf(SCOPE_TYPES), 'all'),
  scope_value: v.optional(v.nullable(v.pipe(v.string('must be text'), v.trim(), v.maxLength(64))), null),
});
export const RulePreview = v.object({
  from: v.string(),
  to: v.string(),
  series: v.number(),
  firings: v.number(),
  devices_firing: v.number(),
  devices: v.array(v.object({ device: v.string(), rack: v.string(), times: v.number(), first_at: v.string() })),
  hours: v.array(v.object({ hour: v.string(), firings: v.number() })),
});
