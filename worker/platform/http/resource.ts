import { and, asc, count, desc, eq, getTableColumns, gte, inArray, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as v from 'valibot';
import type { ServiceContext } from '../context';
import { runBatch, type Statement } from '../db/client';
import { auditDeletedRow, auditInsertedRow, auditUpdatedRow, toStatement } from '../audit/trail';
import type { Access, Api, OpResponse } from './api';
import { listQuerySchema, parseListQuery, sortKey, type FilterSpec, type ListQuery } from './list-query';
import { afterCursor, encodeCursor, type CursorValue, type KeysetTerm } from './cursor';
import { paginationLinks } from './pagination';
import { strictQuery } from './query-params';
import { anyOf, containsText } from './sql-match';
import { CSV_MAX_ROWS, toCsv } from './csv';
import { readCsvTable } from './csv-import';
import { PROBLEM_BASE, ProblemError, badRequest, conflict, notFound, unprocessable, type FieldError } from './problem';
import { parseOrThrow, issuesToFieldErrors, readJsonBody } from './validation';

export type Row = Record<string, any>;
export interface Change {
  before: Row | null;
  after: Row;
  /** prefix for field errors: "" for a single write, "[3]." for the 4th item of a bulk create */
  prefix: string;
}
type Op = 'list' | 'get' | 'create' | 'update' | 'delete';

export const MAX_BULK = 1000;
const NOW = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/**
 * What a resource declares; the machinery below turns it into five endpoints with validation, filters,
 * sorting, pagination, uniqueness and reference checks, audit entries and OpenAPI documentation.
 */
/** Rows of `table` whose `column` holds this resource's id (and that match `where`, for polymorphic references). */
export interface Dependent {
  table: SQLiteTable;
  column: string;
  label: string;
  where?: SQL;
}

export interface ResourceDef {
  path: string;
  entity: string;
  label: string;
  tag: string;
  table: SQLiteTable;
  schemas: { create?: v.ObjectSchema<any, any>; update?: v.ObjectSchema<any, any>; output: v.GenericSchema };
  filters: Record<string, FilterSpec>;
  sortable: readonly string[];
  defaultSort: string;
  searchable: readonly string[];
  /**
   * A stored column holding the `searchable` fields lower-cased and joined by U+001F, kept by triggers: `?q=`
   * then tests that one column per row. Hide it (`hidden`) and check it against `searchable` in a test.
   */
  searchText?: string;
  /** each entry is a set of fields whose values must be unique together; `ignoreCase` for names people type */
  unique?: { fields: readonly string[]; ignoreCase?: boolean }[];
  /** foreign keys checked before writing, so the client hears which field points nowhere */
  references?: Record<string, { table: SQLiteTable; label: string; scope?: (ctx: ServiceContext) => SQL | undefined }>;
  /** rows elsewhere that block a delete */
  dependents?: Dependent[];
  /** rows that are parts of this one (a device's power supplies): deleted with it, in the same batch */
  cascades?: Dependent[];
  /** columns never returned (password hashes) */
  hidden?: readonly string[];
  /** the row as the API shows it, when SQL cannot say it (a computed flag is 0/1 in SQLite, true/false in JSON) */
  present?: (row: Row) => Row;
  /** read-only fields computed per row (counts, utilisation, parent names); listed, fetched and sortable */
  computed?: (ctx: ServiceContext) => Record<string, SQL>;
  access: { read: Access; write: Access };
  ops?: readonly Op[];
  /** false: no `POST {path}/import` CSV route (the resource imports a format of its own there) */
  csvImport?: boolean;
  /** domain rules over the rows as they would be after the write; throw a ProblemError to refuse */
  check?: (ctx: ServiceContext, changes: Change[]) => Promise<void>;
  /** extra SQL condition limiting what the caller may see (clearance, in the security issue) */
  scope?: (ctx: ServiceContext) => SQL | undefined;
  /**
   * Checks on the single objects a call reads or writes (step-up for sensitive zones): called by getRow with the
   * row read, by updateRow with the row before and after, by deleteRow, and by createRows with the new rows.
   * Lists do not call it. Throw a ProblemError to refuse.
   */
  guard?: (ctx: ServiceContext, rows: Row[]) => Promise<void> | void;
  /**
   * Runs after an update committed, in the same request, with the row before and after (live state that must
   * follow the inventory at once: a rack's zone reaching its telemetry object). A failure here is logged; the
   * write stands.
   */
  afterCommit?: (ctx: ServiceContext, changes: Change[]) => Promise<void>;
  /** Runs after any create, update or delete committed (live state built from the whole table, like alert rules). */
  afterWrite?: (ctx: ServiceContext) => Promise<void>;
  /**
   * Turn validated input into what is stored, before checks and writes (e.g. seal a write-only secret into a
   * hidden column); `before` is the stored row on update.
   */
  prepare?: (ctx: ServiceContext, input: Row, before: Row | null) => Promise<Row>;
  description?: string;
}

const columns = (def: ResourceDef) => getTableColumns(def.table) as Record<string, SQLiteColumn>;
const col = (def: ResourceDef, key: string) => {
  const c = columns(def)[key];
  if (!c) throw new Error(`${def.entity}: unknown column ${key}`);
  return c;
};

/** What a read selects: every column for services and audit; for API output, no hidden column and the computed ones. */
function selection(ctx: ServiceContext, def: ResourceDef, forOutput: boolean) {
  if (!forOutput) return columns(def);
  const cols = def.hidden?.length
    ? Object.fromEntries(Object.entries(columns(def)).filter(([k]) => !def.hidden!.includes(k)))
    : columns(def);
  return def.computed ? { ...cols, ...def.computed(ctx) } : cols;
}
const sortExpr = (ctx: ServiceContext, def: ResourceDef, key: string) => def.computed?.(ctx)[key] ?? col(def, key);

export function toOutput(def: ResourceDef, row: Row): Row {
  // reads for output no longer select hidden columns (see selection): most rows pass as they are
  if (!def.hidden?.some((k) => k in row)) return def.present ? def.present(row) : row;
  const out: Row = {};
  for (const [k, val] of Object.entries(row)) if (!def.hidden.includes(k)) out[k] = val;
  return def.present ? def.present(out) : out;
}

function whereOf(ctx: ServiceContext, def: ResourceDef, q: Pick<ListQuery, 'q' | 'filters'>): SQL | undefined {
  const conds: (SQL | undefined)[] = [def.scope?.(ctx)];
  if (q.q && def.searchable.length) {
    // a query holding the separator could match across two fields of searchText: ask each field instead
    conds.push(
      def.searchText && !q.q.includes('\u001f')
        ? sql`instr(${col(def, def.searchText)}, lower(${q.q})) > 0`
        : or(...def.searchable.map((k) => containsText(col(def, k), q.q!))),
    );
  }
  for (const f of q.filters) {
    if (f.spec.where) {
      conds.push(f.spec.where(f.values));
      continue;
    }
    const c = col(def, f.spec.column ?? f.name);
    const op = f.spec.op ?? 'eq';
    if (op === 'gte') conds.push(gte(c, f.values[0]));
    else if (op === 'lte') conds.push(lte(c, f.values[0]));
    else if (op === 'like') conds.push(containsText(c, String(f.values[0])));
    else conds.push(anyOf(c, f.values));
  }
  return and(...conds);
}

/** The keyset terms of a list's order (its sort, then id), with the values of `keys` (a cursor's or a row's). */
function keysetTerms(ctx: ServiceContext, def: ResourceDef, q: ListQuery, keys: CursorValue[]): KeysetTerm[] {
  const terms = q.sort.map((s, i) => {
    const expr = sortExpr(ctx, def, s.field);
    const notNull = 'notNull' in expr && (expr as SQLiteColumn).notNull;
    return { expr, desc: s.desc, notNull, value: keys[i] ?? null };
  });
  return [...terms, { expr: col(def, 'id'), desc: false, notNull: true, value: keys[q.sort.length] ?? null }];
}

const cursorOf = (q: ListQuery, row: Row): string =>
  encodeCursor({
    sort: sortKey(q.sort),
    keys: [...q.sort.map((s) => (row[s.field] ?? null) as CursorValue), row.id as number],
  });

export async function listRows(ctx: ServiceContext, def: ResourceDef, q: ListQuery) {
  const filtered = whereOf(ctx, def, q);
  const where = q.after ? and(filtered, afterCursor(keysetTerms(ctx, def, q, q.after.keys))) : filtered;
  const order = [
    ...q.sort.map((s) => (s.desc ? desc(sortExpr(ctx, def, s.field)) : asc(sortExpr(ctx, def, s.field)))),
    asc(col(def, 'id')),
  ];
  const idCol = col(def, 'id');
  // Pick the page's ids first, then compute the per-row fields for those rows only: with the computed
  // subqueries in the paging query itself, SQLite evaluates them for every row it sorts (9,000 instead of 100).
  const page = ctx.db
    .select({ id: idCol })
    .from(def.table)
    .where(where)
    .orderBy(...order)
    .limit(q.limit + 1) // one more than asked: whether a next page exists, without a second query
    .offset(q.after ? 0 : q.offset);
  const [rows, totals] = await runBatch(ctx.db, [
    ctx.db
      .select(selection(ctx, def, true))
      .from(def.table)
      .where(inArray(idCol, page))
      .orderBy(...order),
    ctx.db.select({ n: count() }).from(def.table).where(filtered),
  ]);
  const shown = (rows as Row[]).slice(0, q.limit);
  // the next page's cursor is the last row's keys (read before hidden fields are dropped)
  const next = rows.length > q.limit ? cursorOf(q, shown[shown.length - 1]!) : undefined;
  return { rows: shown.map((r) => toOutput(def, r)), total: totals[0]?.n ?? 0, next };
}

/** One row as stored; `withComputed` adds the resource's computed fields (for API output, not for audit). */
export async function getRow(ctx: ServiceContext, def: ResourceDef, id: number, withComputed = false): Promise<Row> {
  // a batch of one: the request's identity re-check rides in it (one D1 round trip for a detail read)
  const [rows] = await runBatch(ctx.db, [
    ctx.db
      .select(selection(ctx, def, withComputed))
      .from(def.table)
      .where(and(eq(col(def, 'id'), id), def.scope?.(ctx)))
      .limit(1),
  ]);
  const row = (rows as Row[])[0];
  if (!row) throw notFound(def.label, id);
  await def.guard?.(ctx, [row as Row]);
  return row as Row;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function checkUnique(ctx: ServiceContext, def: ResourceDef, changes: Change[]) {
  const errors: FieldError[] = [];
  for (const { fields, ignoreCase } of def.unique ?? []) {
    // SQL unique indexes let rows with a NULL in the set repeat (a cluster node is a server or a VM, the other null)
    const touched = changes.filter(
      (ch) =>
        (!ch.before || fields.some((f) => ch.before![f] !== ch.after[f])) &&
        fields.every((f) => ch.after[f] !== null && ch.after[f] !== undefined),
    );
    const norm = (v: unknown) => (ignoreCase && typeof v === 'string' ? v.toLowerCase() : v);
    const key = (r: Row) => JSON.stringify(fields.map((f) => norm(r[f])));
    const same = (f: string, v: unknown) =>
      ignoreCase && typeof v === 'string' ? sql`lower(${col(def, f)}) = lower(${v})` : eq(col(def, f), v);
    const seen = new Map<string, Change>();
    for (const ch of touched) {
      const k = key(ch.after);
      if (seen.has(k)) {
        errors.push({
          field: ch.prefix + fields[fields.length - 1],
          message: `duplicates ${seen.get(k)!.prefix || 'another item'} in this request (${fields.map((f) => `${f}=${ch.after[f]}`).join(', ')})`,
        });
      } else seen.set(k, ch);
    }
    // D1 allows 100 bound parameters per statement
    for (const part of chunks(touched, Math.floor(90 / (fields.length + 1)))) {
      const clauses = part.map((ch) =>
        and(...fields.map((f) => same(f, ch.after[f])), ch.before ? ne(col(def, 'id'), ch.before.id) : undefined),
      );
      const found = (await ctx.db
        .select()
        .from(def.table)
        .where(or(...clauses))
        .all()) as Row[];
      for (const row of found) {
        const ch = part.find((c) => key(c.after) === key(row));
        if (!ch) continue;
        errors.push({
          field: ch.prefix + fields[fields.length - 1],
          message: `${def.label} ${row.id} already has ${fields.map((f) => `${f} "${row[f]}"`).join(' and ')}`,
        });
      }
    }
  }
  if (errors.length) {
    throw conflict(
      `${errors.length === 1 ? 'A value that must be unique is' : 'Values that must be unique are'} already taken: ${errors.map((e) => e.message).join('; ')}.`,
      errors,
    );
  }
}

async function checkReferences(ctx: ServiceContext, def: ResourceDef, changes: Change[]) {
  const errors: FieldError[] = [];
  for (const [field, ref] of Object.entries(def.references ?? {})) {
    const touched = changes.filter(
      (ch) => ch.after[field] != null && (!ch.before || ch.before[field] !== ch.after[field]),
    );
    const ids = [...new Set(touched.map((ch) => Number(ch.after[field])))];
    const existing = new Set<number>();
    const idCol = getTableColumns(ref.table).id as SQLiteColumn;
    for (const part of chunks(ids, 90)) {
      const rows = await ctx.db
        .select({ id: idCol })
        .from(ref.table)
        .where(and(inArray(idCol, part), ref.scope?.(ctx)))
        .all();
      for (const r of rows) existing.add(Number(r.id));
    }
    for (const ch of touched) {
      if (!existing.has(Number(ch.after[field]))) {
        errors.push({ field: ch.prefix + field, message: `${ref.label} ${ch.after[field]} does not exist` });
      }
    }
  }
  if (errors.length) throw unprocessable(errors);
}

async function validateChanges(ctx: ServiceContext, def: ResourceDef, changes: Change[]) {
  await checkReferences(ctx, def, changes);
  await checkUnique(ctx, def, changes);
  await def.check?.(ctx, changes);
}

const auditTarget = (def: ResourceDef) => ({ table: def.table, entityType: def.entity, hidden: def.hidden });

/** Prepare, check and guard new rows; the insert and audit statements, two per row, for one db.batch. */
async function planCreate(ctx: ServiceContext, def: ResourceDef, raw: Row[], prefixes: string[]) {
  const inputs = def.prepare ? await Promise.all(raw.map((r) => def.prepare!(ctx, r, null))) : raw;
  const changes = inputs.map((after, i) => ({ before: null, after, prefix: prefixes[i] }));
  await validateChanges(ctx, def, changes);
  await def.guard?.(ctx, inputs);
  const statements: Statement[] = [];
  for (const input of inputs) {
    statements.push(ctx.db.insert(def.table).values(input).returning() as unknown as Statement);
    statements.push(toStatement(ctx, auditInsertedRow(ctx, auditTarget(def))));
  }
  return statements;
}

/** Insert one or many rows atomically, each with its audit entry, in one db.batch. */
export async function createRows(ctx: ServiceContext, def: ResourceDef, raw: Row[]): Promise<Row[]> {
  const statements = await planCreate(
    ctx,
    def,
    raw,
    raw.map((_, i) => (raw.length > 1 ? `[${i}].` : '')),
  );
  const results = await runBatch(ctx.db, statements);
  await afterWrite(ctx, def);
  const created = results.filter((_, i) => i % 2 === 0).map((r) => (r as Row[])[0]);
  return (def.computed ? await withComputed(ctx, def, created) : created).map((r) => toOutput(def, r));
}

/** Re-read freshly written rows with their computed fields, so writes answer with the same shape as reads. */
async function withComputed(ctx: ServiceContext, def: ResourceDef, rows: Row[]): Promise<Row[]> {
  const idCol = col(def, 'id');
  const byId = new Map<number, Row>();
  for (const part of chunks(
    rows.map((r) => Number(r.id)),
    90,
  )) {
    for (const r of await ctx.db
      .select(selection(ctx, def, true))
      .from(def.table)
      .where(inArray(idCol, part))
      .all()) {
      byId.set(Number((r as Row).id), r as Row);
    }
  }
  return rows.map((r) => byId.get(Number(r.id)) ?? r);
}

export async function updateRow(ctx: ServiceContext, def: ResourceDef, id: number, patch: Row): Promise<Row> {
  return (await updateRows(ctx, def, [{ id, patch }], false))[0];
}

/** Rows as stored (within the caller's scope), one query per 90 ids; an id that is missing is a 404 naming it. */
async function getRows(ctx: ServiceContext, def: ResourceDef, ids: number[], prefixes: string[]): Promise<Row[]> {
  const idCol = col(def, 'id');
  const byId = new Map<number, Row>();
  for (const part of chunks(ids, 90)) {
    for (const r of await ctx.db
      .select()
      .from(def.table)
      .where(and(inArray(idCol, part), def.scope?.(ctx)))
      .all()) {
      byId.set(Number((r as Row).id), r as Row);
    }
  }
  const missing = ids.map((id, i) => ({ id, i })).filter(({ id }) => !byId.has(id));
  if (missing.length) {
    throw new ProblemError(404, 'not-found', `${def.label} ${missing.map((m) => m.id).join(', ')} not found.`, {
      errors: missing.map(({ id, i }) => ({ field: `${prefixes[i]}id`, message: `${def.label} ${id} does not exist` })),
    });
  }
  return ids.map((id) => byId.get(id)!);
}

/**
 * Update one row, or many atomically (all or nothing): each item is checked like a single update (references,
 * uniqueness, domain rules, guard), errors are named `[i].field`, and the writes with one audit entry per
 * changed row go in one db.batch.
 */
export async function updateRows(
  ctx: ServiceContext,
  def: ResourceDef,
  items: { id: number; patch: Row }[],
  bulk = true,
): Promise<Row[]> {
  const plan = await planUpdate(
    ctx,
    def,
    items,
    items.map((_, i) => (bulk ? `[${i}].` : '')),
    bulk,
  );
  if (plan.changes.length) {
    await runBatch(ctx.db, plan.statements);
    await afterUpdate(ctx, def, plan.changes);
  }
  // re-read: the answer has the stored values and the computed fields, like a GET
  const fresh = await withComputed(ctx, def, plan.befores);
  return fresh.map((r) => toOutput(def, r));
}

/** Read, prepare, check and guard updates; the statements (update + audit per changed row) for one db.batch. */
async function planUpdate(
  ctx: ServiceContext,
  def: ResourceDef,
  items: { id: number; patch: Row }[],
  prefixes: string[],
  bulk: boolean,
) {
  const befores = bulk
    ? await getRows(
        ctx,
        def,
        items.map((it) => it.id),
        prefixes,
      )
    : [await getRow(ctx, def, items[0].id)];
  if (bulk) await def.guard?.(ctx, befores);
  const changes: (Change & { changed: Row })[] = [];
  if (def.prepare) {
    items = await Promise.all(
      items.map(async (it, i) => ({ ...it, patch: await def.prepare!(ctx, it.patch, befores[i]) })),
    );
  }
  items.forEach(({ patch }, i) => {
    const before = befores[i];
    const changed = Object.fromEntries(
      Object.entries(patch).filter(([k, val]) => JSON.stringify(before[k]) !== JSON.stringify(val)),
    );
    if (Object.keys(changed).length)
      changes.push({ before, after: { ...before, ...changed }, prefix: prefixes[i], changed });
  });
  if (!changes.length) return { befores, changes, statements: [] as Statement[] };
  await validateChanges(ctx, def, changes);
  // getRow guarded the object as it is; this guards where it goes (a rack moved into another zone, a server to another rack)
  await def.guard?.(
    ctx,
    changes.map((ch) => ch.after),
  );
  const idCol = col(def, 'id');
  const statements = changes.flatMap((ch) => [
    ctx.db
      .update(def.table)
      .set({ ...ch.changed, updated_at: NOW })
      .where(eq(idCol, ch.before!.id)) as unknown as Statement,
    toStatement(ctx, auditUpdatedRow(ctx, auditTarget(def), Number(ch.before!.id), toOutput(def, ch.before!))),
  ]);
  return { befores, changes, statements };
}

async function afterUpdate(ctx: ServiceContext, def: ResourceDef, changes: Change[]) {
  await def.afterCommit?.(ctx, changes).catch((e: unknown) => {
    console.error(`${def.entity}: after-commit hook failed`, e);
  });
  await afterWrite(ctx, def);
}

/** The most rows one CSV import takes, and its body cap (about 1.6 kB a row). */
export const IMPORT_MAX_ROWS = 5000;
const IMPORT_MAX_BYTES = 8 * 1024 * 1024;

const ImportQuery = v.object({
  dry_run: v.optional(v.picklist(['true', 'false'], 'must be true or false')),
});

const ImportReportSchema = v.object({
  dry_run: v.boolean(),
  valid: v.boolean(),
  rows: v.number(),
  create: v.number(),
  update: v.number(),
  unchanged: v.number(),
  ignored_columns: v.array(v.string()),
  errors: v.array(v.object({ field: v.string(), message: v.string(), line: v.optional(v.number()) })),
});

/** The CSV text of an import: any text type (browsers send .csv files as text/csv or application/vnd.ms-excel). */
async function readCsvBody(req: Request): Promise<string> {
  const type = req.headers.get('content-type') ?? '';
  if (/json|form/i.test(type)) throw badRequest(`Send the file as text/csv, got "${type}".`);
  const text = await req.text();
  if (!text.trim()) throw badRequest('The request body is empty; send a CSV file with a header row.');
  return text;
}

export interface ImportReport {
  dry_run: boolean;
  /** true when every row would be (or was) written */
  valid: boolean;
  rows: number;
  create: number;
  update: number;
  /** rows with an id whose cells change nothing */
  unchanged: number;
  ignored_columns: string[];
  errors: (FieldError & { line?: number })[];
}

const withLines = (errors: readonly FieldError[], lineOf: (index: number) => number | undefined) =>
  errors.map((e) => {
    const m = /^\[(\d+)\]/.exec(e.field);
    return m ? { ...e, line: lineOf(Number(m[1])) } : e;
  });

/**
 * A CSV file as one all-or-nothing write: rows without an id are created, rows with one update that object.
 * Every row is checked exactly like the JSON API's bulk create and update (schema, references, uniqueness,
 * domain rules, clearance); a dry run stops there and reports, per row and line, what would fail.
 */
export async function importCsv(ctx: ServiceContext, def: ResourceDef, text: string, dryRun: boolean) {
  const create = def.schemas.create!;
  const update = def.schemas.update;
  const table = readCsvTable(text, { ...(update?.entries ?? {}), ...create.entries }, IMPORT_MAX_ROWS);
  const lineOf = (index: number) => table.rows[index]?.line;
  const errors = [...table.errors];
  const creates: { index: number; input: Row }[] = [];
  const updates: { index: number; id: number; patch: Row }[] = [];
  for (const row of table.rows) {
    const prefix = `[${row.index}].`;
    if (row.id !== null && !update) {
      errors.push({ field: `${prefix}id`, message: `${def.label} rows cannot be updated by import`, line: row.line });
      continue;
    }
    const r = v.safeParse(row.id === null ? create : update!, row.values, { abortPipeEarly: true });
    if (!r.success) errors.push(...withLines(issuesToFieldErrors(r.issues, prefix), lineOf));
    else if (row.id === null) creates.push({ index: row.index, input: r.output as Row });
    else updates.push({ index: row.index, id: row.id, patch: definedOnly(r.output as Row) });
  }
  const report = (valid: boolean, unchanged = 0): ImportReport => ({
    dry_run: dryRun,
    valid,
    rows: table.rows.length,
    create: creates.length,
    update: updates.length - unchanged,
    unchanged,
    ignored_columns: table.ignored,
    errors,
  });
  if (errors.length && dryRun) return report(false);
  if (errors.length) throw unprocessable(errors, `The file has ${errors.length} problem(s); nothing was imported.`);

  let statements: Statement[];
  let changes: Change[];
  let unchanged: number;
  try {
    const created = creates.length
      ? await planCreate(
          ctx,
          def,
          creates.map((c) => c.input),
          creates.map((c) => `[${c.index}].`),
        )
      : [];
    const plan = updates.length
      ? await planUpdate(
          ctx,
          def,
          updates.map(({ id, patch }) => ({ id, patch })),
          updates.map((u) => `[${u.index}].`),
          true,
        )
      : { changes: [], statements: [] };
    statements = [...created, ...plan.statements];
    changes = plan.changes;
    unchanged = updates.length - plan.changes.length;
  } catch (e) {
    if (!(e instanceof ProblemError) || ![404, 409, 422].includes(e.status)) throw e;
    const found = withLines(e.errors ?? [{ field: '(body)', message: e.detail }], lineOf);
    if (!dryRun) {
      throw new ProblemError(e.status, e.type.replace(PROBLEM_BASE, ''), `${e.detail} Nothing was imported.`, {
        errors: found,
        extra: e.extra,
      });
    }
    errors.push(...found);
    return report(false);
  }
  if (!dryRun && statements.length) {
    await runBatch(ctx.db, statements);
    if (changes.length) await afterUpdate(ctx, def, changes);
    else await afterWrite(ctx, def);
  }
  return report(true, unchanged);
}

export async function deleteRow(ctx: ServiceContext, def: ResourceDef, id: number): Promise<void> {
  await getRow(ctx, def, id);
  const blockers: string[] = [];
  for (const dep of def.dependents ?? []) {
    const depCol = getTableColumns(dep.table)[dep.column] as SQLiteColumn;
    const row = await ctx.db
      .select({ n: count() })
      .from(dep.table)
      .where(and(eq(depCol, id), dep.where))
      .get();
    if (row && row.n > 0) blockers.push(`${row.n} ${dep.label}`);
  }
  if (blockers.length) {
    throw conflict(
      `${def.label} ${id} still has ${listOf(blockers)}; move or delete them first.`,
      [{ field: 'id', message: `referenced by ${listOf(blockers)}` }],
      { blocking: blockers },
    );
  }
  await runBatch(ctx.db, [
    toStatement(ctx, auditDeletedRow(ctx, auditTarget(def), id)),
    ...(def.cascades ?? []).map(
      (part) =>
        ctx.db
          .delete(part.table)
          .where(
            and(eq(getTableColumns(part.table)[part.column] as SQLiteColumn, id), part.where),
          ) as unknown as Statement,
    ),
    ctx.db.delete(def.table).where(eq(col(def, 'id'), id)) as unknown as Statement,
  ]);
  await afterWrite(ctx, def);
}

/**
 * Rows of a later domain that point at an earlier domain's resource (VMs on a server) block its delete too; the
 * later domain registers them here when it loads, so the earlier one never imports it.
 */
export function addDependent(def: ResourceDef, dep: Dependent): void {
  def.dependents = [...(def.dependents ?? []), dep];
}

/** Parts a later domain keeps of an earlier domain's resource (a server's power supplies) go when it goes. */
export function addCascade(def: ResourceDef, part: Dependent): void {
  def.cascades = [...(def.cascades ?? []), part];
}

/** A failing hook is logged: the write stands (it committed), and the live state catches up on its own. */
async function afterWrite(ctx: ServiceContext, def: ResourceDef) {
  await def.afterWrite?.(ctx).catch((e: unknown) => console.error(`${def.entity}: after-write hook failed`, e));
}

export const IdParams = v.object({
  id: v.pipe(v.string(), v.regex(/^[1-9]\d{0,15}$/, 'must be a positive integer'), v.transform(Number)),
});

/** Validate a bulk body: an array of 1 to MAX_BULK items, each parsed by `schema`, errors named `[i].field`. */
function parseItems<S extends v.GenericSchema>(schema: S, body: unknown[]): v.InferOutput<S>[] {
  if (body.length === 0 || body.length > MAX_BULK) {
    throw unprocessable([
      { field: '(body)', message: `a bulk write takes 1 to ${MAX_BULK} items, got ${body.length}` },
    ]);
  }
  const errors: FieldError[] = [];
  const items = body.map((item, i) => {
    const r = v.safeParse(schema, item, { abortPipeEarly: true });
    if (!r.success) errors.push(...issuesToFieldErrors(r.issues, `[${i}].`));
    return r.success ? r.output : {};
  });
  if (errors.length) throw unprocessable(errors);
  return items;
}

/** Validate a create body: one object, or an array of up to MAX_BULK objects with errors named `[i].field`. */
export function parseCreateBody(schema: v.ObjectSchema<any, any>, body: unknown): { items: Row[]; bulk: boolean } {
  if (!Array.isArray(body)) return { items: [parseOrThrow(schema, body)], bulk: false };
  return { items: parseItems(schema, body), bulk: true };
}

const definedOnly = (patch: Row) => Object.fromEntries(Object.entries(patch).filter(([, val]) => val !== undefined));

/** The body of a bulk update: `[{ id, ...fields to change }]`, each item like a single PATCH plus its id. */
export const bulkUpdateSchema = (update: v.ObjectSchema<any, any>) =>
  v.object({
    id: v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(1)),
    ...update.entries,
  });

export function parseBulkUpdateBody(update: v.ObjectSchema<any, any>, body: unknown): { id: number; patch: Row }[] {
  if (!Array.isArray(body))
    throw unprocessable([{ field: '(body)', message: 'must be an array of { id, ...changes }' }]);
  const items = parseItems(bulkUpdateSchema(update), body).map(({ id, ...rest }: Row) => ({
    id,
    patch: definedOnly(rest),
  }));
  const errors: FieldError[] = [];
  const seen = new Set<number>();
  items.forEach((it, i) => {
    if (seen.has(it.id)) errors.push({ field: `[${i}].id`, message: `id ${it.id} appears more than once` });
    seen.add(it.id);
    if (Object.keys(it.patch).length === 0)
      errors.push({ field: `[${i}]`, message: 'send at least one field to change' });
  });
  if (errors.length) throw unprocessable(errors);
  return items;
}

/** Header of a CSV export: every output column, in table order, then the computed ones. */
const csvColumns = (ctx: ServiceContext, def: ResourceDef) =>
  Object.keys(selection(ctx, def, true)).filter((k) => !def.hidden?.includes(k));

/** Mount the declared operations of a resource on the API. */
export function mountResource(api: Api, def: ResourceDef): void {
  const out: Pick<OpResponse, 'name' | 'schema' | 'complete'> = {
    name: def.entity.replace(/(^|[\s_])(\w)/g, (_, __, ch: string) => ch.toUpperCase()),
    schema: def.schemas.output,
    complete: true,
  };
  const ops = def.ops ?? ['list', 'get', 'create', 'update', 'delete'];
  const name = def.path.replace(/^\//, '');
  const listOpts = { filters: def.filters, sortable: def.sortable, defaultSort: def.defaultSort };
  const problemsRead = [401, 403, 404];

  if (ops.includes('list')) {
    api.op(
      {
        method: 'get',
        path: def.path,
        summary: `List ${name}`,
        description:
          `${def.description ?? ''} Returns a bare JSON array; X-Total-Count and Link headers paginate (by offset, or by the X-Next-Cursor keyset cursor with after).`.trim(),
        tags: [def.tag],
        access: def.access.read,
        query: listQuerySchema({ ...listOpts, searchable: def.searchable, csvLimit: CSV_MAX_ROWS }),
        rawQuery: true,
        responses: [
          { status: 200, description: `A page of ${name}`, ...out, list: true },
          {
            status: 200,
            description: `format=csv: up to ${CSV_MAX_ROWS} rows as RFC 4180 CSV with a header row`,
            contentType: 'text/csv',
            schema: v.string(),
          },
          { status: 422, description: 'Bad list parameters' },
        ],
      },
      async (c, { ctx }) => {
        const url = new URL(c.req.url);
        const params = strictQuery(url);
        const { format = null, ...listParams } = params;
        if (format === 'csv') {
          // same filters, sort and search as the page on screen; paging is replaced by the export cap
          const { limit: _limit, offset: _offset, ...unpaged } = listParams;
          const q = { ...parseListQuery(unpaged, listOpts), limit: CSV_MAX_ROWS, offset: 0 };
          const { rows, total } = await listRows(ctx, def, q);
          const stamp = new Date().toISOString().slice(0, 10);
          return c.body(toCsv(csvColumns(ctx, def), rows), 200, {
            'Content-Type': 'text/csv; charset=utf-8; header=present',
            'Content-Disposition': `attachment; filename="${name}-${stamp}.csv"`,
            'X-Total-Count': String(total),
            'X-Export-Limit': String(CSV_MAX_ROWS),
          });
        }
        if (format !== null && format !== 'json') {
          throw unprocessable(
            [{ field: 'query.format', message: 'must be one of: json, csv' }],
            'Invalid list parameters.',
          );
        }
        const q = parseListQuery(listParams, listOpts);
        const { rows, total, next } = await listRows(ctx, def, q);
        c.header('X-Total-Count', String(total));
        c.header('Link', paginationLinks(url, total, q.limit, q.offset, q.after ? { next } : undefined));
        if (next) c.header('X-Next-Cursor', next);
        return c.json(rows);
      },
    );
  }
  if (ops.includes('get')) {
    api.op(
      {
        method: 'get',
        path: `${def.path}/{id}`,
        summary: `Get one ${def.entity}`,
        tags: [def.tag],
        access: def.access.read,
        params: IdParams,
        responses: [
          { status: 200, description: def.label, ...out },
          ...problemsRead.map((s) => ({ status: s, description: '' })),
        ],
      },
      async (c, { ctx, params }) => c.json(toOutput(def, await getRow(ctx, def, params.id, true))),
    );
  }
  if (ops.includes('create') && def.schemas.create) {
    const create = def.schemas.create;
    api.op(
      {
        method: 'post',
        path: def.path,
        summary: `Create a ${def.entity} (or many: POST an array, all or nothing)`,
        tags: [def.tag],
        access: def.access.write,
        body: v.union([create, v.array(create)]),
        rawBody: true,
        responses: [
          {
            status: 201,
            description: `The created ${def.entity} (an array for a bulk create)`,
            ...out,
          },
          { status: 409, description: 'Conflicts with existing data' },
          { status: 422, description: 'Invalid fields' },
        ],
      },
      async (c, { ctx }) => {
        const { items, bulk } = parseCreateBody(create, await readJsonBody(c.req.raw));
        const created = await createRows(ctx, def, items);
        if (bulk) return c.json(created, 201);
        c.header('Location', `/api${def.path}/${created[0].id}`);
        return c.json(created[0], 201);
      },
    );
  }
  if (ops.includes('create') && def.schemas.create && def.csvImport !== false) {
    api.op(
      {
        method: 'post',
        path: `${def.path}/import`,
        summary: `Import ${name} from CSV (dry_run=true checks and reports without writing)`,
        description:
          `A CSV file with a header row naming fields (an export's file works: computed columns are ignored). ` +
          `Rows without an \`id\` are created; rows with one update that ${def.entity}. Empty cells leave a field ` +
          `out. Every row is checked like the JSON API's bulk writes; the import is all or nothing. Up to ` +
          `${IMPORT_MAX_ROWS} rows.`,
        tags: [def.tag],
        access: def.access.write,
        query: ImportQuery,
        body: v.string(),
        rawBody: true,
        bodyContentTypes: ['text/csv'],
        maxBodyBytes: IMPORT_MAX_BYTES,
        responses: [
          {
            status: 200,
            description: 'The import report (a dry run: what would happen)',
            schema: ImportReportSchema,
            name: 'ImportReport',
          },
          { status: 400, description: 'The body is not CSV' },
          { status: 404, description: 'An id names no object' },
          { status: 409, description: 'Conflicts with existing data; nothing was imported' },
          { status: 422, description: 'Invalid rows (errors name [row].field and the line); nothing was imported' },
        ],
      },
      async (c, { ctx, query }) => {
        const text = await readCsvBody(c.req.raw);
        return c.json(await importCsv(ctx, def, text, query.dry_run === 'true'));
      },
    );
  }
  if (ops.includes('update') && def.schemas.update) {
    api.op(
      {
        method: 'patch',
        path: `${def.path}/{id}`,
        summary: `Update a ${def.entity} (only the fields sent change)`,
        tags: [def.tag],
        access: def.access.write,
        params: IdParams,
        body: def.schemas.update,
        responses: [
          { status: 200, description: `The updated ${def.entity}`, ...out },
          { status: 404, description: 'No such object' },
          { status: 409, description: 'Conflicts with existing data' },
          { status: 422, description: 'Invalid fields' },
        ],
      },
      async (c, { ctx, params, body }) => {
        const patch = definedOnly(body as Row);
        if (Object.keys(patch).length === 0) {
          throw unprocessable([{ field: '(body)', message: 'send at least one field to change' }]);
        }
        return c.json(await updateRow(ctx, def, params.id, patch));
      },
    );
  }
  if (ops.includes('update') && def.schemas.update) {
    const update = def.schemas.update;
    api.op(
      {
        method: 'patch',
        path: def.path,
        summary: `Update many ${name} at once (all or nothing)`,
        description: `An array of up to ${MAX_BULK} \`{ id, ...fields to change }\`; errors name \`[i].field\`. One audit entry per changed row.`,
        tags: [def.tag],
        access: def.access.write,
        body: v.array(bulkUpdateSchema(update)),
        rawBody: true,
        responses: [
          {
            status: 200,
            description: `The updated ${name}, in the order sent`,
            ...out,
            list: true,
          },
          { status: 404, description: 'An id names no object' },
          { status: 409, description: 'Conflicts with existing data' },
          { status: 422, description: 'Invalid fields' },
        ],
      },
      async (c, { ctx }) =>
        c.json(await updateRows(ctx, def, parseBulkUpdateBody(update, await readJsonBody(c.req.raw)))),
    );
  }
  if (ops.includes('delete')) {
    api.op(
      {
        method: 'delete',
        path: `${def.path}/{id}`,
        summary: `Delete a ${def.entity}`,
        tags: [def.tag],
        access: def.access.write,
        params: IdParams,
        responses: [
          { status: 204, description: 'Deleted' },
          { status: 404, description: 'No such object' },
          { status: 409, description: 'Still referenced' },
        ],
      },
      async (c, { ctx, params }) => {
        await deleteRow(ctx, def, params.id);
        return c.body(null, 204);
      },
    );
  }
}

/** "a", "a and b", "a, b and c" */
const listOf = (items: string[]) =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}` : (items[0] ?? '');
