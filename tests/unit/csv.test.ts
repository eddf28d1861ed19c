import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../worker/platform/http/csv';

describe('CSV (RFC 4180)', () => {
  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(' padded ')).toBe('" padded "');
  });

  it('guards text that a spreadsheet would run as a formula, but not numbers', () => {
    expect(csvCell('=SUM(A1:A2)')).toBe("'=SUM(A1:A2)");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    expect(csvCell(-2)).toBe('-2');
  });

  it('writes null as empty, booleans as words and arrays as JSON', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(['ISO 27001', 'SOC 2'])).toBe('"[""ISO 27001"",""SOC 2""]"');
  });

  it('a header row, then one CRLF line per row in column order', () => {
    expect(toCsv(['id', 'name'], [{ name: 'a', id: 1 }, { id: 2 }])).toBe('id,name\r\n1,a\r\n2,\r\n');
  });
});
