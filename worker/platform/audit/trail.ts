import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { ServiceContext } from '../context';
import type { Statement } from '../db/client';

export type AuditAction = 'create' | 'update' | 'delete' | string;

/**
 * `json_object(...)` of a row as stored, so the audit entry records what the database really holds (defaults,
 * triggers) rather than what the request asked for. JSON columns are embedded as JSON, not as strings.
 */
export function rowJsonSql(table: SQLiteTable, hidden: readonly string[] = []): SQL {
  const parts: SQL[] = [];
  for (const [key, col] of Object.entries(getTableColumns(table))) {
    if (hidden.includes(key)) continue;
    const ref = sql.identifier(col.name);
    parts.push(sql`${key}, ${col.columnType === 'SQLiteTextJson' ? sql`json(${ref})` : ref}`);
  }
  return sql`json_object(${sql.join(parts, sql`, `)})`;
}

function head(ctx: ServiceContext, action: AuditAction, entityType: string) {
  const a = ctx.actor;
  return sql`${a?.id ?? null}, ${a?.username ?? 'anonymous'}, ${action}, ${entityType}`;
}
const tail = (ctx: ServiceContext) => sql`${ctx.requestId}, ${ctx.clientIp}`;
const COLS = sql`(actor_id, actor, action, entity_type, entity_id, before, after, request_id, client_ip)`;

interface RowAudit {
  table: SQLiteTable;
  entityType: string;
  hidden?: readonly string[];
}

/** Audit a row inserted by the statement just before this one in the same batch. */
export function auditInsertedRow(ctx: ServiceContext, r: RowAudit): SQL {
  const t = sql.identifier(getTableName(r.table));
  return sql`INSERT INTO audit_log ${COLS} SELECT ${head(ctx, 'create', r.entityType)}, CAST(id AS TEXT), NULL, ${rowJsonSql(r.table, r.hidden)}, ${tail(ctx)} FROM ${t} WHERE rowid = last_insert_rowid()`;
}

/** Audit an update; `before` was read by the service, `after` is read back inside the batch. */
export function auditUpdatedRow(ctx: ServiceContext, r: RowAudit, id: number, before: unknown): SQL {
  const t = sql.identifier(getTableName(r.table));
  return sql`INSERT INTO audit_log ${COLS} SELECT ${head(ctx, 'update', r.entityType)}, CAST(id AS TEXT), json(${JSON.stringify(before)}), ${rowJsonSql(r.table, r.hidden)}, ${tail(ctx)} FROM ${t} WHERE id = ${id}`;
}

/** Audit a delete; must run before the DELETE in the same batch. */
export function auditDeletedRow(ctx: ServiceContext, r: RowAudit, id: number): SQL {
  const t = sql.identifier(getTableName(r.table));
  return sql`INSERT INTO audit_log ${COLS} SELECT ${head(ctx, 'delete', r.entityType)}, CAST(id AS TEXT), ${rowJsonSql(r.table, r.hidden)}, NULL, ${tail(ctx)} FROM ${t} WHERE id = ${id}`;
}

/** An event that is not a row change (sign-in, failed sign-in, seed run...). Never put secrets in `details`. */
export function auditEvent(
  ctx: ServiceContext,
  e: { action: string; entityType: string; entityId?: string | number | null; actor?: string; details?: unknown },
): SQL {
  const actorName = e.actor ?? ctx.actor?.username ?? 'anonymous';
  return sql`INSERT INTO audit_log ${COLS} VALUES (${ctx.actor?.id ?? null}, ${actorName}, ${e.action}, ${e.entityType}, ${e.entityId == null ? null : String(e.entityId)}, NULL, ${e.details === undefined ? null : sql`json(${JSON.stringify(e.details)})`}, ${tail(ctx)})`;
}

export const toStatement = (ctx: ServiceContext, q: SQL): Statement => ctx.db.run(q) as unknown as Statement;
