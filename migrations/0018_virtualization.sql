CREATE TABLE `host_overcommit` (
	`server_id` integer PRIMARY KEY NOT NULL,
	`cpu_ratio` real NOT NULL,
	`ram_ratio` real NOT NULL,
	`disk_ratio` real NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `vm_operations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`vm_id` integer NOT NULL,
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
	FOREIGN KEY (`vm_id`) REFERENCES `vms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vm_operations_key_uq` ON `vm_operations` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `vm_operations_vm_idx` ON `vm_operations` (`vm_id`,`id`);--> statement-breakpoint
CREATE INDEX `vm_operations_site_idx` ON `vm_operations` (`datacenter_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `vm_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`vm_id` integer NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`parent_id` integer,
	`size_gb` real,
	`status` text DEFAULT 'creating' NOT NULL,
	`expires_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`vm_id`) REFERENCES `vms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vm_snapshots_name_uq` ON `vm_snapshots` (`vm_id`,`name`);--> statement-breakpoint
CREATE TABLE `vms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`host_server_id` integer NOT NULL,
	`hypervisor` text DEFAULT 'KVM' NOT NULL,
	`os` text,
	`cpu_cores` integer NOT NULL,
	`ram_gb` real NOT NULL,
	`disk_gb` real DEFAULT 0 NOT NULL,
	`network_type` text,
	`vlan` text,
	`status` text DEFAULT 'stopped' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`owner` text,
	`anti_affinity_group` text,
	`cloned_from_vm_id` integer,
	`cloned_from_snapshot_id` integer,
	`observed_status` text,
	`observed_host` text,
	`observed_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`host_server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vms_name_uq` ON `vms` (`name`);--> statement-breakpoint
CREATE INDEX `vms_name_ci_idx` ON `vms` (lower("name"));--> statement-breakpoint
CREATE INDEX `vms_host_idx` ON `vms` (`host_server_id`);--> statement-breakpoint
CREATE INDEX `vms_group_idx` ON `vms` (`anti_affinity_group`);