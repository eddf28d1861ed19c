CREATE TABLE `incident_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`incident_id` integer NOT NULL,
	`ts` text NOT NULL,
	`type` text NOT NULL,
	`actor` text,
	`note` text,
	`alert_id` integer
);
--> statement-breakpoint
CREATE INDEX `incident_events_incident_idx` ON `incident_events` (`incident_id`,`id`);--> statement-breakpoint
CREATE TABLE `incidents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`severity` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`assignee` text,
	`source` text DEFAULT 'manual' NOT NULL,
	`group_key` text,
	`datacenter_id` integer,
	`rack_id` integer,
	`summary` text,
	`opened_at` text NOT NULL,
	`acknowledged_at` text,
	`resolved_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incidents_open_group_uq` ON `incidents` (`group_key`) WHERE status <> 'resolved' AND group_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX `incidents_status_idx` ON `incidents` (`status`,`opened_at`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `incident_id` integer;