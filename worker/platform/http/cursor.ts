import { and, eq, gt, gte, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

/**
 * Keyset pagination. A cursor is the sort-key values of the last row a client saw (and its id, the tie-breaker
 * every list sorts by last), so the next page starts with an index seek instead of skipping `offset` rows.
 * It is opaque to clients (base64url JSON) and names its sort: a cursor is only valid for the sort it came from.
 */
export type CursorValue = string | number | null;
export interface Cursor {
  sort: string;
  keys: CursorValue[];
}

const encoder = new TextEncoder();

function b64url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function encodeCursor(cursor: Cursor): string {
  return b64url(encoder.encode(JSON.stringify({ s: cursor.sort, k: cursor.keys })));
}

/** The cursor in `raw`, or undefined when it is not one of ours (the caller names the field in its 422). */
export function decodeCursor(raw: string): Cursor | undefined {
  if (raw.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(raw)) return undefined;
  try {
    const bin = atob(raw.replace(/-/g, '+').replace(/_/g, '/'));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))));
    if (!parsed || typeof parsed !== 'object') return undefined;
    const { s, k } = parsed as { s?: unknown; k?: unknown };
    if (typeof s !== 'string' || !Array.isArray(k) || k.length === 0) return undefined;
    const valid = k.every((x) => x === null || typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)));
    return valid ? { sort: s, keys: k as CursorValue[] } : undefined;
  } catch {
    return undefined;
  }
}

export interface KeysetTerm {
  expr: SQLiteColumn | SQL;
  desc: boolean;
  /** the column cannot hold NULL (lets a descending first key seek the index too) */
  notNull: boolean;
  value: CursorValue;
}

/**
 * The rows strictly after the cursor in the list's order (SQLite sorts NULL first ascending, last descending).
 * Built from the last key outwards: after on key i, or equal on key i and after on the keys behind it. The first
 * key also gets a plain range bound, which is what lets SQLite seek its index rather than test every row.
 */
export function afterCursor(terms: KeysetTerm[]): SQL {
  let tail: SQL | undefined;
  for (let i = terms.length - 1; i >= 0; i--) {
    const { expr, desc, value } = terms[i]!;
    const c = expr as SQLiteColumn;
    let after: SQL | undefined;
    let same: SQL;
    if (value === null) {
      after = desc ? undefined : isNotNull(c);
      same = isNull(c);
    } else {
      after = desc ? or(lt(c, value), isNull(c)) : gt(c, value);
      same = eq(c, value);
    }
    const rest = tail ? and(same, tail) : undefined;
    tail = or(after, rest) ?? sql`0`;
  }
  const first = terms[0]!;
  let seek: SQL | undefined;
  if (first.value !== null) {
    const c = first.expr as SQLiteColumn;
    if (!first.desc) seek = gte(c, first.value);
    else if (first.notNull) seek = lte(c, first.value);
  }
  return and(seek, tail) ?? sql`0`;
}
