import * as v from 'valibot';
import { id, int, name, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';
import { SCOPE_TYPES, SEVERITIES } from './alert-rule';

// Only valibot here (and constants): the UI bundles this file to validate the settings forms with the API's rules.

export const CHANNEL_KINDS = ['webhook', 'alertmanager', 'slack', 'email'] as const;
export const GROUP_BY = ['rack', 'datacenter'] as const;
export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed'] as const;
export const NOTIFICATION_STATUSES = ['grouping', 'sending', 'sent'] as const;

const email = v.pipe(v.string('must be text'), v.trim(), v.email('must be a valid email address'), v.maxLength(254));
const emailList = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.maxLength(1000, 'must be at most 1000 characters'),
  v.check(
    (s) => s.split(',').every((x) => /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(x.trim())),
    'must be email addresses separated by commas',
  ),
);
const httpUrl = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.maxLength(2000, 'must be at most 2000 characters'),
  v.url('must be a URL'),
  v.regex(/^https?:\/\//i, 'must be an http:// or https:// URL'),
);

export const ChannelCreate = v.object({
  name: name(100),
  description: optionalText(500),
  kind: oneOf(CHANNEL_KINDS),
  url: v.optional(v.nullable(httpUrl)),
  email_to: v.optional(v.nullable(emailList)),
  /** webhook: the HMAC-SHA256 signing secret (write-only; sealed at rest, never returned) */
  secret: v.optional(
    v.nullable(
      v.pipe(
        v.string('must be text'),
        v.minLength(16, 'must be at least 16 characters'),
        v.maxLength(200, 'must be at most 200 characters'),
      ),
    ),
  ),
  enabled: v.optional(v.boolean('must be true or false')),
  send_resolved: v.optional(v.boolean('must be true or false')),
});
export const ChannelUpdate = v.partial(ChannelCreate);
export const Channel = v.object({
  ...timestampsOut,
  name: v.string(),
  description: v.nullable(v.string()),
  kind: v.picklist(CHANNEL_KINDS),
  url: v.nullable(v.string()),
  email_to: v.nullable(v.string()),
  has_secret: v.boolean(),
  enabled: v.boolean(),
  send_resolved: v.boolean(),
  last_delivery_status: v.nullable(v.string()),
  last_delivery_at: v.nullable(v.string()),
});

export const PolicyLevel = v.object({
  after_min: int(0, 7 * 24 * 60),
  channel_ids: v.pipe(v.array(id, 'must be a list of channel ids'), v.maxLength(10, 'at most 10 channels')),
  schedule_ids: v.optional(
    v.pipe(v.array(id, 'must be a list of schedule ids'), v.maxLength(5, 'at most 5 schedules')),
    [],
  ),
});

export const PolicyCreate = v.object({
  name: name(100),
  description: optionalText(500),
  enabled: v.optional(v.boolean('must be true or false')),
  priority: v.optional(int(0, 10_000)),
  severities: v.optional(v.pipe(v.array(oneOf(SEVERITIES)), v.maxLength(3))),
  scope_type: v.optional(oneOf(SCOPE_TYPES)),
  scope_value: v.optional(v.nullable(v.pipe(v.string('must be text'), v.trim(), v.maxLength(64)))),
  group_by: v.optional(oneOf(GROUP_BY)),
  group_wait_s: v.optional(int(0, 600)),
  levels: v.pipe(
    v.array(PolicyLevel, 'must be a list of levels'),
    v.minLength(1, 'needs at least one level'),
    v.maxLength(5, 'at most 5 levels'),
  ),
});
export const PolicyUpdate = v.partial(PolicyCreate);
export const Policy = v.object({
  ...timestampsOut,
  name: v.string(),
  description: v.nullable(v.string()),
  enabled: v.boolean(),
  priority: v.number(),
  severities: v.array(v.picklist(SEVERITIES)),
  scope_type: v.picklist(SCOPE_TYPES),
  scope_value: v.nullable(v.string()),
  group_by: v.picklist(GROUP_BY),
  group_wait_s: v.number(),
  levels: v.array(
    v.object({ after_min: v.number(), channel_ids: v.array(v.number()), schedule_ids: v.array(v.number()) }),
  ),
});

