CREATE TABLE `device_types` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`manufacturer` text NOT NULL,
	`model` text NOT NULL,
	`slug` text NOT NULL,
	`part_number` text,
	`kind` text DEFAULT 'server' NOT NULL,
	`u_height` real DEFAULT 1 NOT NULL,
	`is_full_depth` integer DEFAULT true NOT NULL,
	`airflow` text,
	`weight_kg` real,
	`max_draw_w` integer,
	`allocated_draw_w` integer,
	`interfaces` text DEFAULT '[]' NOT NULL,
	`power_ports` text DEFAULT '[]' NOT NULL,
	`power_outlets` integer DEFAULT 0 NOT NULL,
	`components` text DEFAULT '{}' NOT NULL,
	`comments` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_types_mfr_model_uq` ON `device_types` (lower("manufacturer"),lower("model"));--> statement-breakpoint
CREATE UNIQUE INDEX `device_types_slug_uq` ON `device_types` (`slug`);--> statement-breakpoint
CREATE INDEX `device_types_kind_idx` ON `device_types` (`kind`);--> statement-breakpoint
CREATE TABLE `import_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`object_type` text NOT NULL,
	`external_id` text NOT NULL,
	`local_kind` text NOT NULL,
	`local_id` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `import_links_uq` ON `import_links` (`source`,`object_type`,`external_id`);--> statement-breakpoint
CREATE INDEX `import_links_local_idx` ON `import_links` (`local_kind`,`local_id`);--> statement-breakpoint
CREATE TABLE `import_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`dry_run` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`requested_by` text,
	`report` text DEFAULT '{}' NOT NULL,
	`duration_ms` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `import_runs_created_idx` ON `import_runs` (`created_at`);--> statement-breakpoint
CREATE TABLE `ip_addresses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`address` text NOT NULL,
	`family` integer NOT NULL,
	`prefix_length` integer NOT NULL,
	`address_key` text NOT NULL,
	`prefix_id` integer,
	`assigned_kind` text,
	`assigned_id` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`role` text,
	`dns_name` text,
	`description` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`prefix_id`) REFERENCES `prefixes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ip_addresses_key_uq` ON `ip_addresses` (`address_key`);--> statement-breakpoint
CREATE INDEX `ip_addresses_prefix_idx` ON `ip_addresses` (`prefix_id`);--> statement-breakpoint
CREATE INDEX `ip_addresses_assigned_idx` ON `ip_addresses` (`assigned_kind`,`assigned_id`);--> statement-breakpoint
CREATE TABLE `prefixes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`prefix` text NOT NULL,
	`family` integer NOT NULL,
	`prefix_length` integer NOT NULL,
	`network_key` text NOT NULL,
	`broadcast_key` text NOT NULL,
	`datacenter_id` integer,
	`vlan_id` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`role` text,
	`is_pool` integer DEFAULT false NOT NULL,
	`description` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`vlan_id`) REFERENCES `vlans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `prefixes_prefix_uq` ON `prefixes` (`prefix`);--> statement-breakpoint
CREATE INDEX `prefixes_range_idx` ON `prefixes` (`network_key`,`broadcast_key`);--> statement-breakpoint
CREATE INDEX `prefixes_dc_idx` ON `prefixes` (`datacenter_id`);--> statement-breakpoint
CREATE TABLE `vlans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`datacenter_id` integer,
	`vid` integer NOT NULL,
	`name` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`role` text,
	`description` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vlans_dc_vid_uq` ON `vlans` (coalesce("datacenter_id", 0),`vid`);--> statement-breakpoint
CREATE INDEX `vlans_name_ci_idx` ON `vlans` (lower("name"));--> statement-breakpoint
CREATE TABLE `vulnerabilities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`vuln_id` text NOT NULL,
	`aliases` text DEFAULT '[]' NOT NULL,
	`sources` text DEFAULT '[]' NOT NULL,
	`title` text,
	`summary` text,
	`severity` text DEFAULT 'unknown' NOT NULL,
	`cvss_score` real,
	`known_exploited` integer DEFAULT false NOT NULL,
	`ransomware_use` text,
	`vendor` text,
	`product` text,
	`affected` text DEFAULT '[]' NOT NULL,
	`required_action` text,
	`date_added` text,
	`due_date` text,
	`published` text,
	`modified` text,
	`references` text DEFAULT '[]' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vulnerabilities_vuln_id_uq` ON `vulnerabilities` (`vuln_id`);--> statement-breakpoint
CREATE INDEX `vulnerabilities_product_idx` ON `vulnerabilities` (`vendor`,`product`);--> statement-breakpoint
CREATE TABLE `vulnerability_feeds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`format` text NOT NULL,
	`url` text,
	`enabled` integer DEFAULT true NOT NULL,
	`last_run_at` text,
	`last_status` text,
	`last_error` text,
	`last_count` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vulnerability_feeds_name_uq` ON `vulnerability_feeds` (`name`);--> statement-breakpoint
CREATE TABLE `vulnerability_findings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`vulnerability_id` integer NOT NULL,
	`asset_kind` text NOT NULL,
	`asset_id` integer NOT NULL,
	`component` text NOT NULL,
	`installed_version` text,
	`fixed_version` text,
	`severity` text NOT NULL,
	`due_date` text,
	`status` text DEFAULT 'open' NOT NULL,
	`first_seen` text NOT NULL,
	`last_seen` text NOT NULL,
	`resolved_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`vulnerability_id`) REFERENCES `vulnerabilities`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vulnerability_findings_uq` ON `vulnerability_findings` (`vulnerability_id`,`asset_kind`,`asset_id`,`component`);--> statement-breakpoint
CREATE INDEX `vulnerability_findings_asset_idx` ON `vulnerability_findings` (`asset_kind`,`asset_id`);--> statement-breakpoint
CREATE INDEX `vulnerability_findings_status_idx` ON `vulnerability_findings` (`status`,`due_date`);--> statement-breakpoint
ALTER TABLE `servers` ADD `os_version` text;--> statement-breakpoint
ALTER TABLE `servers` ADD `firmware_version` text;--> statement-breakpoint
ALTER TABLE `servers` ADD `bios_version` text;--> statement-breakpoint
ALTER TABLE `servers` ADD `device_type_id` integer;--> statement-breakpoint
ALTER TABLE `network_devices` ADD `device_type_id` integer;--> statement-breakpoint
ALTER TABLE `vms` ADD `os_version` text;