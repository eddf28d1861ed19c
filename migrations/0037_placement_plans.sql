CREATE TABLE `placement_plans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`datacenter_id` integer NOT NULL,
	`goal` text NOT NULL,
	`headroom_pct` real DEFAULT 10 NOT NULL,
	`status` text DEFAULT 'proposed' NOT NULL,
	`security_zone` text DEFAULT 'Public' NOT NULL,
	`summary` text NOT NULL,
	`moves` text NOT NULL,
	`hosts` text NOT NULL,
	`unplaceable` text NOT NULL,
	`requested_by` text,
	`decided_by` text,
	`decided_at` text,
	`error` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `placement_plans_dc_idx` ON `placement_plans` (`datacenter_id`);--> statement-breakpoint
CREATE INDEX `placement_plans_status_idx` ON `placement_plans` (`status`);--> statement-breakpoint
CREATE INDEX `placement_plans_created_idx` ON `placement_plans` ("created_at");