import { inArray, sql, type SQL } from 'drizzle-orm';
import type { ServiceContext } from '../context';
import { racks } from '../db/schema';
import { zonesFor } from '../auth/clearance';

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
