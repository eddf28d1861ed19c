CREATE TABLE `vm_scaling_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`group_id` integer NOT NULL,
	`action` text NOT NULL,
	`reason` text NOT NULL,
	`value` real,
	`samples` integer DEFAULT 0 NOT NULL,
	`size_before` integer NOT NULL,
	`size_after` integer NOT NULL,
	`vm_name` text,
	`operation_id` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `vm_scaling_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `vm_scaling_decisions_group_idx` ON `vm_scaling_decisions` (`group_id`,`id`);--> statement-breakpoint
CREATE TABLE `vm_scaling_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`template_vm_id` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`metric` text DEFAULT 'cpu_pct' NOT NULL,
	`window_min` integer DEFAULT 5 NOT NULL,
	`scale_out_above` real NOT NULL,
	`scale_in_below` real NOT NULL,
	`min_size` integer DEFAULT 1 NOT NULL,
	`max_size` integer NOT NULL,
	`cooldown_s` integer DEFAULT 300 NOT NULL,
	`last_action_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`template_vm_id`) REFERENCES `vms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vm_scaling_groups_name_uq` ON `vm_scaling_groups` (`name`);--> statement-breakpoint
CREATE INDEX `vm_scaling_groups_template_idx` ON `vm_scaling_groups` (`template_vm_id`);--> statement-breakpoint
ALTER TABLE `vms` ADD `scaling_group_id` integer;--> statement-breakpoint
CREATE INDEX `vms_scaling_group_idx` ON `vms` (`scaling_group_id`);