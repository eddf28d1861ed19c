import { inArray, sql, type SQL } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { racks } from './tables';
import { zonesFor } from '../platform/access/zones';

// Clearance is enforced here, in the queries every DCIM read goes through: an object in a zone above the
// caller's clearance does not exist for them (absent from lists, counts and figures; 404 when asked for).
// Racks carry the zone; servers, and everything later hosted on them, inherit it from their rack.

/** `AND <alias>.security_zone IN (...)` for raw subqueries, or nothing for unlimited callers. */
export function zoneAnd(ctx: ServiceContext, alias: string): SQL {
  const zones = zonesFor(ctx.actor);
  return zones ? sql` AND ${sql.raw(alias)}.security_zone IN ${zones}` : sql``;
}

export const rackScope = (ctx: ServiceContext): SQL | undefined => {
  const zones = zonesFor(ctx.actor);
  return zones ? inArray(racks.security_zone, [...zones]) : undefined;
};

/** servers (or anything with a rack_id column named `column`) whose rack the caller may see */
export const viaRackScope =
  (column: SQL) =>
  (ctx: ServiceContext): SQL | undefined => {
    const zones = zonesFor(ctx.actor);
    return zones ? sql`${column} IN (SELECT r.id FROM racks r WHERE r.security_zone IN ${zones})` : undefined;
  };

/**
 * Audit entries about racks and servers the caller may not see (as they were before or after the change) are
 * left out of the trail they read: the entry's before/after would otherwise disclose the object.
 */
export const auditEntryScope = (ctx: ServiceContext): SQL | undefined => {
  const zones = zonesFor(ctx.actor);
  if (!zones) return undefined;
  const rackZone = (side: string) => sql.raw(`json_extract(audit_log.${side}, '$.security_zone')`);
  const serverZone = (side: string) =>
    sql.raw(`(SELECT r.security_zone FROM racks r WHERE r.id = json_extract(audit_log.${side}, '$.rack_id'))`);
  const hidden = (zone: SQL) => sql`coalesce(${zone} NOT IN ${zones}, 0)`;
  return sql`NOT (
    (audit_log.entity_type = 'rack' AND (${hidden(rackZone('before'))} OR ${hidden(rackZone('after'))}))
    OR (audit_log.entity_type = 'server' AND (${hidden(serverZone('before'))} OR ${hidden(serverZone('after'))}))
  )`;
};
