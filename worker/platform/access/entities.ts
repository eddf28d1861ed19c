import { sql, type SQL } from 'drizzle-orm';
import type { ServiceContext } from '../context';
import { zonesFor } from './zones';

/**
 * How an entity gets its security zone: stored on its own row (`racks.security_zone`), or inherited through a
 * reference to a parent entity (a server through `rack_id`; later a VM through its host, an alert through its
 * device). Chains of any depth resolve to the owning row. `openWhenNull`: a row without the reference belongs to
 * no zone and is seen by everyone who may read the entity (a maintenance window on a whole datacenter).
 */
export type ZoneSource = { column: string } | { via: Entity; column: string; openWhenNull?: boolean };

export interface Entity {
  /** `audit_log.entity_type` of its entries */
  type: string;
  /** its D1 table (ids in column `id`) */
  table: string;
  zone: ZoneSource;
}

const declared = new Map<string, Entity>();

/** Declare an entity (once, at module load, beside its table): lists, detail reads and the audit trail use it. */
export function declareEntity(entity: Entity): Entity {
  declared.set(entity.type, entity);
  return entity;
}

export const declaredEntities = (): Entity[] => [...declared.values()];

// Identifiers come from declarations in code, never from requests, so they are safe to inline.
const ident = (name: string) => sql.raw(name);

/** `<alias>` rows the zones let through: a column test, or a reference into the parent's visible rows. */
function visibleIn(entity: Entity, alias: string, zones: readonly string[], depth = 0): SQL {
  const { zone } = entity;
  if (!('via' in zone)) return sql`${ident(`${alias}.${zone.column}`)} IN ${zones}`;
  const parent = `a${depth}`;
  const ref = ident(`${alias}.${zone.column}`);
  const inParent = sql`${ref} IN (SELECT ${ident(`${parent}.id`)} FROM ${ident(zone.via.table)} ${ident(parent)} WHERE ${visibleIn(zone.via, parent, zones, depth + 1)})`;
  return zone.openWhenNull ? sql`(${ref} IS NULL OR ${inParent})` : inParent;
}

/** `<alias>` rows in exactly `zone` (compliance lists the Top Secret racks); visibility is a separate question. */
export function inZone(entity: Entity, alias: string, zone: string, depth = 0): SQL {
  const z = entity.zone;
  if (!('via' in z)) return sql`${ident(`${alias}.${z.column}`)} = ${zone}`;
  const parent = `a${depth}`;
  return sql`${ident(`${alias}.${z.column}`)} IN (SELECT ${ident(`${parent}.id`)} FROM ${ident(z.via.table)} ${ident(parent)} WHERE ${inZone(z.via, parent, zone, depth + 1)})`;
}

/**
 * The SQL scope of an entity for the caller: a condition on `alias` (the table name by default) for lists,
 * counts, search and references; `undefined` for callers who see everything.
 */
export function visibleWhere(ctx: Pick<ServiceContext, 'actor'>, entity: Entity, alias = entity.table) {
  const zones = zonesFor(ctx.actor);
  return zones ? visibleIn(entity, alias, zones) : undefined;
}

/** ` AND <scope>` for raw subqueries (`... WHERE r.datacenter_id = d.id${andVisible(ctx, rack, 'r')}`). */
export function andVisible(ctx: Pick<ServiceContext, 'actor'>, entity: Entity, alias: string): SQL {
  const where = visibleWhere(ctx, entity, alias);
  return where ? sql` AND ${where}` : sql``;
}

/** The zone of the `entity` row whose id is the SQL expression `id`. */
function zoneOfId(entity: Entity, id: SQL, depth: number): SQL {
  const a = ident(`z${depth}`);
  const { zone } = entity;
  const pick = sql`(SELECT ${a}.${ident(zone.column)} FROM ${ident(entity.table)} ${a} WHERE ${a}.id = ${id})`;
  return 'via' in zone ? zoneOfId(zone.via, pick, depth + 1) : pick;
}

/** The zone an audit snapshot (`audit_log.before` / `.after`, JSON of the row) puts the object in. */
function zoneOfSnapshot(entity: Entity, side: 'before' | 'after'): SQL {
  const { zone } = entity;
  const field = sql.raw(`json_extract(audit_log.${side}, '$.${zone.column}')`);
  return 'via' in zone ? zoneOfId(zone.via, field, 0) : field;
}

/**
 * Audit entries about objects the caller may not see (as they were before or after the change) are left out of
 * the trail they read: the entry's before/after would otherwise disclose the object. Covers every declared entity.
 */
export function auditEntryScope(ctx: Pick<ServiceContext, 'actor'>): SQL | undefined {
  const zones = zonesFor(ctx.actor);
  const entities = declaredEntities();
  if (!zones || !entities.length) return undefined;
  // zone names and entity types come from code, not requests: inlined as literals, so the condition binds no
  // parameter however many entities the domains declare (D1 allows 100 per statement)
  const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
  const zoneList = sql.raw(`(${zones.length ? zones.map(literal).join(', ') : "''"})`);
  const hidden = (zone: SQL) => sql`coalesce(${zone} NOT IN ${zoneList}, 0)`;
  // one CASE arm per entity, not an OR per entity: SQLite nests a chain of ORs one level per term and refuses
  // expressions deeper than 100, which the domains' entities outgrow; a CASE's arms are a flat list
  const arms = entities.map(
    (e) =>
      sql`WHEN ${sql.raw(literal(e.type))} THEN (${hidden(zoneOfSnapshot(e, 'before'))} OR ${hidden(zoneOfSnapshot(e, 'after'))})`,
  );
  return sql`NOT coalesce(CASE audit_log.entity_type ${sql.join(arms, sql` `)} END, 0)`;
}

/**
 * For raw D1 statements (telemetry's hot paths): ` AND <alias> visible` with the zones bound as one JSON
 * parameter at `param` (`?`, `?1`), or nothing for callers who see everything.
 */
export function rawVisibleClause(
  actor: ServiceContext['actor'],
  entity: Entity,
  alias: string,
  param = '?',
): { sql: string; bind: string[] } | null {
  const zones = zonesFor(actor);
  if (!zones) return null;
  const clause = (e: Entity, a: string, depth: number): string => {
    if (!('via' in e.zone)) return `${a}.${e.zone.column} IN (SELECT value FROM json_each(${param}))`;
    const inParent = `${a}.${e.zone.column} IN (SELECT a${depth}.id FROM ${e.zone.via.table} a${depth} WHERE ${clause(e.zone.via, `a${depth}`, depth + 1)})`;
    return e.zone.openWhenNull ? `(${a}.${e.zone.column} IS NULL OR ${inParent})` : inParent;
  };
  return { sql: clause(entity, alias, 0), bind: [JSON.stringify(zones)] };
}

/**
 * For raw D1 statements of the platform itself (a feed that filters per subscriber in memory): the zone of the
 * `alias` row as a SQL expression, null when the row has no owner (an alert about no rack).
 */
export function rawZoneOf(entity: Entity, alias: string, depth = 0): string {
  const z = entity.zone;
  if (!('via' in z)) return `${alias}.${z.column}`;
  const a = `z${depth}`;
  return `(SELECT ${rawZoneOf(z.via, a, depth + 1)} FROM ${z.via.table} ${a} WHERE ${a}.id = ${alias}.${z.column})`;
}
