import { and, asc, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { ServiceContext } from '../platform/context';
import { visibleWhere } from '../platform/access/entities';
import { datacenters, racks, servers } from '../dcim/tables';
import { rackEntity, serverEntity } from '../dcim/access';
import type { MatchRank, SearchResults } from './types';

// Global search (the top bar's type-ahead): one query per kind, each behind the same clearance scope as its
// list, ranked exact > prefix > substring over the fields a person types (names, serial numbers, IPs).

export const SEARCH_Q_MAX = 200;
export const SEARCH_LIMIT_MAX = 25;
export const SEARCH_LIMIT_DEFAULT = 5;

type Fields = Record<string, SQLiteColumn>;

/**
 * The WHERE (any field contains q), the rank (best over the fields) and the name of the best field. instr() on
 * lower() rather than LIKE: `%` and `_` are then plain characters, and D1 refuses LIKE patterns over 50 bytes.
 * lower() folds ASCII only, which is what names, serials and IPs need.
 */
function matcher(fields: Fields, q: string) {
  const needle = q.toLowerCase();
  const entries = Object.entries(fields);
  const at = (c: SQLiteColumn) => sql`instr(lower(${c}), ${needle})`;
  const exact = (c: SQLiteColumn) => sql`lower(${c}) = ${needle}`;
  const starts = (c: SQLiteColumn) => sql`${at(c)} = 1`;
  const has = (c: SQLiteColumn) => sql`${at(c)} > 0`;
  const anyOf = (cond: (c: SQLiteColumn) => SQL) =>
    sql.join(
      entries.map(([, c]) => cond(c)),
      sql` OR `,
    );
  const whenField = (cond: (c: SQLiteColumn) => SQL) =>
    sql.join(
      entries.map(([name, c]) => sql`WHEN ${cond(c)} THEN ${name}`),
      sql` `,
    );
  const rank = sql<MatchRank>`CASE WHEN ${anyOf(exact)} THEN 0 WHEN ${anyOf(starts)} THEN 1 ELSE 2 END`;
  const matched = sql<string>`CASE ${whenField(exact)} ${whenField(starts)} ${whenField(has)} END`;
  return { where: sql`(${anyOf(has)})`, rank, matched };
}

const order = (rank: SQL, name: SQLiteColumn, id: SQLiteColumn) => [
  asc(rank),
  asc(sql`length(${name})`),
  asc(name),
  asc(id),
];

export async function search(ctx: ServiceContext, q: string, limit: number): Promise<SearchResults> {
  const dc = matcher({ name: datacenters.name, location: datacenters.location }, q);
  const rk = matcher({ name: racks.name }, q);
  const sv = matcher(
    {
      name: servers.name,
      serial_number: servers.serial_number,
      ip_address: servers.ip_address,
      management_ip: servers.management_ip,
    },
    q,
  );
  const [dcRows, rackRows, serverRows] = await Promise.all([
    ctx.db
      .select({
        id: datacenters.id,
        name: datacenters.name,
        location: datacenters.location,
        status: datacenters.status,
        rank: dc.rank,
        matched: dc.matched,
      })
      .from(datacenters)
      .where(dc.where)
      .orderBy(...order(dc.rank, datacenters.name, datacenters.id))
      .limit(limit),
    ctx.db
      .select({
        id: racks.id,
        name: racks.name,
        datacenter_id: racks.datacenter_id,
        // raw aliases: drizzle leaves columns unqualified in single-table selects
        datacenter_name: sql<string | null>`(SELECT d.name FROM datacenters d WHERE d.id = racks.datacenter_id)`,
        security_zone: racks.security_zone,
        status: racks.status,
        rank: rk.rank,
        matched: rk.matched,
      })
      .from(racks)
      .where(and(rk.where, visibleWhere(ctx, rackEntity)))
      .orderBy(...order(rk.rank, racks.name, racks.id))
      .limit(limit),
    ctx.db
      .select({
        id: servers.id,
        name: servers.name,
        serial_number: servers.serial_number,
        ip_address: servers.ip_address,
        management_ip: servers.management_ip,
        rack_id: servers.rack_id,
        rack_name: sql<string | null>`(SELECT r.name FROM racks r WHERE r.id = servers.rack_id)`,
        status: servers.status,
        health: servers.health,
        rank: sv.rank,
        matched: sv.matched,
      })
      .from(servers)
      .where(and(sv.where, visibleWhere(ctx, serverEntity)))
      .orderBy(...order(sv.rank, servers.name, servers.id))
      .limit(limit),
  ]);
  return { q, datacenters: dcRows, racks: rackRows, servers: serverRows };
}
