// `npm run -s ai:nab -- <data-dir> <out-dir>`: the rack objects' streaming detector (worker/ai/anomaly-detector.ts,
// this very module) run over every <data-dir>/**/<name>.csv (columns timestamp,value), one sample at a time, in
// order; writes <out-dir>/<same relative path> with timestamp,value,anomaly_score, one row per input row.
// Prints how many samples it scored and at what rate (bench/ai/nab-speed.mjs measures it against a baseline).
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { newState, update } from '../../worker/ai/anomaly-detector.ts';
import { TimestampReader, parseNumber, parseNumberBytes, writeScore } from './csv-fields.mjs';

function* csvFiles(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* csvFiles(path);
    else if (name.endsWith('.csv')) yield path;
  }
}

/**
 * Scores one file's rows as a stream, straight from the bytes to the bytes (no string per row: a million rows a
 * second needs that). Rows are "timestamp,value" echoed as they came, with the score appended.
 */
export function scoreCsv(bytes, detector = { newState, update }) {
  const firstEnd = bytes.indexOf(10);
  const headerEnd = firstEnd < 0 ? bytes.length : firstEnd;
  const header = bytes
    .toString('utf8', 0, headerEnd)
    .trim()
    .toLowerCase()
    .split(',')
    .map((h) => h.trim());
  const ti = header.indexOf('timestamp');
  const vi = header.indexOf('value');
  if (ti < 0 || vi < 0) return null;
  const state = detector.newState();
  const time = new TimestampReader();
  const out = Buffer.allocUnsafe(bytes.length * 2 + 64);
  let o = out.write('timestamp,value,anomaly_score\n');
  let rows = 0;
  let pos = headerEnd + 1;
  const len = bytes.length;
  const simple = ti === 0 && vi === 1 && header.length === 2;
  while (pos < len) {
    const start = pos;
    const rowAt = o;
    let comma = -1;
    let stop;
    let ts;
    let value;
    if (simple) {
      // one pass: the row is copied out while its comma and its end are found
      let c = 0;
      while (pos < len && (c = bytes[pos]) !== 10) {
        if (c === 44 && comma < 0) comma = pos;
        out[o++] = c;
        pos++;
      }
      stop = pos++;
      if (stop > start && bytes[stop - 1] === 13) {
        stop--;
        o--;
      }
      if (stop === start || comma < 0) {
        o = rowAt;
        continue;
      }
      ts = time.readBytes(bytes, start, comma);
      value = parseNumberBytes(bytes, comma + 1, stop);
    } else {
      let end = bytes.indexOf(10, pos);
      if (end < 0) end = len;
      stop = end > start && bytes[end - 1] === 13 ? end - 1 : end;
      pos = end + 1;
      if (stop === start) continue;
      const cols = bytes.toString('utf8', start, stop).split(',');
      ts = time.read(cols[ti]);
      value = parseNumber(cols[vi]);
      o += out.write(`${cols[ti]},${cols[vi]}`, o);
    }
    out[o++] = 44;
    o = writeScore(out, o, detector.update(state, ts, value));
    out[o++] = 10;
    rows++;
  }
  return { bytes: out.subarray(0, o), rows };
}

function main([dataDir, outDir]) {
  if (!dataDir || !outDir) {
    console.error('usage: npm run -s ai:nab -- <data-dir> <out-dir>');
    process.exit(2);
  }
  let samples = 0;
  let files = 0;
  let busyMs = 0;
  for (const file of csvFiles(dataDir)) {
    const input = readFileSync(file);
    const started = performance.now();
    const scored = scoreCsv(input);
    busyMs += performance.now() - started;
    if (!scored) {
      console.error(`${file}: no timestamp and value columns, skipped`);
      continue;
    }
    samples += scored.rows;
    files++;
    const target = join(outDir, relative(dataDir, file));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, scored.bytes);
  }
  const rate = busyMs > 0 ? Math.round((samples / busyMs) * 1000) : 0;
  console.error(
    `${files} files, ${samples} samples scored (${rate.toLocaleString('en-US')} samples/s, parsing included)`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
