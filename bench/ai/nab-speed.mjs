// Speed of the streaming detector in the command line (`npm run -s ai:nab`): samples per second through the
// whole path (CSV bytes in, scored CSV bytes out), with the detector on and with it replaced by a constant (the
// path's own cost, measured in the same run because these machines are noisy), and the detector alone.
// Target (issue 11): ≥ 1 M samples/s per core in the command line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scoreCsv } from '../../scripts/ai/nab.mjs';
import { newState, update } from '../../worker/ai/anomaly-detector.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DATA = process.argv[2] ?? join(ROOT, '../shared/data/nab/data');
const REPEAT = Number(process.env.REPEAT ?? 15);

function* csvFiles(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* csvFiles(path);
    else if (name.endsWith('.csv')) yield path;
  }
}
const files = [...csvFiles(DATA)].map((f) => readFileSync(f));
const constant = { newState: () => null, update: () => 0 };

function pass(detector) {
  let rows = 0;
  const started = performance.now();
  for (let r = 0; r < REPEAT; r++) for (const bytes of files) rows += scoreCsv(bytes, detector).rows;
  return { rows, rate: rows / ((performance.now() - started) / 1000) };
}
function detectorAlone() {
  const series = files.map((bytes) =>
    bytes
      .toString('utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.slice(l.indexOf(',') + 1))),
  );
  let rows = 0;
  const started = performance.now();
  for (let r = 0; r < REPEAT; r++)
    for (const values of series) {
      const s = newState();
      for (let i = 0; i < values.length; i++) update(s, 1_400_000_000_000 + i * 300_000, values[i]);
      rows += values.length;
    }
  return rows / ((performance.now() - started) / 1000);
}

// warm both paths up first, then alternate, keeping each one's best of three
pass({ newState, update });
pass(constant);
const on = [];
const off = [];
for (let i = 0; i < 3; i++) {
  on.push(pass({ newState, update }).rate);
  off.push(pass(constant).rate);
}
const alone = Math.max(detectorAlone(), detectorAlone());
const fmt = (x) => `${(x / 1e6).toFixed(2)} M/s`;
const samples = files.reduce((n, b) => n + b.toString('latin1').split('\n').length - 2, 0) * REPEAT;
console.log(`samples per pass: ${samples.toLocaleString('en-US')} (${files.length} files × ${REPEAT})`);
console.log('path                                   samples/s');
console.log(`command line, detector on             ${fmt(Math.max(...on))}`);
console.log(`command line, detector replaced by 0  ${fmt(Math.max(...off))}   (the CSV path's own cost)`);
console.log(`detector alone                        ${fmt(alone)}`);
console.log(`on / off: ${(Math.max(...on) / Math.max(...off)).toFixed(2)}   target: ≥ 1.00 M/s on, per core`);