const localDateTime = v.pipe(
  v.string('must be text'),
  v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a local date and time as YYYY-MM-DDTHH:MM'),
  v.check((s) => !Number.isNaN(Date.parse(`${s}:00Z`)), 'must be a real date and time'),
);
const instant = v.pipe(v.string('must be text'), v.isoTimestamp('must be an ISO 8601 timestamp'));
const participant = v.object({ name: name(100), email });

export const ScheduleCreate = v.object({
  name: name(100),
  description: optionalText(500),
  timezone: v.optional(v.pipe(v.string('must be text'), v.trim(), v.maxLength(64)), 'UTC'),
  handoff: localDateTime,
  shift_days: v.optional(int(1, 28)),
  participants: v.pipe(
    v.array(participant, 'must be a list of people'),
    v.minLength(1, 'needs at least one person'),
    v.maxLength(50, 'at most 50 people'),
  ),
  overrides: v.optional(
    v.pipe(
      v.array(
        v.object({ starts_at: instant, ends_at: instant, name: name(100), email }),
        'must be a list of overrides',
      ),
      v.maxLength(100, 'at most 100 overrides'),
    ),
  ),
});
export const ScheduleUpdate = v.partial(ScheduleCreate);
export const Schedule = v.object({
  ...timestampsOut,
  name: v.string(),
  description: v.nullable(v.string()),
  timezone: v.string(),
  handoff: v.string(),
  shift_days: v.number(),
  participants: v.array(v.object({ name: v.string(), email: v.string() })),
  overrides: v.array(v.object({ starts_at: v.string(), ends_at: v.string(), name: v.string(), email: v.string() })),
});

export const Shift = v.object({
  starts_at: v.string(),
  ends_at: v.string(),
  name: v.string(),
  email: v.string(),
  override: v.boolean(),
});
export const ShiftsQuery = v.object({
  from: v.optional(instant),
  days: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, 'must be a number of days'),
      v.transform(Number),
      v.maxValue(366, 'at most 366'),
    ),
  ),
});

export const Attempt = v.object({
  id: v.number(),
  ts: v.string(),
  ok: v.boolean(),
  status_code: v.nullable(v.number()),
  error: v.nullable(v.string()),
  duration_ms: v.number(),
});
export const Delivery = v.object({
  id: v.number(),
  channel_id: v.nullable(v.number()),
  channel: v.nullable(v.string()),
  schedule_id: v.nullable(v.number()),
  recipient: v.nullable(v.string()),
  status: v.picklist(DELIVERY_STATUSES),
  attempts: v.number(),
  next_attempt_at: v.nullable(v.string()),
  last_status_code: v.nullable(v.number()),
  last_error: v.nullable(v.string()),
  delivered_at: v.nullable(v.string()),
});
export const Notification = v.object({
  id: v.number(),
  group_key: v.string(),
  kind: v.picklist(['firing', 'resolved', 'test']),
  policy_id: v.nullable(v.number()),
  level: v.number(),
  status: v.picklist(NOTIFICATION_STATUSES),
  alert_ids: v.array(v.number()),
  alert_count: v.number(),
  datacenter_id: v.nullable(v.number()),
  rack_id: v.nullable(v.number()),
  created_at: v.string(),
  send_after: v.string(),
  sent_at: v.nullable(v.string()),
});
export const NotificationDetail = v.object({
  ...Notification.entries,
  deliveries: v.array(v.object({ ...Delivery.entries, attempts_log: v.array(Attempt) })),
});
export const TestResult = v.object({
  ok: v.boolean(),
  status_code: v.nullable(v.number()),
  error: v.nullable(v.string()),
  duration_ms: v.number(),
  notification_id: v.number(),
});
