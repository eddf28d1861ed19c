// Turning CSV records into the JSON a resource's create/update schema validates. Pure: no Hono, no D1.
import type * as v from 'valibot';
import { parseCsv, unguardCell } from './csv';
import type { FieldError } from './problem';

type AnySchema = v.GenericSchema & { type: string; wrapped?: AnySchema; pipe?: AnySchema[]; options?: unknown[] };

/** What a cell must become for the schema: the base type under optional/nullable/pipe wrappers. */
export function cellKind(schema: AnySchema): 'number' | 'boolean' | 'json' | 'text' {
  let s: AnySchema | undefined = schema;
  for (let depth = 0; s && depth < 8; depth++) {
    if (s.wrapped) s = s.wrapped;
    else if (s.type === 'pipe' || (s.pipe && s.pipe[0] !== s)) s = s.pipe?.[0];
    else break;
  }
  switch (s?.type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
    case 'object':
    case 'record':
    case 'strict_object':
    case 'loose_object':
    case 'tuple':
      return 'json';
    case 'picklist':
      return (s.options ?? []).every((o) => typeof o === 'number') ? 'number' : 'text';
    default:
      return 'text';
  }
}

const TRUE = new Set(['true', '1', 'yes', 'y', 'on']);
const FALSE = new Set(['false', '0', 'no', 'n', 'off']);

/**
 * A cell as the schema wants it. What cannot convert stays text, so the schema's own message names the field
 * ("must be a number"), exactly as a JSON client would see it.
 */
export function coerceCell(kind: ReturnType<typeof cellKind>, raw: string): unknown {
  const cell = unguardCell(raw);
  const t = cell.trim();
  if (kind === 'number') return t !== '' && Number.isFinite(Number(t)) ? Number(t) : cell;
  if (kind === 'boolean') return TRUE.has(t.toLowerCase()) ? true : FALSE.has(t.toLowerCase()) ? false : cell;
  if (kind === 'json') {
    try {
      return JSON.parse(t);
    } catch {
      // "a;b" for a list of tags is what people type in a spreadsheet
      return t
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean);
    }
  }
  return cell;
}

export interface CsvRow {
  /** 0-based among data rows: errors name `[index].field` like a bulk write */
  index: number;
  line: number;
  id: number | null;
  values: Record<string, unknown>;
}

export interface CsvTable {
  rows: CsvRow[];
  /** header columns that no field takes (computed columns of an export: rack_name, created_at, ...) */
  ignored: string[];
  errors: (FieldError & { line?: number })[];
}

/**
 * Read an import file against the fields a resource accepts. An `id` column marks rows that update an existing
 * object (empty id: create). An empty cell leaves the field out: the default on create, unchanged on update.
 */
export function readCsvTable(text: string, fields: Record<string, AnySchema>, maxRows: number): CsvTable {
  let records;
  try {
    records = parseCsv(text);
  } catch (e) {
    return { rows: [], ignored: [], errors: [{ field: '(body)', message: (e as Error).message }] };
  }
  if (records.length < 2) {
    return { rows: [], ignored: [], errors: [{ field: '(body)', message: 'needs a header row and at least one row' }] };
  }
  if (records.length - 1 > maxRows) {
    return {
      rows: [],
      ignored: [],
      errors: [{ field: '(body)', message: `an import takes at most ${maxRows} rows, got ${records.length - 1}` }],
    };
  }
  const header = records[0].cells.map((h) => h.trim());
  const errors: CsvTable['errors'] = [];
  const seen = new Set<string>();
  header.forEach((h, i) => {
    if (seen.has(h)) errors.push({ field: `header[${i}]`, message: `column "${h}" appears twice`, line: 1 });
    seen.add(h);
  });
  const ignored = header.filter((h) => h !== 'id' && !(h in fields));
  const kinds = new Map(header.filter((h) => h in fields).map((h) => [h, cellKind(fields[h])]));
  const rows = records.slice(1).map((rec, index): CsvRow => {
    if (rec.cells.length !== header.length) {
      errors.push({
        field: `[${index}]`,
        message: `has ${rec.cells.length} cells; the header has ${header.length}`,
        line: rec.line,
      });
    }
    const values: Record<string, unknown> = {};
    let id: number | null = null;
    header.forEach((h, c) => {
      const cell = rec.cells[c] ?? '';
      if (h === 'id') {
        if (cell.trim() === '') return;
        if (/^[1-9]\d{0,15}$/.test(cell.trim())) id = Number(cell.trim());
        else errors.push({ field: `[${index}].id`, message: 'must be a positive integer or empty', line: rec.line });
        return;
      }
      const kind = kinds.get(h);
      if (kind && cell !== '') values[h] = coerceCell(kind, cell);
    });
    return { index, line: rec.line, id, values };
  });
  return { rows, ignored, errors };
}
