CREATE TABLE `delivery_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`ts` text NOT NULL,
	`ok` integer NOT NULL,
	`status_code` integer,
	`error` text,
	`duration_ms` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `delivery_attempts_delivery_idx` ON `delivery_attempts` (`delivery_id`,`id`);--> statement-breakpoint
CREATE TABLE `escalation_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`enabled` integer DEFAULT true NOT NULL,
	`priority` integer DEFAULT 100 NOT NULL,
	`severities` text DEFAULT '[]' NOT NULL,
	`scope_type` text DEFAULT 'all' NOT NULL,
	`scope_value` text,
	`group_by` text DEFAULT 'rack' NOT NULL,
	`group_wait_s` integer DEFAULT 30 NOT NULL,
	`levels` text DEFAULT '[]' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escalation_policies_name_uq` ON `escalation_policies` (`name`);--> statement-breakpoint
CREATE TABLE `notification_channels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`kind` text NOT NULL,
	`url` text,
	`email_to` text,
	`secret_enc` text,
	`secret_key_id` text,
	`enabled` integer DEFAULT true NOT NULL,
	`send_resolved` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_channels_name_uq` ON `notification_channels` (`name`);--> statement-breakpoint
CREATE TABLE `notification_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notification_id` integer NOT NULL,
	`channel_id` integer,
	`schedule_id` integer,
	`recipient` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`last_status_code` integer,
	`last_error` text,
	`delivered_at` text,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notification_deliveries_due_idx` ON `notification_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `notification_deliveries_notification_idx` ON `notification_deliveries` (`notification_id`);--> statement-breakpoint
CREATE INDEX `notification_deliveries_channel_idx` ON `notification_deliveries` (`channel_id`,`id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_key` text NOT NULL,
	`kind` text NOT NULL,
	`policy_id` integer,
	`level` integer DEFAULT 1 NOT NULL,
	`status` text DEFAULT 'grouping' NOT NULL,
	`alert_ids` text DEFAULT '[]' NOT NULL,
	`datacenter_id` integer,
	`rack_id` integer,
	`created_at` text NOT NULL,
	`send_after` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_grouping_uq` ON `notifications` (`group_key`) WHERE status = 'grouping';--> statement-breakpoint
CREATE INDEX `notifications_status_idx` ON `notifications` (`status`,`send_after`);--> statement-breakpoint
CREATE TABLE `oncall_schedules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`handoff` text NOT NULL,
	`shift_days` integer DEFAULT 7 NOT NULL,
	`participants` text NOT NULL,
	`overrides` text DEFAULT '[]' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `oncall_schedules_name_uq` ON `oncall_schedules` (`name`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `policy_id` integer;--> statement-breakpoint
ALTER TABLE `alerts` ADD `escalation_level` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
INSERT INTO `alert_cursors` (`name`, `last_event_id`) SELECT 'dispatch', coalesce(max(`id`), 0) FROM `alert_events`;
