CREATE TABLE `alert_rule_racks` (
	`rack_id` integer PRIMARY KEY NOT NULL,
	`since` text NOT NULL
);
--> statement-breakpoint
INSERT OR IGNORE INTO `alert_rule_racks` (`rack_id`, `since`) SELECT `rack_id`, strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM `rollup_watermarks`;
