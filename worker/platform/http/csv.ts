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
