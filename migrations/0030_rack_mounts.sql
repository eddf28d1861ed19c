-- Everything that occupies U slots or draws power in a rack, whatever its table: servers, storage systems,
-- network devices and PDUs share a rack's U slots and power budget (dcim/mounted.ts reads this view), and
-- telemetry names any of them by name, serial or management address (telemetry/resolve.ts).
-- A new rack-mounted kind adds its table here in a migration of its own; a migration that rebuilds one of these
-- tables (drizzle-kit does, for some column changes) must drop this view first and create it again after.
CREATE VIEW `rack_mounts` AS
  SELECT 'server' AS kind, id, name, rack_id, u_position, u_size, power_supply_w AS power_w, status,
         server_type AS device_type, health, manufacturer, model, serial_number, management_ip
    FROM servers
  UNION ALL
  SELECT 'storage', id, name, rack_id, u_position, u_size, power_w, status, storage_type, 'unknown', manufacturer, model,
         serial_number, management_ip
    FROM storage_systems WHERE rack_id IS NOT NULL
  UNION ALL
  SELECT 'network', id, name, rack_id, u_position, u_size, power_w, status, device_type, 'unknown', manufacturer, model,
         serial_number, management_ip
    FROM network_devices
  UNION ALL
  SELECT 'pdu', id, name, rack_id, u_position, u_size, 0, status, 'PDU', 'unknown', manufacturer, model,
         NULL, management_ip
    FROM pdus;
