CREATE TABLE `audit_checkpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`last_entry_id` integer NOT NULL,
	`entry_count` integer NOT NULL,
	`head_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`key_id` text NOT NULL,
	`signature` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_checkpoints_last_entry_idx` ON `audit_checkpoints` (`last_entry_id`);