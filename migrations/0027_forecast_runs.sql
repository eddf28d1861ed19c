CREATE TABLE `forecast_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`trigger` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`cursor_rack_id` integer DEFAULT 0 NOT NULL,
	`chunks` integer DEFAULT 0 NOT NULL,
	`series` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`compute_ms` real DEFAULT 0 NOT NULL,
	`max_chunk_ms` real DEFAULT 0 NOT NULL,
	`methods` text DEFAULT '{}' NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `forecast_runs_status_idx` ON `forecast_runs` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `series_forecasts` (
	`rack_id` integer NOT NULL,
	`server_id` integer NOT NULL,
	`metric` text NOT NULL,
	`labels` text NOT NULL,
	`run_id` integer NOT NULL,
	`computed_at` integer NOT NULL,
	`start` integer NOT NULL,
	`method` text NOT NULL,
	`period` integer NOT NULL,
	`backtest` text NOT NULL,
	`history_hours` integer NOT NULL,
	`points` text NOT NULL,
	PRIMARY KEY(`rack_id`, `server_id`, `metric`, `labels`)
);
--> statement-breakpoint
CREATE INDEX `series_forecasts_server_idx` ON `series_forecasts` (`server_id`,`metric`);