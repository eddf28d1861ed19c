-- Rack faces (migration 0033): two half-depth devices may share a U from opposite faces. The rack_mounts view
-- carries face and depth so dcim/placement.ts can tell, and the servers' placement backstop (0009) learns the
-- same rule: slots clash only when either device is full depth or both are on the same face.
DROP VIEW `rack_mounts`;
--> statement-breakpoint
CREATE VIEW `rack_mounts` AS
  SELECT 'server' AS kind, id, name, rack_id, u_position, u_size, power_supply_w AS power_w, status,
         server_type AS device_type, health, manufacturer, model, serial_number, management_ip, face, is_full_depth
    FROM servers
  UNION ALL
  SELECT 'storage', id, name, rack_id, u_position, u_size, power_w, status, storage_type, 'unknown', manufacturer, model,
         serial_number, management_ip, face, is_full_depth
    FROM storage_systems WHERE rack_id IS NOT NULL
  UNION ALL
  SELECT 'network', id, name, rack_id, u_position, u_size, power_w, status, device_type, 'unknown', manufacturer, model,
         serial_number, management_ip, face, is_full_depth
    FROM network_devices
  UNION ALL
  SELECT 'pdu', id, name, rack_id, u_position, u_size, 0, status, 'PDU', 'unknown', manufacturer, model,
         NULL, management_ip, face, is_full_depth
    FROM pdus;
--> statement-breakpoint
DROP TRIGGER `servers_placement_insert`;
--> statement-breakpoint
DROP TRIGGER `servers_placement_update`;
--> statement-breakpoint
CREATE TRIGGER `servers_placement_insert` BEFORE INSERT ON `servers`
BEGIN
	SELECT RAISE(ABORT, 'placement_conflict:u_position:the server would reach beyond the top of the rack')
	WHERE NEW.`u_position` + NEW.`u_size` - 1 > (SELECT `u_capacity` FROM `racks` WHERE `id` = NEW.`rack_id`);
	SELECT RAISE(ABORT, 'placement_conflict:u_position:the slots overlap another server in the rack')
	WHERE EXISTS (
		SELECT 1 FROM `servers` s WHERE s.`rack_id` = NEW.`rack_id`
			AND s.`u_position` < NEW.`u_position` + NEW.`u_size` AND NEW.`u_position` < s.`u_position` + s.`u_size`
			AND (s.`is_full_depth` OR NEW.`is_full_depth` OR s.`face` = NEW.`face`)
	);
	SELECT RAISE(ABORT, 'placement_conflict:power_supply_w:the rack would be allocated more than its power capacity')
	WHERE (SELECT coalesce(sum(s.`power_supply_w`), 0) FROM `servers` s
			WHERE s.`rack_id` = NEW.`rack_id` AND s.`status` <> 'decommissioned')
		+ (CASE WHEN NEW.`status` <> 'decommissioned' THEN NEW.`power_supply_w` ELSE 0 END)
		> (SELECT `power_capacity_kw` * 1000 FROM `racks` WHERE `id` = NEW.`rack_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `servers_placement_update` BEFORE UPDATE OF `rack_id`, `u_position`, `u_size`, `power_supply_w`, `status`, `face`, `is_full_depth` ON `servers`
WHEN NEW.`rack_id` IS NOT OLD.`rack_id` OR NEW.`u_position` IS NOT OLD.`u_position` OR NEW.`u_size` IS NOT OLD.`u_size`
	OR NEW.`power_supply_w` IS NOT OLD.`power_supply_w` OR NEW.`status` IS NOT OLD.`status`
	OR NEW.`face` IS NOT OLD.`face` OR NEW.`is_full_depth` IS NOT OLD.`is_full_depth`
BEGIN
	SELECT RAISE(ABORT, 'placement_conflict:u_position:the server would reach beyond the top of the rack')
	WHERE NEW.`u_position` + NEW.`u_size` - 1 > (SELECT `u_capacity` FROM `racks` WHERE `id` = NEW.`rack_id`);
	SELECT RAISE(ABORT, 'placement_conflict:u_position:the slots overlap another server in the rack')
	WHERE EXISTS (
		SELECT 1 FROM `servers` s WHERE s.`rack_id` = NEW.`rack_id` AND s.`id` <> OLD.`id`
			AND s.`u_position` < NEW.`u_position` + NEW.`u_size` AND NEW.`u_position` < s.`u_position` + s.`u_size`
			AND (s.`is_full_depth` OR NEW.`is_full_depth` OR s.`face` = NEW.`face`)
	);
	SELECT RAISE(ABORT, 'placement_conflict:power_supply_w:the rack would be allocated more than its power capacity')
	WHERE (SELECT coalesce(sum(s.`power_supply_w`), 0) FROM `servers` s
			WHERE s.`rack_id` = NEW.`rack_id` AND s.`id` <> OLD.`id` AND s.`status` <> 'decommissioned')
		+ (CASE WHEN NEW.`status` <> 'decommissioned' THEN NEW.`power_supply_w` ELSE 0 END)
		> (SELECT `power_capacity_kw` * 1000 FROM `racks` WHERE `id` = NEW.`rack_id`);
END;
