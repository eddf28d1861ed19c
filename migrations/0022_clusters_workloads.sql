CREATE TABLE `cluster_nodes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cluster_id` integer NOT NULL,
	`server_id` integer,
	`vm_id` integer,
	`role` text DEFAULT 'worker' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`server_id`) REFERENCES `servers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vm_id`) REFERENCES `vms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cluster_nodes_cluster_idx` ON `cluster_nodes` (`cluster_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cluster_nodes_server_uq` ON `cluster_nodes` (`cluster_id`,`server_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `cluster_nodes_vm_uq` ON `cluster_nodes` (`cluster_id`,`vm_id`);--> statement-breakpoint
CREATE TABLE `clusters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`datacenter_id` integer NOT NULL,
	`security_zone` text DEFAULT 'Internal' NOT NULL,
	`endpoint` text,
	`version` text,
	`description` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `clusters_name_uq` ON `clusters` (`name`);--> statement-breakpoint
CREATE INDEX `clusters_dc_idx` ON `clusters` (`datacenter_id`);--> statement-breakpoint
CREATE TABLE `workload_operations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workload_id` integer NOT NULL,
	`datacenter_id` integer NOT NULL,
	`kind` text NOT NULL,
	`params` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`steps` text DEFAULT '[]' NOT NULL,
	`error` text,
	`output` text,
	`idempotency_key` text NOT NULL,
	`requested_by` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`started_at` text,
	`finished_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`workload_id`) REFERENCES `workloads`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workload_operations_key_uq` ON `workload_operations` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `workload_operations_workload_idx` ON `workload_operations` (`workload_id`,`id`);--> statement-breakpoint
CREATE INDEX `workload_operations_site_idx` ON `workload_operations` (`datacenter_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `workloads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`cluster_id` integer NOT NULL,
	`namespace` text DEFAULT 'default' NOT NULL,
	`name` text NOT NULL,
	`image` text NOT NULL,
	`replicas_desired` integer DEFAULT 1 NOT NULL,
	`replicas_ready` integer DEFAULT 0 NOT NULL,
	`replicas_updated` integer DEFAULT 0 NOT NULL,
	`cpu_request_m` integer,
	`cpu_limit_m` integer,
	`memory_request_mb` integer,
	`memory_limit_mb` integer,
	`labels` text DEFAULT '{}' NOT NULL,
	`probes` text DEFAULT '[]' NOT NULL,
	`observed_image` text,
	`observed_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`cluster_id`) REFERENCES `clusters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workloads_name_uq` ON `workloads` (`cluster_id`,`namespace`,`name`);--> statement-breakpoint
CREATE INDEX `workloads_cluster_idx` ON `workloads` (`cluster_id`);