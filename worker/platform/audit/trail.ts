import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { ServiceContext } from '../context';
import type { Statement } from '../db/client';

export type AuditAction = 'create' | 'update' | 'delete' | string;

/**
 * `json_object(...)` of a row as stored, so the audit entry records what the database really holds (defaults,
 * triggers) rather than what the request asked for. Values are typed the way the API reads them, so an update's
 * `before` (read through drizzle) and `after` (read here) compare equal when nothing changed: JSON columns are
 * embedded as JSON, not as strings, and boolean columns as true/false, not 0/1.
 */
export function rowJsonSql(table: SQLiteTable, hidden: readonly string[] = []): SQL {
  const parts: SQL[] = [];
  for (const [key, col] of Object.entries(getTableColumns(table))) {
    if (hidden.includes(key)) continue;
    const ref = sql.identifier(col.name);
    let value: SQL = sql`${ref}`;
    if (col.columnType === 'SQLiteTextJson') value = sql`json(${ref})`;
    else if (col.columnType === 'SQLiteBoolean') {
      value = sql`CASE WHEN ${ref} IS NULL THEN NULL WHEN ${ref} THEN json('true') ELSE json('false') END`;
    }
    parts.push(sql`${key}, ${value}`);
  }
  return sql`json_object(${sql.join(parts, sql`, `)})`;
}

/**
 * The readable label of a row, written as the entry's entity_name so the trail still says "web-01" after the
 * server is gone: its `name`, else its `username`, else nothing (the UI falls back to the id).
 */
function labelSql(table: SQLiteTable): SQL {
  const cols = getTableColumns(table);
  const col = cols.name ?? cols.username;
  return col ? sql`${sql.identifier(col.name)}` : sql`NULL`;
}

function head(ctx: ServiceContext, action: AuditAction, entityType: string) {
  const a = ctx.actor;
  return sql`${a?.id ?? null}, ${a?.username ?? 'anonymous'}, ${action}, ${entityType}`;
}
const tail = (ctx: ServiceContext) => sql`${ctx.requestId}, ${ctx.clientIp}`;
const COLS = sql`(actor_id, actor, action, entity_type, entity_id, entity_name, before, after, request_id, client_ip)`;

interface RowAudit {
  table: SQLiteTable;
  entityType: string;
  hidden?: readonly string[];
}

/** Audit a row inserted by the statement just before this one in the same batch. */
export function auditInsertedRow(ctx: ServiceContext, r: RowAudit): SQL {
  const t = sql.identifier(getTableName(r.table));
  return sql`INSERT INTO audit_log ${COLS} SELECT ${head(ctx, 'create', r.entityType)}, CAST(id AS TEXT), ${labelSql(r.table)}, NULL, ${rowJsonSql(r.table, r.hidden)}, ${tail(ctx)} FROM ${t} WHERE rowid = last_insert_rowid()`;
}

/** Audit an update; `before` was read by the service, `after` is read back inside the batch. */
export function auditUpdatedRow(ctx: ServiceContext, r: RowAudit, id: number, before: unknown): SQL {
  const t = sql.identifier(getTableName(r.table));
  return sql`INSERT INTO audit_log ${COLS} SELECT ${head(ctx, 'update', r.entityType)}, CAST(id AS TEXT), ${labelSql(r.table)}, json(${JSON.stringify(before)}), ${rowJsonSql(r.table, r.hidden)}, ${tail(ctx)} FROM ${t} WHERE id = ${id}`;
}

/** Audit a delete; must run before the DELETE in the same batch. */
export function auditDeletedRow(ctx: ServiceContext, r: RowAudit, id: number): SQL {
  const t = sql.identifier(getTableName(r.table));
  return sql`INSERT INTO audit_log ${COLS} SELECT ${head(ctx, 'delete', r.entityType)}, CAST(id AS TEXT), ${labelSql(r.table)}, ${rowJsonSql(r.table, r.hidden)}, NULL, ${tail(ctx)} FROM ${t} WHERE id = ${id}`;
}

/**
 * An event that is not a row change (sign-in, failed sign-in, seed run...). Never put secrets in `details`.
 * `entityName` labels the entity; for a user it is looked up (their username) when not given.
 */
export function auditEvent(
  ctx: ServiceContext,
  e: {
    action: string;
    entityType: string;
    entityId?: string | number | null;
    entityName?: string | null;
    actor?: string;
    details?: unknown;
  },
): SQL {
  const actorName = e.actor ?? ctx.actor?.username ?? 'anonymous';
  const id = e.entityId == null ? null : String(e.entityId);
  const name =
    e.entityName !== undefined || id === null || e.entityType !== 'user'
      ? sql`${e.entityName ?? null}`
      : sql`(SELECT username FROM users WHERE id = ${Number(id)})`;
  return sql`INSERT INTO audit_log ${COLS} VALUES (${ctx.actor?.id ?? null}, ${actorName}, ${e.action}, ${e.entityType}, ${id}, ${name}, NULL, ${e.details === undefined ? null : sql`json(${JSON.stringify(e.details)})`}, ${tail(ctx)})`;
}

export const toStatement = (ctx: ServiceContext, q: SQL): Statement => ctx.db.run(q) as unknown as Statement;
