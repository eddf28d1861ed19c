import { sql } from 'drizzle-orm';
import { sqliteTable, text, integer, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { timestamps } from '../platform/db/columns';

/**
 * A remediation playbook: when an alert of its trigger rule fires (a metric, anomaly or inventory rule: the
 * forecasting checks raise theirs through inventory rules), what to do about it and under which guards. A new
 * playbook only says what it would have done (dry_run) until someone trusts it with approval or auto.
 */
export const remediationPlaybooks = sqliteTable(
  'remediation_playbooks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    description: text('description'),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    /** vm.migrate (a VM off the alert's server), vm_group.scale_out (one more member of a VM scaling group),
     * workload.scale (more replicas of a named workload), host.service_restart and host.disk_cleanup (on the
     * alert's server, through the agent's host driver) */
    action: text('action').notNull(),
    trigger_rule_id: integer('trigger_rule_id').notNull(),
    /** only alerts at or above this severity trigger it */
    min_severity: text('min_severity').notNull().default('warning'),
    /** only alerts firing for at least this long: a shipped 10-minute CPU rule and 5 here is "hot for 15 minutes" */
    after_min: integer('after_min').notNull().default(0),
    /** only alerts of this datacenter (null: any) */
    datacenter_id: integer('datacenter_id'),
    /** dry_run (record what it would do), approval (wait for an operator), auto (act, within the guards) */
    mode: text('mode').notNull().default('dry_run'),
    /** in auto mode, alerts at or above this severity still wait for approval ('never': none do) */
    approval_severity: text('approval_severity').notNull().default('critical'),
    /** in auto mode, targets in a zone above this one still wait for approval */
    auto_max_zone: text('auto_max_zone').notNull().default('Internal'),
    /** blast radius: actions started by this playbook per datacenter in any hour */
    max_per_hour: integer('max_per_hour').notNull().default(3),
    /** after an action on a target, none again on it for this long */
    cooldown_min: integer('cooldown_min').notNull().default(30),
    /** the alert must clear within this many minutes of the action finishing, or the run failed and escalates */
    verify_min: integer('verify_min').notNull().default(15),
    /** vm_group.scale_out: the VM auto-scaling group given one more member (never past its max_size) */
    scaling_group_id: integer('scaling_group_id'),
    /** workload.scale: the workload given `scale_step` more replicas, never past `max_replicas` */
    workload_id: integer('workload_id'),
    scale_step: integer('scale_step').notNull().default(1),
    max_replicas: integer('max_replicas'),
    /** host.service_restart: the systemd unit restarted on the alert's server (the agent must allow-list it) */
    unit: text('unit'),
    /** host.disk_cleanup: journald vacuumed to this size and/or age (null: not by that measure) */
    journal_max_size_mb: integer('journal_max_size_mb'),
    journal_max_age_days: integer('journal_max_age_days'),
    /** host.disk_cleanup: regular files older than temp_max_age_days removed under these absolute directories */
    temp_dirs: text('temp_dirs', { mode: 'json' }).$type<string[]>().notNull().default([]),
    temp_max_age_days: integer('temp_max_age_days').notNull().default(7),
    /** host.disk_cleanup: off, dangling (untagged layers) or unused (every image no container uses) */
    image_prune: text('image_prune').notNull().default('off'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('remediation_playbooks_name_uq').on(t.name),
    index('remediation_playbooks_rule_idx').on(t.trigger_rule_id),
  ],
);

/**
 * One firing of a playbook for one alert (never two: the unique index), from proposal to verified outcome:
 * would_run (dry run), skipped (a guard said no, `reason` says which), awaiting_approval, rejected, executing (its
 * operation is with the site agent), verifying (done; waiting for the alert to clear), succeeded, failed.
 * Its zone is the zone of what it acts on, so it is as secret as that.
 */
export const remediationRuns = sqliteTable(
  'remediation_runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    playbook_id: integer('playbook_id').notNull(),
    /** the playbook's name when it ran (runs are history; the playbook may be renamed) */
    name: text('name').notNull(),
    action: text('action').notNull(),
    mode: text('mode').notNull(),
    alert_id: integer('alert_id').notNull(),
    severity: text('severity').notNull(),
    datacenter_id: integer('datacenter_id'),
    rack_id: integer('rack_id'),
    server_id: integer('server_id'),
    security_zone: text('security_zone').notNull().default('Public'),
    /** what it acts on, by name: the VM or the workload */
    target: text('target'),
    status: text('status').notNull(),
    /** why it was skipped, rejected or failed */
    reason: text('reason'),
    /** what it does: the VM and its move, or the workload and its replicas */
    proposal: text('proposal', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    /** the vm_operations, workload_operations or host_operations row carrying it out */
    operation_id: integer('operation_id'),
    decided_by: text('decided_by'),
    decided_at: text('decided_at'),
    started_at: text('started_at'),
    verify_by: text('verify_by'),
    finished_at: text('finished_at'),
    /** the incident a failed run was escalated to */
    incident_id: integer('incident_id'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('remediation_runs_playbook_alert_uq').on(t.playbook_id, t.alert_id),
    index('remediation_runs_status_idx').on(t.status),
    index('remediation_runs_started_idx').on(t.playbook_id, t.datacenter_id, t.started_at),
    index('remediation_runs_created_idx').on(sql`${t.created_at}`),
  ],
);

/** One row (id 1): the kill switch. While on, no playbook acts and no approval starts anything. */
export const remediationSettings = sqliteTable('remediation_settings', {
  id: integer('id').primaryKey(),
  kill_switch: integer('kill_switch', { mode: 'boolean' }).notNull().default(false),
  changed_by: text('changed_by'),
  changed_at: text('changed_at'),
  note: text('note'),
});
