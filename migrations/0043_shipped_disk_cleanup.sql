-- "Disk full in < 24 h" as shipped: an inventory rule on the nightly disk_pct forecast, and a dry-run disk cleanup
-- playbook answering it (journal over 1 GB or 14 days, temp files older than 7 days in /tmp and /var/tmp,
-- dangling images). Dry run: its suggestions are the "would have run" list. Acting needs an agent whose host
-- config allow-lists the server and the directories (README, site agent).
INSERT INTO `alert_rules` (`name`, `description`, `kind`, `severity`, `metric`, `aggregate`, `window_s`, `comparison`, `threshold`, `clear_threshold`, `for_s`, `inventory_check`, `message`, `builtin`, `enabled`) VALUES
	('Disk forecast full within 24 hours', 'The nightly forecast of a server''s disk use reaches 100 % within 24 hours (clears when a new forecast relents).', 'inventory', 'warning', NULL, 'last', 0, '<', 24, NULL, 0, 'disk_full_forecast', '{{device}} disk forecast full in {{value}} h', 1, 1);
--> statement-breakpoint
INSERT INTO `remediation_playbooks` (`name`, `description`, `action`, `trigger_rule_id`, `min_severity`, `after_min`, `mode`, `max_per_hour`, `cooldown_min`, `verify_min`, `journal_max_size_mb`, `journal_max_age_days`, `temp_dirs`, `temp_max_age_days`, `image_prune`)
SELECT 'Clean up a disk forecast to fill', 'Vacuums the journal to 1 GB and 14 days, deletes temp files older than 7 days in /tmp and /var/tmp, and prunes dangling container images on a server whose disk is forecast full within 24 hours.', 'host.disk_cleanup', `id`, 'warning', 0, 'dry_run', 5, 720, 1440, 1024, 14, '["/tmp","/var/tmp"]', 7, 'dangling'
FROM `alert_rules` WHERE `builtin` = 1 AND `name` = 'Disk forecast full within 24 hours';
