CREATE TABLE `alert_cursors` (
	`name` text PRIMARY KEY NOT NULL,
	`last_event_id` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `alert_rules` (`name`, `description`, `kind`, `severity`, `metric`, `aggregate`, `window_s`, `comparison`, `threshold`, `clear_threshold`, `for_s`, `message`, `builtin`) VALUES
	('Fan stopped', 'Every fan reading of a server over 30 seconds below 300 rpm: a failed or stalled fan (normal idle speeds are well above 1,000 rpm); clears above 600 rpm.', 'metric', 'critical', 'fan_rpm', 'max', 30, '<', 300, 600, 0, '{{device}} fan at {{value}} rpm (stopped: < {{threshold}} rpm)', 1);
--> statement-breakpoint
INSERT INTO `alert_cursors` (`name`, `last_event_id`) SELECT 'feed', coalesce(max(`id`), 0) FROM `alert_events`;
--> statement-breakpoint
UPDATE `alert_rules` SET `kind` = 'metric', `inventory_check` = NULL, `metric` = 'rack_power_pct', `aggregate` = 'avg', `window_s` = 60, `clear_threshold` = 75, `for_s` = 120,
	`description` = 'The rack''s measured power (its PDU reading, one-minute average) above 80 % of its capacity for 2 minutes; clears below 75 %.',
	`message` = '{{device}} drawing {{value}} % of its power capacity (> {{threshold}} %)'
	WHERE `builtin` = 1 AND `name` = 'Rack power above 80 % of capacity';
--> statement-breakpoint
UPDATE `alert_rules` SET `kind` = 'metric', `inventory_check` = NULL, `metric` = 'rack_power_pct', `aggregate` = 'avg', `window_s` = 60, `clear_threshold` = 90, `for_s` = 60,
	`description` = 'The rack''s measured power (its PDU reading, one-minute average) above 95 % of its capacity for a minute: a breaker trip is close; clears below 90 %.',
	`message` = '{{device}} drawing {{value}} % of its power capacity (> {{threshold}} %)'
	WHERE `builtin` = 1 AND `name` = 'Rack power above 95 % of capacity';
--> statement-breakpoint
INSERT INTO `alert_rules` (`name`, `description`, `kind`, `severity`, `metric`, `aggregate`, `window_s`, `comparison`, `threshold`, `clear_threshold`, `for_s`, `inventory_check`, `message`, `builtin`, `enabled`) VALUES
	('Rack nameplate power above capacity', 'The nameplate power of a rack''s servers exceeds its capacity: all of them at full load would trip it (nameplates overstate real draw, so this is a planning warning).', 'inventory', 'info', NULL, 'last', 0, '>', 100, NULL, 0, 'rack_power_allocation', '{{device}} nameplate power {{value}} % of capacity', 1, 1);
--> statement-breakpoint
INSERT INTO `alert_rules` (`name`, `description`, `kind`, `severity`, `metric`, `aggregate`, `window_s`, `comparison`, `threshold`, `clear_threshold`, `for_s`, `message`, `builtin`) VALUES
	('CPU pegged', 'One-minute average CPU at or above 98 % for 2 minutes: a runaway process or a saturated host (the 90 %-for-10-minutes rule catches sustained load); clears below 90 %.', 'metric', 'warning', 'cpu_pct', 'avg', 60, '>=', 98, 90, 120, '{{device}} CPU pegged at {{value}} %', 1);
