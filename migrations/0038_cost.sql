CREATE TABLE `cost_budgets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`scope_type` text DEFAULT 'estate' NOT NULL,
	`scope_id` integer,
	`scope_value` text,
	`period` text DEFAULT 'month' NOT NULL,
	`amount` real NOT NULL,
	`currency` text NOT NULL,
	`alert_at_pct` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cost_budgets_scope_idx` ON `cost_budgets` (`scope_type`,`scope_id`);--> statement-breakpoint
CREATE TABLE `cost_contracts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text DEFAULT 'support' NOT NULL,
	`vendor` text,
	`scope_type` text DEFAULT 'estate' NOT NULL,
	`scope_id` integer,
	`currency` text NOT NULL,
	`amount` real NOT NULL,
	`billing` text DEFAULT 'yearly' NOT NULL,
	`starts_on` text NOT NULL,
	`ends_on` text,
	`description` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `cost_contracts_scope_idx` ON `cost_contracts` (`scope_type`,`scope_id`);--> statement-breakpoint
CREATE TABLE `cost_tariffs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`datacenter_id` integer,
	`currency` text NOT NULL,
	`energy_kind` text DEFAULT 'flat' NOT NULL,
	`rate_per_kwh` real NOT NULL,
	`bands` text DEFAULT '[]' NOT NULL,
	`utc_offset_hours` integer DEFAULT 0 NOT NULL,
	`space_per_u_month` real,
	`space_per_rack_month` real,
	`amortisation_method` text DEFAULT 'straight_line' NOT NULL,
	`amortisation_years` integer NOT NULL,
	`declining_factor` real,
	`description` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`datacenter_id`) REFERENCES `datacenters`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `cost_tariffs_dc_idx` ON `cost_tariffs` (`datacenter_id`);