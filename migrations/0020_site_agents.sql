CREATE TABLE `site_agents` (
	`datacenter_id` integer PRIMARY KEY NOT NULL,
	`connected` integer DEFAULT false NOT NULL,
	`hostname` text,
	`version` text,
	`drivers` text DEFAULT '[]' NOT NULL,
	`dry_run` integer DEFAULT false NOT NULL,
	`connected_at` text,
	`disconnected_at` text,
	`last_seen_at` text,
	`operation_id` integer,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE cascade
);
