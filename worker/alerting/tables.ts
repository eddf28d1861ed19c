import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, real, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';

/**
 * Alert rules. `kind` says who evaluates them: `metric` rules run in the rack objects on every accepted sample
 * (worker/alerting/evaluate.ts), `anomaly` rules the same way on the sample's anomaly score, `inventory` rules
 * in a Cron Trigger. Scope narrows where a rule applies; the columns that do not apply to a kind stay null.
 */
export const alertRules = sqliteTable(
  'alert_rules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind').notNull().default('metric'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    severity: text('severity').notNull().default('warning'),
    /** metric and anomaly rules: the metric name (a standard one or a custom series) */
    metric: text('metric'),
    aggregate: text('aggregate').notNull().default('last'),
    window_s: integer('window_s').notNull().default(0),
    comparison: text('comparison').notNull().default('>'),
    threshold: real('threshold').notNull().default(0),
    clear_threshold: real('clear_threshold'),
    for_s: integer('for_s').notNull().default(0),
    keep_firing_for_s: integer('keep_firing_for_s').notNull().default(0),
    /** inventory rules: what is checked (warranty_expiring, rack_power_allocation, rack_space, no_data, audit_chain,
     * disk_full_forecast) */
    inventory_check: text('inventory_check'),
    /** all, datacenter, rack, server_type, server */
    scope_type: text('scope_type').notNull().default('all'),
    /** the datacenter, rack or server id, or the server type, per scope_type */
    scope_value: text('scope_value'),
    /** JSON object of extra labels carried by its alerts */
    labels: text('labels', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    message: text('message').notNull().default('{{rule}}: {{device}} {{metric}} {{value}}'),
    auto_acknowledge: integer('auto_acknowledge', { mode: 'boolean' }).notNull().default(false),
    /** shipped with the product (the defaults); tune or disable it like any other rule */
    builtin: integer('builtin', { mode: 'boolean' }).notNull().default(false),
    ...timestamps(),
  },
  (t) => [uniqueIndex('alert_rules_name_uq').on(t.name), index('alert_rules_kind_idx').on(t.kind, t.enabled)],
);

/**
 * One row per fingerprint (rule + device + labels) while it is open: a condition that fires again while its alert
 * is open raises `count` and `last_seen_at` instead of a second alert. Resolved alerts stay as history.
 */
export const alerts = sqliteTable(
  'alerts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    fingerprint: text('fingerprint').notNull(),
    rule_id: integer('rule_id'),
    /** where it came from: rule (ours), alertmanager (POST /api/v2/alerts) */
    source: text('source').notNull().default('rule'),
    severity: text('severity').notNull(),
    /** firing, acknowledged, resolved */
    status: text('status').notNull().default('firing'),
    message: text('message').notNull(),
    datacenter_id: integer('datacenter_id'),
    rack_id: integer('rack_id'),
    server_id: integer('server_id'),
    metric: text('metric'),
    value: real('value'),
    threshold: real('threshold'),
    labels: text('labels', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    /** why it fired beyond the value: an anomaly rule's explanation (expected band, parts that fired, likelihood) */
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
    started_at: text('started_at').notNull(),
    last_seen_at: text('last_seen_at').notNull(),
    count: integer('count').notNull().default(1),
    acknowledged_at: text('acknowledged_at'),
    acknowledged_by: text('acknowledged_by'),
    resolved_at: text('resolved_at'),
    resolved_by: text('resolved_by'),
    resolution_note: text('resolution_note'),
    /** Alertmanager alerts: when the sender says it ends unless sent again (POST /api/v2/alerts `endsAt`) */
    ends_at: text('ends_at'),
    /** the escalation policy it was routed to when it fired (null: none matched) */
    policy_id: integer('policy_id'),
    /** how many of the policy's levels have been notified */
    escalation_level: integer('escalation_level').notNull().default(0),
    /** escalation delays count from here: when it fired, or when the maintenance window that suppressed it ended */
    notify_from: text('notify_from'),
    /** the incident it belongs to (critical alerts join their rack's open incident) */
    incident_id: integer('incident_id'),
    ...timestamps(),
  },
  (t) => [
    // the database's own guard for "one open alert per fingerprint", whoever writes
    uniqueIndex('alerts_open_fingerprint_uq')
      .on(t.fingerprint)
      .where(sql`status <> 'resolved'`),
    index('alerts_status_idx').on(t.status, t.started_at),
    index('alerts_rack_idx').on(t.rack_id),
  ],
);

/** The story of an alert: fired, seen again, acknowledged, resolved (by whom, with which note). */
export const alertEvents = sqliteTable(
  'alert_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    alert_id: integer('alert_id').notNull(),
    ts: text('ts').notNull(),
    /** fired, refired, acknowledged, auto_acknowledged, resolved, auto_resolved */
    type: text('type').notNull(),
    actor: text('actor'),
    value: real('value'),
    note: text('note'),
  },
  (t) => [index('alert_events_alert_idx').on(t.alert_id, t.id)],
);

