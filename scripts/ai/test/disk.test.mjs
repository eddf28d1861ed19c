// ai:disk through its real entry point: one `serial_number,risk,at_risk` row per input row with the very risk the
// module gives, whatever SMART columns the file has, and exit code 2 with a reason for a file it cannot read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diskRisk } from '../../../worker/ai/disk-risk.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(ROOT, 'scripts/ai/disk.mjs');
const run = (file) =>
  execFileSync(process.execPath, [CLI, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('ai:disk prints serial_number,risk,at_risk for every row, as the module scores it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dcp-disk-'));
  const file = join(dir, 'drives.csv');
  // raw and normalised columns, one missing cell, no failure column, a quoted serial, CRLF
  writeFileSync(
    file,
    [
      'date,serial_number,model,capacity_bytes,smart_5_raw,smart_5_normalized,smart_187_raw,smart_197_raw,smart_198_raw',
      '2026-01-01,HEALTHY1,ST8000NM0055,8001563222016,0,100,0,0,0',
      '2026-01-01,FAILING1,ST8000NM0055,8001563222016,3120,92,41,264,264',
      '2026-01-01,NOSMART,ST8000NM0055,8001563222016,,,,,',
      '2026-01-01,"ODD,1",ST8000NM0055,8001563222016,8,100,0,0,0',
    ].join('\r\n') + '\r\n',
  );
  const out = run(file).trim().split('\n');
  assert.equal(out[0], 'serial_number,risk,at_risk');
  assert.equal(out.length, 5);
  const rows = out.slice(1).map((l) => /^(.*),([\d.]+),(true|false)$/.exec(l));
  rows.forEach((m, i) => assert.ok(m && /^\d\.\d{4}$/.test(m[2]), out[i + 1]));
  assert.deepEqual(
    rows.map((m) => m[1]),
    ['HEALTHY1', 'FAILING1', 'NOSMART', '"ODD,1"'],
  );
  const [healthy, failing, none, odd] = rows;
  assert.equal(healthy[3], 'false');
  assert.equal(failing[3], 'true');
  assert.ok(Number(failing[2]) > 0.5, failing[0]);
  assert.equal(none[3], 'false');
  const expected = diskRisk({ 5: { raw: 8, normalized: 100 }, 187: { raw: 0 }, 197: { raw: 0 }, 198: { raw: 0 } });
  assert.equal(odd[2], expected.risk.toFixed(4));
  assert.equal(odd[3], String(expected.at_risk));
});

test('ai:disk reads normalised-only files, and ignores a failure column', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dcp-disk-'));
  const file = join(dir, 'norm.csv');
  writeFileSync(file, 'serial_number,failure,smart_5_normalized,smart_187_normalized\nA,1,100,100\nB,0,100,80\n');
  assert.deepEqual(
    run(file)
      .trim()
      .split('\n')
      .map((l) => l.split(',')[2]),
    ['at_risk', 'false', 'true'],
  );
});

test('ai:disk: a missing file or no serial_number column is exit code 2 with the reason', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dcp-disk-'));
  assert.throws(
    () => run(join(dir, 'nope.csv')),
    (e) => e.status === 2 && /cannot read .*nope\.csv: ENOENT/.test(String(e.stderr)) && e.stdout === '',
  );
  const file = join(dir, 'noserial.csv');
  writeFileSync(file, 'date,model,smart_5_raw\n2026-01-01,X,8\n');
  assert.throws(
    () => run(file),
    (e) => e.status === 2 && /no serial_number column/.test(String(e.stderr)) && e.stdout === '',
  );
  assert.throws(
    () => execFileSync(process.execPath, [CLI], { stdio: 'pipe' }),
    (e) => e.status === 2 && /usage/.test(String(e.stderr)),
  );
});
