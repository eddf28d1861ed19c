CREATE TABLE `network_cables` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`a_port_id` integer NOT NULL,
	`b_port_id` integer NOT NULL,
	`cable_type` text DEFAULT 'fiber' NOT NULL,
	`length_m` real,
	`label` text,
	`status` text DEFAULT 'connected' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`a_port_id`) REFERENCES `network_ports`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`b_port_id`) REFERENCES `network_ports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `network_cables_a_uq` ON `network_cables` (`a_port_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `network_cables_b_uq` ON `network_cables` (`b_port_id`);--> statement-breakpoint
CREATE TABLE `network_devices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`device_type` text DEFAULT 'access_switch' NOT NULL,
	`rack_id` integer NOT NULL,
	`u_position` integer,
	`u_size` integer DEFAULT 1 NOT NULL,
	`manufacturer` text,
	`model` text,
	`serial_number` text,
	`management_ip` text,
	`os_version` text,
	`firmware_version` text,
	`power_w` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`warranty_expires` text,
	`purchase_date` text,
	`purchase_cost` real,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`rack_id`) REFERENCES `racks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `network_devices_name_uq` ON `network_devices` (`name`);--> statement-breakpoint
CREATE INDEX `network_devices_name_ci_idx` ON `network_devices` (lower("name"));--> statement-breakpoint
CREATE INDEX `network_devices_rack_u_idx` ON `network_devices` (`rack_id`,`u_position`);--> statement-breakpoint
CREATE TABLE `network_ports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` integer NOT NULL,
	`name` text NOT NULL,
	`speed` text DEFAULT '10G' NOT NULL,
	`media` text,
	`if_index` integer,
	`enabled` integer DEFAULT true NOT NULL,
	`description` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`device_id`) REFERENCES `network_devices`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `network_ports_device_name_uq` ON `network_ports` (`device_id`,`name`);--> statement-breakpoint
CREATE INDEX `network_ports_device_name_ci_idx` ON `network_ports` (`device_id`,lower("name"));--> statement-breakpoint
CREATE TABLE `pdus` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`rack_id` integer NOT NULL,
	`feed_id` integer,
	`u_position` integer,
	`u_size` integer DEFAULT 1 NOT NULL,
	`outlets` integer DEFAULT 24 NOT NULL,
	`capacity_kw` real NOT NULL,
	`manufacturer` text,
	`model` text,
	`management_ip` text,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`rack_id`) REFERENCES `racks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`feed_id`) REFERENCES `power_feeds`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pdus_name_uq` ON `pdus` (`name`);--> statement-breakpoint
CREATE INDEX `pdus_name_ci_idx` ON `pdus` (lower("name"));--> statement-breakpoint
CREATE INDEX `pdus_rack_idx` ON `pdus` (`rack_id`);--> statement-breakpoint
CREATE INDEX `pdus_feed_idx` ON `pdus` (`feed_id`);--> statement-breakpoint
CREATE TABLE `power_feeds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`datacenter_id` integer NOT NULL,
	`panel` text,
	`source` text DEFAULT 'utility' NOT NULL,
	`side` text DEFAULT 'A' NOT NULL,
	`feed_type` text DEFAULT 'primary' NOT NULL,
	`supply` text DEFAULT 'ac' NOT NULL,
	`phase` text DEFAULT 'single-phase' NOT NULL,
	`voltage` integer DEFAULT 230 NOT NULL,
	`amperage` integer DEFAULT 32 NOT NULL,
	`max_utilization_pct` integer DEFAULT 80 NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `power_feeds_dc_name_uq` ON `power_feeds` (`datacenter_id`,`name`);--> statement-breakpoint
CREATE INDEX `power_feeds_dc_idx` ON `power_feeds` (`datacenter_id`);--> statement-breakpoint
CREATE TABLE `power_supplies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_kind` text NOT NULL,
	`device_id` integer NOT NULL,
	`name` text DEFAULT 'PSU1' NOT NULL,
	`pdu_id` integer NOT NULL,
	`outlet` integer,
	`max_draw_w` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`pdu_id`) REFERENCES `pdus`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `power_supplies_device_name_uq` ON `power_supplies` (`device_kind`,`device_id`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `power_supplies_outlet_uq` ON `power_supplies` (`pdu_id`,`outlet`);--> statement-breakpoint
CREATE INDEX `power_supplies_pdu_idx` ON `power_supplies` (`pdu_id`);--> statement-breakpoint
CREATE TABLE `storage_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`storage_id` integer NOT NULL,
	`name` text NOT NULL,
	`volume` text,
	`size_gb` real DEFAULT 0 NOT NULL,
	`retention_days` integer DEFAULT 7 NOT NULL,
	`expires_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`storage_id`) REFERENCES `storage_systems`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `storage_snapshots_name_uq` ON `storage_snapshots` (`storage_id`,`name`);--> statement-breakpoint
CREATE INDEX `storage_snapshots_exp_idx` ON `storage_snapshots` (`expires_at`);--> statement-breakpoint
CREATE TABLE `storage_systems` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`storage_type` text DEFAULT 'SAN' NOT NULL,
	`datacenter_id` integer NOT NULL,
	`rack_id` integer,
	`u_position` integer,
	`u_size` integer DEFAULT 2 NOT NULL,
	`manufacturer` text,
	`model` text,
	`serial_number` text,
	`protocol` text,
	`raid_level` text DEFAULT '6' NOT NULL,
	`disk_count` integer NOT NULL,
	`raw_capacity_tb` real NOT NULL,
	`usable_capacity_tb` real NOT NULL,
	`used_tb` real DEFAULT 0 NOT NULL,
	`replication_target` text,
	`replication_mode` text DEFAULT 'none' NOT NULL,
	`encryption` integer DEFAULT false NOT NULL,
	`power_w` integer DEFAULT 0 NOT NULL,
	`management_ip` text,
	`firmware_version` text,
	`status` text DEFAULT 'active' NOT NULL,
	`warranty_expires` text,
	`purchase_date` text,
	`purchase_cost` real,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rack_id`) REFERENCES `racks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `storage_systems_name_uq` ON `storage_systems` (`name`);--> statement-breakpoint
CREATE INDEX `storage_systems_name_ci_idx` ON `storage_systems` (lower("name"));--> statement-breakpoint
CREATE INDEX `storage_systems_rack_u_idx` ON `storage_systems` (`rack_id`,`u_position`);--> statement-breakpoint
CREATE INDEX `storage_systems_dc_idx` ON `storage_systems` (`datacenter_id`);