/**
 * How far a reader of the alerts' history (table alert_events) has got, by name: the alert hub's live feed and
 * dispatch (durable-objects/alert-hub.ts) advance theirs in the same batch as what they derive from the events,
 * so each event is handled once whatever restarts in between.
 */
export const alertCursors = sqliteTable('alert_cursors', {
  name: text('name').primaryKey(),
  last_event_id: integer('last_event_id').notNull(),
});

/**
 * Where notifications go: a signed JSON webhook, an Alertmanager-format webhook (payload version 4), a Slack
 * incoming webhook, or email (Cloudflare's Email binding; logged when there is none). The webhook's HMAC secret is
 * sealed at rest (`secret_enc`, never listed).
 */
export const notificationChannels = sqliteTable(
  'notification_channels',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind').notNull(),
    url: text('url'),
    email_to: text('email_to'),
    secret_enc: text('secret_enc'),
    secret_key_id: text('secret_key_id'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    send_resolved: integer('send_resolved', { mode: 'boolean' }).notNull().default(true),
    ...timestamps(),
  },
  (t) => [uniqueIndex('notification_channels_name_uq').on(t.name)],
);

/**
 * Who hears of which alerts, and when: alerts of the listed severities (all when empty) in the scope are routed
 * to the first enabled policy by priority. Level 1 is told when the alert fires (after `group_wait_s`, with the
 * alerts that fire with it in the same rack or datacenter); each next level `after_min` minutes after it fired
 * while nobody acknowledged it (advanced by cron).
 */
export const escalationPolicies = sqliteTable(
  'escalation_policies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    description: text('description'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    priority: integer('priority').notNull().default(100),
    severities: text('severities', { mode: 'json' }).$type<string[]>().notNull().default([]),
    scope_type: text('scope_type').notNull().default('all'),
    scope_value: text('scope_value'),
    group_by: text('group_by').notNull().default('rack'),
    group_wait_s: integer('group_wait_s').notNull().default(30),
    levels: text('levels', { mode: 'json' })
      .$type<{ after_min: number; channel_ids: number[]; schedule_ids: number[] }[]>()
      .notNull()
      .default([]),
    ...timestamps(),
  },
  (t) => [uniqueIndex('escalation_policies_name_uq').on(t.name)],
);

/**
 * Weekly (or N-day) rotations: shift k starts at `handoff` + k·shift_days in the schedule's time zone (wall clock,
 * so a 09:00 hand-off stays at 09:00 across daylight saving) and belongs to participant k mod n; an override
 * (a holiday swap) wins over the rotation for its period.
 */
export const oncallSchedules = sqliteTable(
  'oncall_schedules',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    description: text('description'),
    timezone: text('timezone').notNull().default('UTC'),
    handoff: text('handoff').notNull(),
    shift_days: integer('shift_days').notNull().default(7),
    participants: text('participants', { mode: 'json' }).$type<{ name: string; email: string }[]>().notNull(),
    overrides: text('overrides', { mode: 'json' })
      .$type<{ starts_at: string; ends_at: string; name: string; email: string }[]>()
      .notNull()
      .default([]),
    ...timestamps(),
  },
  (t) => [uniqueIndex('oncall_schedules_name_uq').on(t.name)],
);

/**
 * One message about one or more alerts (a group that fired together, an escalation step, a resolution, a test):
 * `grouping` while it waits for companions until `send_after`, then `sending` with one delivery per channel or
 * recipient, `sent` when they are all done.
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    group_key: text('group_key').notNull(),
    /** firing, resolved, test */
    kind: text('kind').notNull(),
    policy_id: integer('policy_id'),
    level: integer('level').notNull().default(1),
    status: text('status').notNull().default('grouping'),
    alert_ids: text('alert_ids', { mode: 'json' }).$type<number[]>().notNull().default([]),
    datacenter_id: integer('datacenter_id'),
    rack_id: integer('rack_id'),
    created_at: text('created_at').notNull(),
    send_after: text('send_after').notNull(),
    sent_at: text('sent_at'),
  },
  (t) => [
    // one open group per key: concurrent writers append to it rather than start a second
    uniqueIndex('notifications_grouping_uq')
      .on(t.group_key)
      .where(sql`status = 'grouping'`),
    index('notifications_status_idx').on(t.status, t.send_after),
  ],
);

