CREATE TABLE `host_operations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`server_id` integer NOT NULL,
	`datacenter_id` integer NOT NULL,
	`kind` text NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`error` text,
	`output` text,
	`idempotency_key` text NOT NULL,
	`requested_by` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`started_at` text,
	`finished_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `host_operations_key_uq` ON `host_operations` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `host_operations_server_idx` ON `host_operations` (`server_id`,`id`);--> statement-breakpoint
CREATE INDEX `host_operations_site_idx` ON `host_operations` (`datacenter_id`,`status`,`id`);--> statement-breakpoint
ALTER TABLE `remediation_playbooks` ADD `unit` text;--> statement-breakpoint
ALTER TABLE `remediation_playbooks` ADD `journal_max_size_mb` integer;--> statement-breakpoint
ALTER TABLE `remediation_playbooks` ADD `journal_max_age_days` integer;--> statement-breakpoint
ALTER TABLE `remediation_playbooks` ADD `temp_dirs` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `remediation_playbooks` ADD `temp_max_age_days` integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE `remediation_playbooks` ADD `image_prune` text DEFAULT 'off' NOT NULL;