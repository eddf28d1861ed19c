import { eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * `column IN (…)` with the values bound as ONE JSON array: D1 allows 100 bound variables per statement, so a
 * list of ids spelled out as `IN (?, ?, …)` fails with "too many SQL variables" long before it is unreasonable.
 */
export function anyOf(column: SQLWrapper, values: readonly (string | number | boolean)[]): SQL {
  if (values.length === 1) return eq(column as never, values[0]);
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/**
 * Case-insensitive substring match, with the text taken literally. Not LIKE: D1 refuses LIKE patterns over 50
 * bytes ("LIKE or GLOB pattern too complex"), which 25 accented letters reach; instr has no such limit and no
 * wildcards to escape. lower() folds ASCII only, exactly as LIKE does, so the results are LIKE's.
 */
export const containsText = (column: SQLWrapper, text: string): SQL => sql`instr(lower(${column}), lower(${text})) > 0`;
