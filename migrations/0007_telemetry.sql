CREATE TABLE `ingest_unmatched` (
	`format` text NOT NULL,
	`device` text NOT NULL,
	`example_metric` text NOT NULL,
	`samples` integer NOT NULL,
	`first_seen` text NOT NULL,
	`last_seen` text NOT NULL,
	PRIMARY KEY(`format`, `device`)
);
--> statement-breakpoint
CREATE TABLE `metric_rollups` (
	`rack_id` integer NOT NULL,
	`server_id` integer NOT NULL,
	`metric` text NOT NULL,
	`labels` text NOT NULL,
	`step_s` integer NOT NULL,
	`bucket_start` integer NOT NULL,
	`count` integer NOT NULL,
	`sum` real NOT NULL,
	`min` real NOT NULL,
	`max` real NOT NULL,
	`last` real NOT NULL,
	`last_ts` integer NOT NULL,
	`p95` real NOT NULL,
	PRIMARY KEY(`rack_id`, `server_id`, `metric`, `step_s`, `bucket_start`, `labels`)
);
--> statement-breakpoint
CREATE INDEX `metric_rollups_server` ON `metric_rollups` (`server_id`,`metric`,`step_s`,`bucket_start`);--> statement-breakpoint
CREATE INDEX `metric_rollups_age` ON `metric_rollups` (`step_s`,`bucket_start`);--> statement-breakpoint
CREATE TABLE `rollup_watermarks` (
	`rack_id` integer PRIMARY KEY NOT NULL,
	`flushed_1m` integer NOT NULL,
	`flushed_1h` integer NOT NULL
);
