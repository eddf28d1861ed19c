import { sql } from 'drizzle-orm';

/** The name of what a contract or budget row (`table`) is scoped to, for lists and detail reads. */
export const scopeName = (table: string, valued = false) =>
  sql.raw(`(CASE ${table}.scope_type
    WHEN 'datacenter' THEN (SELECT name FROM datacenters WHERE id = ${table}.scope_id)
    WHEN 'rack' THEN (SELECT name FROM racks WHERE id = ${table}.scope_id)
    WHEN 'server' THEN (SELECT name FROM servers WHERE id = ${table}.scope_id)
    WHEN 'vm' THEN (SELECT name FROM vms WHERE id = ${table}.scope_id)
    ELSE ${valued ? `${table}.scope_value` : 'NULL'} END)`);
