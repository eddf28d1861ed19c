CREATE TABLE `autoscale_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`policy_id` integer NOT NULL,
	`workload_id` integer NOT NULL,
	`action` text NOT NULL,
	`reason` text NOT NULL,
	`value` real,
	`samples` integer DEFAULT 0 NOT NULL,
	`replicas_before` integer NOT NULL,
	`replicas_after` integer NOT NULL,
	`operation_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`policy_id`) REFERENCES `autoscale_policies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `autoscale_decisions_policy_idx` ON `autoscale_decisions` (`policy_id`,`id`);--> statement-breakpoint
CREATE TABLE `autoscale_policies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workload_id` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`metric` text DEFAULT 'cpu_pct' NOT NULL,
	`window_min` integer DEFAULT 5 NOT NULL,
	`scale_out_above` real NOT NULL,
	`scale_in_below` real NOT NULL,
	`min_replicas` integer DEFAULT 1 NOT NULL,
	`max_replicas` integer NOT NULL,
	`step` integer DEFAULT 1 NOT NULL,
	`cooldown_s` integer DEFAULT 300 NOT NULL,
	`last_action_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`workload_id`) REFERENCES `workloads`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `autoscale_policies_workload_uq` ON `autoscale_policies` (`workload_id`);