CREATE TABLE `remediation_playbooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`enabled` integer DEFAULT true NOT NULL,
	`action` text NOT NULL,
	`trigger_rule_id` integer NOT NULL,
	`min_severity` text DEFAULT 'warning' NOT NULL,
	`datacenter_id` integer,
	`mode` text DEFAULT 'dry_run' NOT NULL,
	`approval_severity` text DEFAULT 'critical' NOT NULL,
	`auto_max_zone` text DEFAULT 'Internal' NOT NULL,
	`max_per_hour` integer DEFAULT 3 NOT NULL,
	`cooldown_min` integer DEFAULT 30 NOT NULL,
	`verify_min` integer DEFAULT 15 NOT NULL,
	`workload_id` integer,
	`scale_step` integer DEFAULT 1 NOT NULL,
	`max_replicas` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `remediation_playbooks_name_uq` ON `remediation_playbooks` (`name`);--> statement-breakpoint
CREATE INDEX `remediation_playbooks_rule_idx` ON `remediation_playbooks` (`trigger_rule_id`);--> statement-breakpoint
CREATE TABLE `remediation_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`playbook_id` integer NOT NULL,
	`name` text NOT NULL,
	`action` text NOT NULL,
	`mode` text NOT NULL,
	`alert_id` integer NOT NULL,
	`severity` text NOT NULL,
	`datacenter_id` integer,
	`rack_id` integer,
	`server_id` integer,
	`security_zone` text DEFAULT 'Public' NOT NULL,
	`target` text,
	`status` text NOT NULL,
	`reason` text,
	`proposal` text DEFAULT '{}' NOT NULL,
	`operation_id` integer,
	`decided_by` text,
	`decided_at` text,
	`started_at` text,
	`verify_by` text,
	`finished_at` text,
	`incident_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `remediation_runs_playbook_alert_uq` ON `remediation_runs` (`playbook_id`,`alert_id`);--> statement-breakpoint
CREATE INDEX `remediation_runs_status_idx` ON `remediation_runs` (`status`);--> statement-breakpoint
CREATE INDEX `remediation_runs_started_idx` ON `remediation_runs` (`playbook_id`,`datacenter_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `remediation_runs_created_idx` ON `remediation_runs` ("created_at");--> statement-breakpoint
CREATE TABLE `remediation_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`kill_switch` integer DEFAULT false NOT NULL,
	`changed_by` text,
	`changed_at` text,
	`note` text
);
