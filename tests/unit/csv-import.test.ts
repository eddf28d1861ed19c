import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { parseCsv, toCsv } from '../../worker/platform/http/csv';
import { cellKind, coerceCell, readCsvTable } from '../../worker/platform/http/csv-import';

describe('parseCsv (RFC 4180)', () => {
  it('reads what toCsv writes, quotes, doubled quotes and line breaks included', () => {
    const rows = [
      { id: 1, name: 'a,b', note: 'say "hi"' },
      { id: 2, name: 'two\nlines', note: null },
    ];
    const parsed = parseCsv(toCsv(['id', 'name', 'note'], rows));
    expect(parsed).toEqual([
      { line: 1, cells: ['id', 'name', 'note'] },
      { line: 2, cells: ['1', 'a,b', 'say "hi"'] },
      // the quoted line break makes the next record start one line later than its index suggests
      { line: 3, cells: ['2', 'two\nlines', ''] },
    ]);
  });

  it('takes LF endings, a byte-order mark, blank lines and a missing final newline', () => {
    expect(parseCsv('\ufeffa,b\n\n1,2\n3,4')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 3, cells: ['1', '2'] },
      { line: 4, cells: ['3', '4'] },
    ]);
  });

  it('names the line of an unterminated quote or of text after a closing quote', () => {
    expect(() => parseCsv('a\n"open\nstill')).toThrow(/line 2: a quoted cell is never closed/);
    expect(() => parseCsv('a,b\n"x"y,1')).toThrow(/line 2: text after a closing quote/);
  });
});

describe('cells to schema values', () => {
  const schema = v.object({
    name: v.string(),
    u: v.optional(v.pipe(v.number(), v.integer())),
    on: v.optional(v.boolean()),
    tags: v.optional(v.array(v.string())),
    vlan: v.optional(v.nullable(v.union([v.string(), v.number()]))),
  });

  it('finds the base type under optional, nullable and pipe', () => {
    const e = schema.entries as Record<string, any>;
    expect([cellKind(e.name), cellKind(e.u), cellKind(e.on), cellKind(e.tags), cellKind(e.vlan)]).toEqual([
      'text',
      'number',
      'boolean',
      'json',
      'text',
    ]);
  });

  it('converts what it can and leaves the rest for the schema to name', () => {
    expect(coerceCell('number', ' 42 ')).toBe(42);
    expect(coerceCell('number', 'forty')).toBe('forty');
    expect(coerceCell('boolean', 'Yes')).toBe(true);
    expect(coerceCell('boolean', '0')).toBe(false);
    expect(coerceCell('boolean', 'maybe')).toBe('maybe');
    expect(coerceCell('json', '["a","b"]')).toEqual(['a', 'b']);
    expect(coerceCell('json', 'a; b')).toEqual(['a', 'b']);
    // the export's formula guard comes off again
    expect(coerceCell('text', "'=cmd")).toBe('=cmd');
  });

  it('splits create rows from id rows, drops empty cells and lists unknown columns', () => {
    const t = readCsvTable('id,name,u,rack_name\n,web-1,3,R1\n7,,5,R1\n', schema.entries as never, 10);
    expect(t.errors).toEqual([]);
    expect(t.ignored).toEqual(['rack_name']);
    expect(t.rows).toEqual([
      { index: 0, line: 2, id: null, values: { name: 'web-1', u: 3 } },
      { index: 1, line: 3, id: 7, values: { u: 5 } },
    ]);
  });

  it('reports ragged rows, bad ids, duplicate headers and too many rows', () => {
    const t = readCsvTable('name,name,u\nx,y\n', schema.entries as never, 10);
    expect(t.errors.map((e) => e.field)).toEqual(['header[1]', '[0]']);
    expect(readCsvTable('id,name\nx1,a\n', schema.entries as never, 10).errors[0]).toMatchObject({
      field: '[0].id',
      line: 2,
    });
    expect(readCsvTable('name\na\nb\nc\n', schema.entries as never, 2).errors[0].message).toMatch(
      /at most 2 rows, got 3/,
    );
    expect(readCsvTable('name\n', schema.entries as never, 2).errors[0].message).toMatch(/header row and at least one/);
  });
});
