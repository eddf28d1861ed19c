CREATE TABLE `alert_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`alert_id` integer NOT NULL,
	`ts` text NOT NULL,
	`type` text NOT NULL,
	`actor` text,
	`value` real,
	`note` text
);
--> statement-breakpoint
CREATE INDEX `alert_events_alert_idx` ON `alert_events` (`alert_id`,`id`);--> statement-breakpoint
CREATE TABLE `alert_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`kind` text DEFAULT 'metric' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`severity` text DEFAULT 'warning' NOT NULL,
	`metric` text,
	`aggregate` text DEFAULT 'last' NOT NULL,
	`window_s` integer DEFAULT 0 NOT NULL,
	`comparison` text DEFAULT '>' NOT NULL,
	`threshold` real DEFAULT 0 NOT NULL,
	`clear_threshold` real,
	`for_s` integer DEFAULT 0 NOT NULL,
	`keep_firing_for_s` integer DEFAULT 0 NOT NULL,
	`inventory_check` text,
	`scope_type` text DEFAULT 'all' NOT NULL,
	`scope_value` text,
	`labels` text DEFAULT '{}' NOT NULL,
	`message` text DEFAULT '{{rule}}: {{device}} {{metric}} {{value}}' NOT NULL,
	`auto_acknowledge` integer DEFAULT false NOT NULL,
	`builtin` integer DEFAULT false NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alert_rules_name_uq` ON `alert_rules` (`name`);--> statement-breakpoint
CREATE INDEX `alert_rules_kind_idx` ON `alert_rules` (`kind`,`enabled`);--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`fingerprint` text NOT NULL,
	`rule_id` integer,
	`source` text DEFAULT 'rule' NOT NULL,
	`severity` text NOT NULL,
	`status` text DEFAULT 'firing' NOT NULL,
	`message` text NOT NULL,
	`datacenter_id` integer,
	`rack_id` integer,
	`server_id` integer,
	`metric` text,
	`value` real,
	`threshold` real,
	`labels` text DEFAULT '{}' NOT NULL,
	`started_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	`acknowledged_at` text,
	`acknowledged_by` text,
	`resolved_at` text,
	`resolved_by` text,
	`resolution_note` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `alerts_open_fingerprint_uq` ON `alerts` (`fingerprint`) WHERE status <> 'resolved';--> statement-breakpoint
CREATE INDEX `alerts_status_idx` ON `alerts` (`status`,`started_at`);--> statement-breakpoint
CREATE INDEX `alerts_rack_idx` ON `alerts` (`rack_id`);--> statement-breakpoint
-- The rules the product ships with (builtin = 1): tune or disable them from the Alert rules page. Inlet limits are
-- ASHRAE TC 9.9's recommended envelope for class A1 (18–27 °C), with a degree of hysteresis so a reading wobbling
-- at the limit does not flap; rack power and U-space are the allocation against the rack's capacity.
INSERT INTO `alert_rules` (`name`, `description`, `kind`, `severity`, `metric`, `aggregate`, `window_s`, `comparison`, `threshold`, `clear_threshold`, `for_s`, `inventory_check`, `message`, `builtin`) VALUES
	('Inlet above ASHRAE A1 (27 °C)', 'Average inlet temperature over 5 minutes above the ASHRAE A1 recommended maximum; clears below 26 °C.', 'metric', 'warning', 'inlet_temp_c', 'avg', 300, '>', 27, 26, 300, NULL, '{{device}} inlet {{value}} °C > {{threshold}} °C (ASHRAE A1 recommended)', 1),
	('Inlet below ASHRAE A1 (18 °C)', 'Average inlet temperature over 5 minutes below the ASHRAE A1 recommended minimum; clears above 19 °C.', 'metric', 'info', 'inlet_temp_c', 'avg', 300, '<', 18, 19, 600, NULL, '{{device}} inlet {{value}} °C < {{threshold}} °C (ASHRAE A1 recommended)', 1),
	('CPU above 90 % for 10 minutes', 'One-minute average CPU above 90 % for 10 minutes; clears below 80 %.', 'metric', 'warning', 'cpu_pct', 'avg', 60, '>', 90, 80, 600, NULL, '{{device}} CPU {{value}} % > {{threshold}} % for 10 minutes', 1),
	('Rack power above 80 % of capacity', 'Nameplate power allocated in a rack above 80 % of its capacity.', 'inventory', 'warning', NULL, 'last', 0, '>', 80, NULL, 0, 'rack_power_allocation', '{{device}} power allocation {{value}} % > {{threshold}} %', 1),
	('Rack power above 95 % of capacity', 'Nameplate power allocated in a rack above 95 % of its capacity.', 'inventory', 'critical', NULL, 'last', 0, '>', 95, NULL, 0, 'rack_power_allocation', '{{device}} power allocation {{value}} % > {{threshold}} %', 1),
	('No data for 5 minutes', 'A server that reported metrics has sent none for 5 minutes (dead-man switch).', 'inventory', 'critical', NULL, 'last', 0, '>', 5, NULL, 0, 'no_data', '{{device}} has sent no metrics for {{value}} minutes', 1),
	('Warranty expiring within 30 days', 'A server''s warranty ends within 30 days.', 'inventory', 'info', NULL, 'last', 0, '<', 30, NULL, 0, 'warranty_expiring', '{{device}} warranty ends in {{value}} days', 1),
	('Audit chain does not verify', 'The tamper-evident audit chain no longer verifies (an entry was edited or removed behind the API).', 'inventory', 'critical', NULL, 'last', 0, '>', 0, NULL, 0, 'audit_chain', 'Audit chain: {{value}} problems found', 1);
