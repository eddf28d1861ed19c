CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ts` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`actor_id` integer,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text,
	`before` text,
	`after` text,
	`request_id` text,
	`client_ip` text,
	`prev_hash` text,
	`hash` text
);
--> statement-breakpoint
CREATE INDEX `audit_ts_idx` ON `audit_log` (`ts`);--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_log` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_actor_idx` ON `audit_log` (`actor`,`ts`);--> statement-breakpoint
CREATE INDEX `audit_action_idx` ON `audit_log` (`action`,`ts`);--> statement-breakpoint
CREATE TABLE `datacenters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`location` text,
	`tier` text DEFAULT 'Tier 3' NOT NULL,
	`total_space_sqm` real,
	`power_capacity_mw` real,
	`cooling_capacity_mw` real,
	`pue_target` real,
	`certifications` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `datacenters_name_uq` ON `datacenters` (`name`);--> statement-breakpoint
CREATE INDEX `datacenters_status_idx` ON `datacenters` (`status`);--> statement-breakpoint
CREATE TABLE `racks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`datacenter_id` integer NOT NULL,
	`location` text,
	`row` text,
	`position` integer,
	`u_capacity` integer DEFAULT 42 NOT NULL,
	`power_capacity_kw` real DEFAULT 10 NOT NULL,
	`cooling_type` text DEFAULT 'Air Cooling' NOT NULL,
	`security_zone` text DEFAULT 'Internal' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `racks_dc_name_uq` ON `racks` (`datacenter_id`,`name`);--> statement-breakpoint
CREATE INDEX `racks_zone_idx` ON `racks` (`security_zone`);--> statement-breakpoint
CREATE INDEX `racks_status_idx` ON `racks` (`status`);--> statement-breakpoint
CREATE TABLE `servers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`rack_id` integer NOT NULL,
	`server_type` text DEFAULT 'Compute' NOT NULL,
	`manufacturer` text,
	`model` text,
	`serial_number` text NOT NULL,
	`u_position` integer NOT NULL,
	`u_size` integer DEFAULT 1 NOT NULL,
	`cpu_model` text,
	`cpu_cores` integer,
	`ram_gb` integer,
	`storage_tb` real,
	`power_supply_w` integer DEFAULT 0 NOT NULL,
	`os` text,
	`ip_address` text,
	`management_ip` text,
	`status` text DEFAULT 'active' NOT NULL,
	`health` text DEFAULT 'healthy' NOT NULL,
	`warranty_expires` text,
	`purchase_date` text,
	`purchase_cost` real,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`rack_id`) REFERENCES `racks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `servers_name_uq` ON `servers` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `servers_serial_uq` ON `servers` (`serial_number`);--> statement-breakpoint
CREATE INDEX `servers_rack_u_idx` ON `servers` (`rack_id`,`u_position`);--> statement-breakpoint
CREATE INDEX `servers_status_name_idx` ON `servers` (`status`,`name`);--> statement-breakpoint
CREATE INDEX `servers_type_name_idx` ON `servers` (`server_type`,`name`);--> statement-breakpoint
CREATE INDEX `servers_created_idx` ON `servers` (`created_at`);--> statement-breakpoint
CREATE INDEX `servers_warranty_idx` ON `servers` (`warranty_expires`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`email` text NOT NULL,
	`full_name` text,
	`password_hash` text NOT NULL,
	`role` text DEFAULT 'viewer' NOT NULL,
	`requested_role` text,
	`clearance` text DEFAULT 'Internal' NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`last_login_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (lower("username"));--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_uq` ON `users` (lower("email"));