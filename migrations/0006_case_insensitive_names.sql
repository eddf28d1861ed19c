CREATE INDEX `datacenters_name_ci_idx` ON `datacenters` (lower("name"));--> statement-breakpoint
CREATE INDEX `racks_dc_name_ci_idx` ON `racks` (`datacenter_id`,lower("name"));--> statement-breakpoint
CREATE INDEX `servers_name_ci_idx` ON `servers` (lower("name"));--> statement-breakpoint
CREATE INDEX `servers_serial_ci_idx` ON `servers` (lower("serial_number"));