import { Column, SQL, is } from 'drizzle-orm';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import type { BatchItem, BatchResponse } from 'drizzle-orm/batch';

/** drizzle tables by export name; worker/domains.ts assembles every domain's into one */
export type Schema = Record<string, unknown>;
export type Db = DrizzleD1Database<Schema> & { $client: D1Database };
export type Statement = BatchItem<'sqlite'>;

/** Services use the query builder and raw SQL; the schema only registers the tables with drizzle. */
export const createDb = (d1: D1Database, schema: Schema = {}): Db => drizzle(d1, { schema });

interface Prepared {
  getQuery(): { sql: string; params: unknown[] };
  mapResult(result: unknown, isFromBatch: boolean): unknown;
  executeMethod?: string;
  fields?: { path: string[]; field: unknown }[];
  customResultMapper?: unknown;
}

type Decoder = { mapFromDriverValue(value: unknown): unknown };

/**
 * A flat select's rows as D1 answers a batch (objects) straight to drizzle's output, the decoders looked up once
 * per statement. drizzle's own batch mapping turns each object into an array, then checks every cell's field
 * type again (a profile of a 100-row list put a fifth of the request's CPU there). Same values, same order;
 * null for anything drizzle's mapper would not take this way (joins, nested selections, custom mappers).
 */
function flatRowMapper(p: Prepared): ((rows: Record<string, unknown>[]) => Record<string, unknown>[]) | null {
  // joinsNotNullableMap only acts on nested (joined-table) paths, which fall back below
  if (p.executeMethod !== 'all' || !p.fields || p.customResultMapper) return null;
  const keys: string[] = [];
  const decoders: Decoder[] = [];
  for (const { path, field } of p.fields) {
    if (path.length !== 1) return null;
    let decoder: Decoder;
    if (is(field, Column)) decoder = field as unknown as Decoder;
    else if (is(field, SQL)) decoder = (field as unknown as { decoder: Decoder }).decoder;
    else return null;
    keys.push(path[0]!);
    decoders.push(decoder);
  }
  const n = keys.length;
  return (rows) =>
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      let i = 0;
      // as drizzle's d1ToRawMapping: the object's values in column order (a repeated column name loses one)
      for (const k in row) {
        if (i >= n) break;
        const raw = row[k];
        out[keys[i]!] = raw === null ? null : decoders[i]!.mapFromDriverValue(raw);
        i++;
      }
      for (; i < n; i++) out[keys[i]!] = undefined;
      return out;
    });
}

/**
 * db.batch runs every statement in one transaction: all land or none does. drizzle 0.45's own D1 batch cannot
 * bind parameters of raw `db.run(sql\`...\`)` statements (it reads a prepared statement they do not have), so
 * every statement is prepared here from its SQL text and mapped back with drizzle's own result mapper.
 * D1 answers a batch with rows as objects: a select whose columns share a name (two joined `id`s) loses one of
 * them here, so such selects pick or alias their columns.
 */
export async function runBatch<const T extends readonly Statement[]>(db: Db, statements: T): Promise<BatchResponse<T>> {
  if (statements.length === 0) return [] as unknown as BatchResponse<T>;
  const prepared = statements.map((s) => (s as unknown as { _prepare(): Prepared })._prepare());
  const d1 = db.$client;
  const results = await d1.batch(
    prepared.map((p) => {
      const q = p.getQuery();
      return d1.prepare(q.sql).bind(...q.params);
    }),
  );
  return results.map((r, i) => {
    const fast = flatRowMapper(prepared[i]!);
    return fast ? fast(r.results as Record<string, unknown>[]) : prepared[i]!.mapResult(r, true);
  }) as unknown as BatchResponse<T>;
}

/** A drizzle statement as a raw D1 one, to go in the same `d1.batch` as hand-written SQL (an audit entry beside it). */
export function toD1(db: Db, statement: Statement): D1PreparedStatement {
  const q = (statement as unknown as { _prepare(): Prepared })._prepare().getQuery();
  return db.$client.prepare(q.sql).bind(...q.params);
}
