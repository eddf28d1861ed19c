CREATE TABLE `maintenance_windows` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`reason` text,
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	`rack_id` integer,
	`datacenter_id` integer,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`owner` text,
	`approval` text DEFAULT 'pending' NOT NULL,
	`approved_by` text,
	`set_maintenance_status` integer DEFAULT false NOT NULL,
	`switched` text,
	`started_at` text,
	`ended_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `maintenance_windows_target_idx` ON `maintenance_windows` (`target_type`,`target_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `maintenance_windows_time_idx` ON `maintenance_windows` (`starts_at`,`ends_at`);--> statement-breakpoint
ALTER TABLE `alerts` ADD `notify_from` text;