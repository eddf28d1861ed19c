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
    /** inventory rules: what is checked (warranty_expiring, rack_power_allocation, rack_space, no_data, audit_chain) */
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
