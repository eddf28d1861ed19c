ALTER TABLE `audit_log` ADD `entity_name` text;--> statement-breakpoint
ALTER TABLE `totp_factors` ADD `secret_key_id` text;--> statement-breakpoint
-- entries written before the column: the name is in the row they recorded (entity_name is not hashed)
UPDATE `audit_log` SET `entity_name` = coalesce(
	json_extract(`after`, '$.name'), json_extract(`after`, '$.username'),
	json_extract(`before`, '$.name'), json_extract(`before`, '$.username')
) WHERE `entity_name` IS NULL AND (json_valid(`after`) OR json_valid(`before`));
