ALTER TABLE `vm_snapshots` ADD `requested_by` text;--> statement-breakpoint
CREATE INDEX `vm_snapshots_expiry_idx` ON `vm_snapshots` (`expires_at`);--> statement-breakpoint
ALTER TABLE `vms` ADD `current_snapshot_id` integer;