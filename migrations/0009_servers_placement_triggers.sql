-- A backstop for worker/dcim/placement.ts: two requests can both pass the service's checks before either writes,
-- so the database refuses what the service would have refused. Same rules: slots inside the rack and free of
-- other servers (decommissioned ones keep their slots); power budget over servers not decommissioned. The
-- messages start with "placement_conflict:<field>:" and worker/app.ts turns them into 409 problems.
CREATE TRIGGER `servers_placement_insert` BEFORE INSERT ON `servers`
BEGIN
	SELECT RAISE(ABORT, 'placement_conflict:u_position:the server would reach beyond the top of the rack')
	WHERE NEW.`u_position` + NEW.`u_size` - 1 > (SELECT `u_capacity` FROM `racks` WHERE `id` = NEW.`rack_id`);
	SELECT RAISE(ABORT, 'placement_conflict:u_position:the slots overlap another server in the rack')
	WHERE EXISTS (
		SELECT 1 FROM `servers` s WHERE s.`rack_id` = NEW.`rack_id`
			AND s.`u_position` < NEW.`u_position` + NEW.`u_size` AND NEW.`u_position` < s.`u_position` + s.`u_size`
	);
	SELECT RAISE(ABORT, 'placement_conflict:power_supply_w:the rack would be allocated more than its power capacity')
	WHERE (SELECT coalesce(sum(s.`power_supply_w`), 0) FROM `servers` s
			WHERE s.`rack_id` = NEW.`rack_id` AND s.`status` <> 'decommissioned')
		+ (CASE WHEN NEW.`status` <> 'decommissioned' THEN NEW.`power_supply_w` ELSE 0 END)
		> (SELECT `power_capacity_kw` * 1000 FROM `racks` WHERE `id` = NEW.`rack_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `servers_placement_update` BEFORE UPDATE OF `rack_id`, `u_position`, `u_size`, `power_supply_w`, `status` ON `servers`
WHEN NEW.`rack_id` IS NOT OLD.`rack_id` OR NEW.`u_position` IS NOT OLD.`u_position` OR NEW.`u_size` IS NOT OLD.`u_size`
	OR NEW.`power_supply_w` IS NOT OLD.`power_supply_w` OR NEW.`status` IS NOT OLD.`status`
BEGIN
	SELECT RAISE(ABORT, 'placement_conflict:u_position:the server would reach beyond the top of the rack')
	WHERE NEW.`u_position` + NEW.`u_size` - 1 > (SELECT `u_capacity` FROM `racks` WHERE `id` = NEW.`rack_id`);
	SELECT RAISE(ABORT, 'placement_conflict:u_position:the slots overlap another server in the rack')
	WHERE EXISTS (
		SELECT 1 FROM `servers` s WHERE s.`rack_id` = NEW.`rack_id` AND s.`id` <> OLD.`id`
			AND s.`u_position` < NEW.`u_position` + NEW.`u_size` AND NEW.`u_position` < s.`u_position` + s.`u_size`
	);
	SELECT RAISE(ABORT, 'placement_conflict:power_supply_w:the rack would be allocated more than its power capacity')
	WHERE (SELECT coalesce(sum(s.`power_supply_w`), 0) FROM `servers` s
			WHERE s.`rack_id` = NEW.`rack_id` AND s.`id` <> OLD.`id` AND s.`status` <> 'decommissioned')
		+ (CASE WHEN NEW.`status` <> 'decommissioned' THEN NEW.`power_supply_w` ELSE 0 END)
		> (SELECT `power_capacity_kw` * 1000 FROM `racks` WHERE `id` = NEW.`rack_id`);
END;
--> statement-breakpoint
-- the same race the other way round: a rack shrunk while a server is being placed in it (rackResizeConflicts)
CREATE TRIGGER `racks_capacity_update` BEFORE UPDATE OF `u_capacity`, `power_capacity_kw` ON `racks`
WHEN NEW.`u_capacity` < OLD.`u_capacity` OR NEW.`power_capacity_kw` < OLD.`power_capacity_kw`
BEGIN
	SELECT RAISE(ABORT, 'placement_conflict:u_capacity:a server in the rack would reach beyond its top')
	WHERE EXISTS (SELECT 1 FROM `servers` s WHERE s.`rack_id` = NEW.`id` AND s.`u_position` + s.`u_size` - 1 > NEW.`u_capacity`);
	SELECT RAISE(ABORT, 'placement_conflict:power_capacity_kw:the servers in the rack are allocated more power')
	WHERE (SELECT coalesce(sum(s.`power_supply_w`), 0) FROM `servers` s
			WHERE s.`rack_id` = NEW.`id` AND s.`status` <> 'decommissioned') > NEW.`power_capacity_kw` * 1000;
END;
