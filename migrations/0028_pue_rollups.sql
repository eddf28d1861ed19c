CREATE TABLE `pue_rollups` (
	`datacenter_id` integer NOT NULL,
	`bucket_start` integer NOT NULL,
	`count` integer NOT NULL,
	`facility_sum` real NOT NULL,
	`it_sum` real NOT NULL,
	`pue_min` real NOT NULL,
	`pue_max` real NOT NULL,
	PRIMARY KEY(`datacenter_id`, `bucket_start`)
);
--> statement-breakpoint
CREATE INDEX `pue_rollups_age` ON `pue_rollups` (`bucket_start`);