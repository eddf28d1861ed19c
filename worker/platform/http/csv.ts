// RFC 4180 CSV for list exports. Pure: no Hono, no D1.

/** The most rows one export returns; the UI says so, and X-Total-Count tells how many matched. */
export const CSV_MAX_ROWS = 10_000;

// A spreadsheet runs a cell starting with one of these as a formula (CSV injection): prefix it with a quote.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header row of `columns`, then one line per row, CRLF-terminated (RFC 4180). */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

export interface CsvRecord {
  /** the line of the file the record starts on (the header is line 1) */
  line: number;
  cells: string[];
}

/**
 * Parse RFC 4180 CSV (what toCsv writes, and what spreadsheets save): quoted cells may hold commas, quotes ("")
 * and line breaks; CRLF or LF; a leading byte-order mark is dropped; blank lines are skipped. Throws a
 * SyntaxError naming the line of an unterminated quote or of text after a closing quote.
 */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let start = 1;
  let i = 0;
  let quotedCell = false;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '' || quotedCell) records.push({ line: start, cells });
    cells = [];
    cell = '';
    quotedCell = false;
  };
  while (i < src.length) {
    const ch = src[i];
    if (ch === '"' && cell === '' && !quotedCell) {
      quotedCell = true;
      const open = line;
      i++;
      for (;;) {
        if (i >= src.length) throw new SyntaxError(`line ${open}: a quoted cell is never closed`);
        if (src[i] === '"') {
          if (src[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (src[i] === '\n') line++;
        cell += src[i++];
      }
      if (i < src.length && !/[,\r\n]/.test(src[i])) {
        throw new SyntaxError(`line ${line}: text after a closing quote`);
      }
      continue;
    }
    if (ch === ',') {
      cells.push(cell);
      cell = '';
      quotedCell = false;
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      line++;
      start = line;
    } else {
      cell += ch;
      i++;
    }
  }
  if (cell !== '' || cells.length || quotedCell) endRecord();
  return records;
}

/** Undo the export's formula guard: toCsv writes `'=cmd` for a text starting with = + - @, tab or CR. */
export const unguardCell = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);
