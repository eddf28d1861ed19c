import type { SQL } from 'drizzle-orm';
import * as v from 'valibot';
import type { FieldError } from './problem';
import { unprocessable } from './problem';
import { decodeCursor, type Cursor } from './cursor';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export type FilterType = 'int' | 'number' | 'string' | 'bool' | 'date';
/** How one query parameter filters a list. `values` makes it an enum; int and enum filters take a comma list. */
export interface FilterSpec {
  type: FilterType;
  values?: readonly string[];
  /** default: equality (or IN for a list) on the column of the same name */
  op?: 'eq' | 'gte' | 'lte' | 'like';
  column?: string;
  description?: string;
  /** a condition that is not on the resource's own column (e.g. servers by datacenter, through racks) */
  where?: (values: (string | number | boolean)[]) => SQL;
}

export interface ListQuery {
  limit: number;
  offset: number;
  sort: { field: string; desc: boolean }[];
  q?: string;
  filters: { name: string; spec: FilterSpec; values: (string | number | boolean)[] }[];
  /** keyset pagination: the page starts after this row (instead of at `offset`) */
  after?: Cursor;
}

/** The sort as one canonical string (cursors carry it, so a cursor cannot be replayed under another sort). */
export const sortKey = (sort: ListQuery['sort']) => sort.map((s) => `${s.desc ? '-' : ''}${s.field}`).join(',');

const isoDate = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Beyond these a request is a mistake or a probe, and SQLite would refuse it anyway (ORDER BY terms, variables). */
export const MAX_SORT_KEYS = 4;
export const MAX_LIST_VALUES = 100;
export const MAX_SEARCH_CHARS = 200;

function parseValue(raw: string, spec: FilterSpec): string | number | boolean | undefined {
  switch (spec.type) {
    case 'int': {
      const n = Number(raw);
      return /^-?\d+$/.test(raw) && Number.isSafeInteger(n) ? n : undefined;
    }
    case 'number':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : undefined;
    case 'bool':
      return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : undefined;
    case 'date': {
      if (!isoDate.test(raw)) return undefined;
      // a day that does not exist (2025-02-30, 9999-99-99) is refused rather than compared as text
      const t = new Date(raw.includes('T') ? raw : `${raw}T00:00:00Z`);
      if (Number.isNaN(t.getTime())) return undefined;
      if (!raw.includes('T')) return t.toISOString().slice(0, 10) === raw ? raw : undefined;
      // stored timestamps are compared as text (YYYY-MM-DDTHH:MM:SS.sssZ): bring a time to exactly that form
      return t.toISOString();
    }
    default:
      if (spec.values && !spec.values.includes(raw)) return undefined;
      return raw;
  }
}

/**
 * Parse limit/offset/sort/q and the declared filters from `strictQuery`'s output; every bad parameter is named
 * in one 422. An empty `q` is no search (a cleared search box); any other empty parameter is refused.
 */
