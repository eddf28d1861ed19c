ALTER TABLE `servers` ADD `search_text` text;--> statement-breakpoint
-- `?q=` on the servers list tests this one column (instr) instead of eight lower()+instr per row. The fields are
-- the servers resource's `searchable` list (worker/dcim/servers.ts), in that order, joined by U+001F so that no
-- match spans two fields; tests/integration/search-text.test.ts checks the two lists agree. Triggers rather than
-- a generated column: SQLite cannot add a STORED generated column to an existing table, and a VIRTUAL one would
-- compute on every read. Plain columns and triggers also keep `wrangler d1 export` working (FTS5 tables do not).
UPDATE `servers` SET `search_text` = lower(
	coalesce(`name`, '') || char(31) || coalesce(`serial_number`, '') || char(31) || coalesce(`manufacturer`, '')
	|| char(31) || coalesce(`model`, '') || char(31) || coalesce(`cpu_model`, '') || char(31) || coalesce(`os`, '')
	|| char(31) || coalesce(`ip_address`, '') || char(31) || coalesce(`management_ip`, ''));
--> statement-breakpoint
CREATE TRIGGER `servers_search_text_insert` AFTER INSERT ON `servers`
BEGIN
	UPDATE `servers` SET `search_text` = lower(
		coalesce(NEW.`name`, '') || char(31) || coalesce(NEW.`serial_number`, '') || char(31) || coalesce(NEW.`manufacturer`, '')
		|| char(31) || coalesce(NEW.`model`, '') || char(31) || coalesce(NEW.`cpu_model`, '') || char(31) || coalesce(NEW.`os`, '')
		|| char(31) || coalesce(NEW.`ip_address`, '') || char(31) || coalesce(NEW.`management_ip`, ''))
	WHERE `id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `servers_search_text_update` AFTER UPDATE OF `name`, `serial_number`, `manufacturer`, `model`, `cpu_model`, `os`, `ip_address`, `management_ip` ON `servers`
BEGIN
	UPDATE `servers` SET `search_text` = lower(
		coalesce(NEW.`name`, '') || char(31) || coalesce(NEW.`serial_number`, '') || char(31) || coalesce(NEW.`manufacturer`, '')
		|| char(31) || coalesce(NEW.`model`, '') || char(31) || coalesce(NEW.`cpu_model`, '') || char(31) || coalesce(NEW.`os`, '')
		|| char(31) || coalesce(NEW.`ip_address`, '') || char(31) || coalesce(NEW.`management_ip`, ''))
	WHERE `id` = NEW.`id`;
END;
