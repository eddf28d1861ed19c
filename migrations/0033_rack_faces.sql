ALTER TABLE `servers` ADD `face` text DEFAULT 'front' NOT NULL;--> statement-breakpoint
ALTER TABLE `servers` ADD `is_full_depth` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `network_devices` ADD `face` text DEFAULT 'front' NOT NULL;--> statement-breakpoint
ALTER TABLE `network_devices` ADD `is_full_depth` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `pdus` ADD `face` text DEFAULT 'front' NOT NULL;--> statement-breakpoint
ALTER TABLE `pdus` ADD `is_full_depth` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `storage_systems` ADD `face` text DEFAULT 'front' NOT NULL;--> statement-breakpoint
ALTER TABLE `storage_systems` ADD `is_full_depth` integer DEFAULT true NOT NULL;