/** A notification to one channel (or one on-call person), with its retries. */
export const notificationDeliveries = sqliteTable(
  'notification_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    notification_id: integer('notification_id').notNull(),
    /** a channel, or (schedule_id set) null: an email to whoever was on call */
    channel_id: integer('channel_id'),
    schedule_id: integer('schedule_id'),
    /** the on-call person's address (schedule deliveries) */
    recipient: text('recipient'),
    /** pending, retrying, delivered, failed */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    next_attempt_at: text('next_attempt_at'),
    last_status_code: integer('last_status_code'),
    last_error: text('last_error'),
    delivered_at: text('delivered_at'),
    created_at: text('created_at').notNull(),
  },
  (t) => [
    index('notification_deliveries_due_idx').on(t.status, t.next_attempt_at),
    index('notification_deliveries_notification_idx').on(t.notification_id),
    index('notification_deliveries_channel_idx').on(t.channel_id, t.id),
  ],
);

/** Every attempt at a delivery: when, what came back, how long it took. */
export const deliveryAttempts = sqliteTable(
  'delivery_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    delivery_id: integer('delivery_id').notNull(),
    ts: text('ts').notNull(),
    ok: integer('ok', { mode: 'boolean' }).notNull(),
    status_code: integer('status_code'),
    error: text('error'),
    duration_ms: integer('duration_ms').notNull(),
  },
  (t) => [index('delivery_attempts_delivery_idx').on(t.delivery_id, t.id)],
);

/**
 * Planned work on a server, a rack or a whole datacenter. While an approved window is active, alerts on its target
 * are recorded as `suppressed` (not lost, not sent) and their escalation waits; when it ends the ones still open
 * fire as usual. Optionally the target's active servers are switched to `maintenance` for the window and back.
 * `rack_id` is the target's rack (a server's, or the rack itself): the window is as secret as it.
 */
export const maintenanceWindows = sqliteTable(
  'maintenance_windows',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    reason: text('reason'),
    target_type: text('target_type').notNull(),
    target_id: integer('target_id').notNull(),
    rack_id: integer('rack_id'),
    datacenter_id: integer('datacenter_id'),
    starts_at: text('starts_at').notNull(),
    ends_at: text('ends_at').notNull(),
    owner: text('owner'),
    /** pending, approved, rejected: only approved windows suppress */
    approval: text('approval').notNull().default('pending'),
    approved_by: text('approved_by'),
    set_maintenance_status: integer('set_maintenance_status', { mode: 'boolean' }).notNull().default(false),
    /** servers switched to maintenance at the start: {server_id: status before} */
    switched: text('switched', { mode: 'json' }).$type<Record<string, string>>(),
    started_at: text('started_at'),
    ended_at: text('ended_at'),
    ...timestamps(),
  },
  (t) => [
    index('maintenance_windows_target_idx').on(t.target_type, t.target_id, t.starts_at),
    index('maintenance_windows_time_idx').on(t.starts_at, t.ends_at),
  ],
);

/**
 * An incident: what people work on, grouping related alerts. Critical alerts open one (or join the open one of
 * their rack, else their datacenter: `group_key`); people open them by hand too. Its timeline is its own events
 * (notes, status changes, assignments) merged with its alerts' histories.
 */
export const incidents = sqliteTable(
  'incidents',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    severity: text('severity').notNull(),
    /** open, investigating, identified, monitoring, resolved */
    status: text('status').notNull().default('open'),
    assignee: text('assignee'),
    /** auto (opened by a critical alert) or manual */
    source: text('source').notNull().default('manual'),
    /** auto incidents: rack:<id>, datacenter:<id> or site; one open incident per key */
    group_key: text('group_key'),
    datacenter_id: integer('datacenter_id'),
    rack_id: integer('rack_id'),
    summary: text('summary'),
    opened_at: text('opened_at').notNull(),
    /** first response: an alert of it acknowledged, or its status moved on from open (MTTA) */
    acknowledged_at: text('acknowledged_at'),
    resolved_at: text('resolved_at'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('incidents_open_group_uq')
      .on(t.group_key)
      .where(sql`status <> 'resolved' AND group_key IS NOT NULL`),
    index('incidents_status_idx').on(t.status, t.opened_at),
  ],
);

export const incidentEvents = sqliteTable(
  'incident_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    incident_id: integer('incident_id').notNull(),
    ts: text('ts').notNull(),
    /** opened, alert_linked, note, status_changed, assigned, summary_updated, severity_changed */
    type: text('type').notNull(),
    actor: text('actor'),
    note: text('note'),
    alert_id: integer('alert_id'),
  },
  (t) => [index('incident_events_incident_idx').on(t.incident_id, t.id)],
);

/**
 * The racks whose objects evaluate rules: each adds itself when it reads them, so a rule change reaches every
 * running rack object at once (worker/alerting/push.ts), including one that started a moment ago.
 */
export const alertRuleRacks = sqliteTable('alert_rule_racks', {
  rack_id: integer('rack_id').primaryKey(),
  since: text('since').notNull(),
});
