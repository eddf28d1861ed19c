// `npm run -s ai:disk -- <csv>`: the disk failure risk the Worker computes (worker/ai/disk-risk.ts, this very
// module, with its checked-in model) for every row of a Backblaze drive-stats CSV (serial_number, and any of
// smart_<id>_raw / smart_<id>_normalized; other columns, `failure` included, are ignored). Prints
// `serial_number,risk,at_risk`, one row per input row, as the file streams (a quarter's file is millions of rows).
import { createReadStream, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { COUNTERS, diskRisk } from '../../worker/ai/disk-risk.ts';
import { parseNumber } from './csv-fields.mjs';

const COLUMN = /^smart_(\d{1,3})_(raw|normali[sz]ed)$/;

/** Splits one CSV line; the rare quoted field ("a, b" or "say ""x""") is read as RFC 4180 has it. */
export function splitCsvLine(line) {
  if (!line.includes('"')) return line.split(',');
  const out = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (line[i + 1] === '"') field += line[++i];
      else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

export class DiskCsvError extends Error {}

/**
 * The drives of a Backblaze drive-stats CSV, streamed in batches (one per chunk of the file): arrays of
 * `{ serial, model, date, failure, attrs }`, one per data row; a column the file lacks is undefined. attrs as
 * worker/ai/disk-risk.ts takes them, empty cells left out, and only attributes in `ids` when given (a sparse
 * object per row is the main cost of a big file). Throws DiskCsvError for a file that cannot be read or has no
 * serial_number column. Quoted fields are read, but not one that spans lines (Backblaze writes none).
 */
export async function* readDrives(file, { ids } = {}) {
  try {
    if (!statSync(file).isFile()) throw new DiskCsvError(`${file} is not a file`);
  } catch (e) {
    if (e instanceof DiskCsvError) throw e;
    throw new DiskCsvError(`cannot read ${file}: ${e.code ?? e.message}`);
  }
  let columns;
  let si = -1;
  let mi = -1;
  let di = -1;
  let fi = -1;
  const parse = (raw, batch) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!columns) {
      const header = splitCsvLine(line.replace(/^\uFEFF/, '')).map((h) => h.trim().toLowerCase());
      si = header.indexOf('serial_number');
      if (si < 0) throw new DiskCsvError(`${file} has no serial_number column (columns: ${header.join(', ')})`);
      mi = header.indexOf('model');
      fi = header.indexOf('failure');
      di = header.indexOf('date');
      columns = header.flatMap((h, i) => {
        const m = COLUMN.exec(h);
        const id = m ? Number(m[1]) : NaN;
        if (!m || (ids && !ids.includes(id))) return [];
        return [{ i, id, field: m[2] === 'raw' ? 'raw' : 'normalized' }];
      });
      return;
    }
    if (line === '') return;
    const cells = splitCsvLine(line);
    const attrs = {};
    for (const { i, id, field } of columns) {
      const text = cells[i];
      if (text === undefined || text === '') continue;
      const v = parseNumber(text.trim());
      if (Number.isFinite(v)) (attrs[id] ??= {})[field] = v;
    }
    const failure = fi >= 0 ? Number(cells[fi]) : undefined;
    batch.push({
      serial: cells[si] ?? '',
      model: mi >= 0 ? cells[mi] : undefined,
      date: di >= 0 ? cells[di] : undefined,
      failure,
      attrs,
    });
  };
  let rest = '';
  const chunks = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })[Symbol.asyncIterator]();
  for (;;) {
    let next;
    try {
      next = await chunks.next();
    } catch (e) {
      throw new DiskCsvError(`cannot read ${file}: ${e.code ?? e.message}`);
    }
    if (next.done) break;
    const lines = (rest + next.value).split('\n');
    rest = lines.pop();
    const batch = [];
    for (const line of lines) parse(line, batch);
    yield batch;
  }
  const batch = [];
  if (rest !== '') parse(rest, batch);
  if (!columns) throw new DiskCsvError(`${file} is empty`);
  yield batch;
}

/** A CSV field as written: quoted when it holds a comma, a quote or a line break. */
const csvField = (s) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

async function main([file]) {
  if (!file) {
    console.error('usage: npm run -s ai:disk -- <drive-stats.csv>');
    process.exit(2);
  }
  // a reader that stops early (`| head`) is not an error
  process.stdout.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 1));
  const ids = COUNTERS.map((c) => c.id);
  let started = false;
  try {
    for await (const batch of readDrives(file, { ids })) {
      let out = started ? '' : 'serial_number,risk,at_risk\n';
      started = true;
      for (const d of batch) {
        const r = diskRisk(d.attrs);
        out += `${csvField(d.serial)},${r.risk.toFixed(4)},${r.at_risk}\n`;
      }
      // wait when the reader is slower than the file (a pipe, a slow disk)
      if (!process.stdout.write(out)) await new Promise((ok) => process.stdout.once('drain', ok));
    }
  } catch (e) {
    if (!(e instanceof DiskCsvError)) throw e;
    console.error(`ai:disk: ${e.message}`);
    process.exit(2);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
