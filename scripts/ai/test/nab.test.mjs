// The AI command lines through their real entry points (node --test, as `npm test` runs it): ai:nab writes one
// scored row per input row with the very scores the detector module gives, and the NAB scorer agrees with
// NAB's own per-file scores of its reference detectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newState, update } from '../../../worker/ai/anomaly-detector.ts';
import { parseTimestamp } from '../csv-fields.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const NAB = join(ROOT, '../shared/data/nab');

test('ai:nab scores every row of every CSV under the data dir, as the detector module does', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dcp-nab-'));
  mkdirSync(join(dir, 'in/sub'), { recursive: true });
  const rows = ['timestamp,value'];
  for (let i = 0; i < 600; i++) {
    const t = new Date(Date.UTC(2026, 0, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
    rows.push(`${t},${i === 450 ? 95 : 20 + (i % 7)}`);
  }
  writeFileSync(join(dir, 'in/sub/cpu.csv'), rows.join('\n') + '\n');
  // another layout: unix seconds, extra columns, CRLF
  writeFileSync(
    join(dir, 'in/other.csv'),
    'id,timestamp,host,value\r\n1,1767225600,a,1.5\r\n2,1767225900,a,1.5\r\n3,1767226200,a,2\r\n',
  );
  execFileSync(process.execPath, [join(ROOT, 'scripts/ai/nab.mjs'), join(dir, 'in'), join(dir, 'out')]);
  const out = readFileSync(join(dir, 'out/sub/cpu.csv'), 'utf8').trim().split('\n');
  assert.equal(out[0], 'timestamp,value,anomaly_score');
  assert.equal(out.length, rows.length);
  const s = newState();
  for (let i = 1; i < rows.length; i++) {
    const [t, v] = rows[i].split(',');
    const expected = update(s, parseTimestamp(t), Number(v));
    const [ot, ov, score] = out[i].split(',');
    assert.equal(`${ot},${ov}`, rows[i]);
    assert.ok(Math.abs(Number(score) - expected) <= 5e-7, `row ${i}: ${score} vs ${expected}`);
  }
  // the spike at row 450 is new ground
  assert.ok(Number(out[451].split(',')[2]) >= 0.5, out[451]);
  assert.deepEqual(readFileSync(join(dir, 'out/other.csv'), 'utf8').trim().split('\n'), [
    'timestamp,value,anomaly_score',
    '1767225600,1.5,0',
    '1767225900,1.5,0',
    '1767226200,2,0',
  ]);
});

test("the NAB scorer matches NAB's own per-file scores of HTM and windowed Gaussian", () => {
  const printed = execFileSync(process.execPath, [join(ROOT, 'bench/ai/nab-score.mjs'), '--validate', '--nab', NAB], {
    encoding: 'utf8',
  });
  const max = Number(/max per-file \|diff\|.*?: ([\d.e+-]+)/.exec(printed)?.[1]);
  assert.ok(max <= 0.5, printed.slice(-500));
});

test('ai:forecast prints timestamp,forecast,lower,upper for the horizon, and refuses a missing column', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dcp-forecast-'));
  const rows = ['timestamp,load,other'];
  for (let i = 0; i < 24 * 12 * 4; i++) {
    const ts = new Date(Date.UTC(2026, 0, 1) + i * 300_000).toISOString();
    rows.push(`${ts},${50 + 10 * Math.sin((2 * Math.PI * i) / 288)},1`);
  }
  writeFileSync(join(dir, 'load.csv'), rows.join('\n'));
  const out = execFileSync(
    process.execPath,
    [join(ROOT, 'scripts/ai/forecast.mjs'), join(dir, 'load.csv'), '--column', 'load', '--horizon', '12'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  )
    .trim()
    .split('\n');
  assert.equal(out[0], 'timestamp,forecast,lower,upper');
  assert.equal(out.length, 13);
  const [ts, f, lo, hi] = out[1].split(',');
  assert.equal(ts, new Date(Date.UTC(2026, 0, 1) + 24 * 12 * 4 * 300_000).toISOString());
  assert.ok(Number(lo) <= Number(f) && Number(f) <= Number(hi), out[1]);
  assert.ok(Math.abs(Number(f) - 50) < 1, `the next value of the sine starts the day again at 50: ${f}`);
  assert.throws(
    () =>
      execFileSync(
        process.execPath,
        [join(ROOT, 'scripts/ai/forecast.mjs'), join(dir, 'load.csv'), '--column', 'x', '--horizon', '3'],
        {
          stdio: 'pipe',
        },
      ),
    (e) => e.status === 2 && /no column "x"/.test(String(e.stderr)),
  );
});
