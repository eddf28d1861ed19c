ALTER TABLE `remediation_playbooks` ADD `after_min` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Workload balancing as shipped: a host hot for 15 minutes (the CPU rule's 10 minutes, then 5 more; the inlet rule's
-- 5-minute average held 5 minutes, then 5 more) gets a suggested live migration. Dry run: the suggestions are the
-- "would have run" list; switch a playbook to approval or auto where policy allows.
INSERT INTO `remediation_playbooks` (`name`, `description`, `action`, `trigger_rule_id`, `min_severity`, `after_min`, `mode`, `max_per_hour`, `cooldown_min`, `verify_min`)
SELECT 'Rebalance a CPU-hot host', 'Moves the biggest VM that fits elsewhere off a host whose CPU stayed above 90 % for 15 minutes, to the host with the most free vCPU.', 'vm.migrate', `id`, 'warning', 5, 'dry_run', 3, 30, 15
FROM `alert_rules` WHERE `builtin` = 1 AND `name` = 'CPU above 90 % for 10 minutes';
--> statement-breakpoint
INSERT INTO `remediation_playbooks` (`name`, `description`, `action`, `trigger_rule_id`, `min_severity`, `after_min`, `mode`, `max_per_hour`, `cooldown_min`, `verify_min`)
SELECT 'Move load off a hot inlet', 'Moves the biggest VM that fits elsewhere off a server whose inlet stayed above the ASHRAE A1 recommended 27 °C for 15 minutes: less heat where the cooling does not keep up.', 'vm.migrate', `id`, 'warning', 5, 'dry_run', 2, 60, 30
FROM `alert_rules` WHERE `builtin` = 1 AND `name` = 'Inlet above ASHRAE A1 (27 °C)';