export function parseListQuery(
  params: Record<string, string>,
  opts: { filters: Record<string, FilterSpec>; sortable: readonly string[]; defaultSort: string },
): ListQuery {
  const errors: FieldError[] = [];
  const given = (name: string): string | undefined => {
    const raw = params[name];
    if (raw === '') errors.push({ field: `query.${name}`, message: 'must not be empty (leave it out instead)' });
    return raw || undefined;
  };
  const int = (name: string, dflt: number, min: number, max: number) => {
    const raw = given(name);
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      errors.push({ field: `query.${name}`, message: `must be an integer between ${min} and ${max}` });
      return dflt;
    }
    return n;
  };
  const limit = int('limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const offset = int('offset', 0, 0, Number.MAX_SAFE_INTEGER);

  const sort: ListQuery['sort'] = [];
  const sortParts = (given('sort') ?? opts.defaultSort).split(',').map((p) => p.trim());
  if (sortParts.length > MAX_SORT_KEYS) {
    errors.push({ field: 'query.sort', message: `at most ${MAX_SORT_KEYS} sort keys` });
  } else {
    for (const p of sortParts) {
      const desc = p.startsWith('-');
      const field = desc ? p.slice(1) : p.replace(/^\+/, '');
      if (!opts.sortable.includes(field)) {
        errors.push({
          field: 'query.sort',
          message: `cannot sort by "${field}"; sortable: ${opts.sortable.join(', ')}`,
        });
      } else if (sort.some((s) => s.field === field)) {
        errors.push({ field: 'query.sort', message: `sorts by "${field}" twice` });
      } else sort.push({ field, desc });
    }
  }

  let after: Cursor | undefined;
  const rawAfter = given('after');
  if (rawAfter !== undefined) {
    const cursor = decodeCursor(rawAfter);
    if (params.offset !== undefined) {
      errors.push({ field: 'query.after', message: 'cannot be combined with offset (a cursor already says where)' });
    } else if (!cursor || cursor.keys.length !== sort.length + 1) {
      errors.push({ field: 'query.after', message: 'is not a cursor from this list (take it from a Link header)' });
    } else if (cursor.sort !== sortKey(sort)) {
      errors.push({ field: 'query.after', message: `belongs to sort "${cursor.sort}"; send that sort with it` });
    } else after = cursor;
  }

  const q = params.q?.trim() || undefined;
  if (q && [...q].length > MAX_SEARCH_CHARS) {
    errors.push({ field: 'query.q', message: `must be at most ${MAX_SEARCH_CHARS} characters` });
  }

  const filters: ListQuery['filters'] = [];
  for (const [name, spec] of Object.entries(opts.filters)) {
    const raw = given(name);
    if (raw === undefined) continue;
    const multi = spec.op === undefined || spec.op === 'eq';
    const parts = multi && (spec.type === 'int' || spec.values) ? raw.split(',') : [raw];
    if (parts.length > MAX_LIST_VALUES) {
      errors.push({ field: `query.${name}`, message: `at most ${MAX_LIST_VALUES} values` });
      continue;
    }
    const values: (string | number | boolean)[] = [];
    for (const part of parts) {
      const val = parseValue(part.trim(), spec);
      if (val === undefined) {
        errors.push({
          field: `query.${name}`,
          message: spec.values ? `must be one of: ${spec.values.join(', ')}` : `must be a valid ${spec.type}`,
        });
        break;
      }
      values.push(val);
    }
    if (values.length === parts.length) filters.push({ name, spec, values });
  }

  if (errors.length) throw unprocessable(errors, 'Invalid list parameters.');
  return { limit, offset, sort, q, filters, after };
}

/** The same parameters as a valibot schema, so the OpenAPI document describes exactly what is accepted. */
export function listQuerySchema(opts: {
  filters: Record<string, FilterSpec>;
  sortable: readonly string[];
  defaultSort: string;
  searchable: readonly string[];
  /** rows of a `format=csv` export */
  csvLimit?: number;
}) {
  const entries: Record<string, v.GenericSchema> = {
    limit: v.optional(
      v.pipe(
        v.string(),
        v.description(`Page size, 1-${MAX_LIMIT} (default ${DEFAULT_LIMIT}).`),
        v.metadata({ type: 'integer' }),
      ),
    ),
    offset: v.optional(v.pipe(v.string(), v.description('Rows to skip (default 0).'), v.metadata({ type: 'integer' }))),
    after: v.optional(
      v.pipe(
        v.string(),
        v.description(
          'Keyset cursor: the page after this row, without skipping rows (fast at any depth). Take it from the Link header\'s rel="next" or X-Next-Cursor; valid only with the sort it came from, not with offset.',
        ),
      ),
    ),
    sort: v.optional(
      v.pipe(
        v.string(),
        v.description(
          `Comma-separated fields, "-" for descending, at most ${MAX_SORT_KEYS}, each once (default "${opts.defaultSort}"). Sortable: ${opts.sortable.join(', ')}.`,
        ),
      ),
    ),
  };
  if (opts.csvLimit) {
    entries.format = v.optional(
      v.pipe(
        v.picklist(['json', 'csv']),
        v.description(
          `"csv": the whole filtered, sorted list (up to ${opts.csvLimit} rows, no paging) as text/csv with a header row.`,
        ),
      ),
    );
  }
  if (opts.searchable.length) {
    entries.q = v.optional(
      v.pipe(
        v.string(),
        v.description(
          `Case-insensitive text search in ${opts.searchable.join(', ')}, taken literally; at most ${MAX_SEARCH_CHARS} characters.`,
        ),
      ),
    );
  }
  for (const [name, spec] of Object.entries(opts.filters)) {
    const base = spec.values ? v.picklist(spec.values as [string, ...string[]]) : v.string();
    const desc =
      spec.description ??
      `${spec.op === 'gte' ? 'At least' : spec.op === 'lte' ? 'At most' : 'Equals'} (${spec.type}${spec.values || spec.type === 'int' ? `, comma-separated for any of up to ${MAX_LIST_VALUES}` : ''}).`;
    entries[name] = v.optional(v.pipe(base, v.description(desc)));
  }
  return v.object(entries);
}
