// ai:pack through its real entry point: one JSON line per instance with every item in exactly one bin and no bin
// over capacity, for both file formats and for a directory, on hand-made and shared Falkenauer instances; exit
// code 2 with a reason for input it cannot read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(ROOT, 'scripts/ai/pack.mjs');
const SHARED = join(ROOT, '../shared/data/binpack');
const run = (...args) =>
  execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const lines = (out) =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
const tmp = () => mkdtempSync(join(tmpdir(), 'dcp-pack-'));

/** The packing is valid for these sizes: keys are exactly name and bins, every item once, no bin over. */
function assertValid(result, sizes, capacity) {
  assert.deepEqual(Object.keys(result), ['name', 'bins']);
  const seen = result.bins.flat().sort((a, b) => a - b);
  assert.deepEqual(
    seen,
    sizes.map((_, i) => i),
  );
  for (const bin of result.bins) {
    assert.ok(bin.length > 0);
    const load = bin.reduce((s, i) => s + sizes[i], 0);
    assert.ok(load <= capacity + 1e-9, `bin ${JSON.stringify(bin)} holds ${load} > ${capacity}`);
  }
}

test('OR-Library format: every instance in the file, by name, packed validly and optimally when small', () => {
  const file = join(tmp(), 'two.txt');
  // u_a: 60 60 60 45 45 45 needs 5 bins (L2); t_b: two exact triples in 100 (one decimal, as binpack5-8 have)
  const a = [60, 60, 60, 45, 45, 45];
  const b = [44.6, 30.2, 25.2, 40, 35.5, 24.5];
  writeFileSync(file, ` 2\n u_a \n 100 6 5\n${a.join('\n')}\n t_b\n 100.0 6 2\n${b.join('\n')}\n`);
  const [ra, rb] = lines(run(file));
  assert.equal(ra.name, 'u_a');
  assertValid(ra, a, 100);
  assert.equal(ra.bins.length, 5);
  assert.equal(rb.name, 't_b');
  assertValid(rb, b, 100);
  assert.equal(rb.bins.length, 2);
});

test('BPPLIB format: one instance named after its file; a directory runs every .txt in name order', () => {
  const dir = tmp();
  // three triples summing to 1000 each; first-fit decreasing would need 4 bins
  const sizes = [440, 360, 200, 430, 370, 200, 420, 380, 200];
  writeFileSync(join(dir, 'b_trip.txt'), `${sizes.length}\n1000\n${sizes.join('\n')}\n`);
  writeFileSync(join(dir, 'a_small.txt'), '3\r\n10\r\n5\r\n5\r\n9\r\n');
  writeFileSync(join(dir, 'notes.csv'), 'not,an,instance\n');
  const [one] = lines(run(join(dir, 'b_trip.txt')));
  assert.equal(one.name, 'b_trip');
  assertValid(one, sizes, 1000);
  assert.equal(one.bins.length, 3);
  const all = lines(run(dir));
  assert.deepEqual(
    all.map((r) => r.name),
    ['a_small', 'b_trip'],
  );
  assertValid(all[0], [5, 5, 9], 10);
  assert.equal(all[0].bins.length, 2);
});

test('the shared sets: u120 at or under the best-known counts, a triplet file at n/3', () => {
  const u120 = lines(run(join(SHARED, 'falkenauer_u120.txt')));
  assert.equal(u120.length, 20);
  // the best-known counts, from the file's "capacity n best" lines
  const tokens = readFileSync(join(SHARED, 'falkenauer_u120.txt'), 'utf8')
    .split(/\s+/)
    .filter((t) => t !== '');
  let at = 1;
  let total = 0;
  let best = 0;
  for (const r of u120) {
    assert.equal(tokens[at], r.name);
    const [capacity, n, bestKnown] = tokens.slice(at + 1, at + 4).map(Number);
    assertValid(r, tokens.slice(at + 4, at + 4 + n).map(Number), capacity);
    total += r.bins.length;
    best += bestKnown;
    at += 4 + n;
  }
  assert.ok(total <= best, `${total} bins against ${best} best known`);

  const [t] = lines(run(join(SHARED, 'triplets120/Falkenauer_t120_03.txt')));
  assert.equal(t.name, 'Falkenauer_t120_03');
  assert.equal(t.bins.length, 40);
});

test('ai:pack: unreadable or malformed input is exit code 2 with the reason, and nothing on stdout', () => {
  const dir = tmp();
  const fails = (args, pattern) =>
    assert.throws(
      () => run(...args),
      (e) => e.status === 2 && pattern.test(String(e.stderr)) && e.stdout === '',
    );
  fails([join(dir, 'nope.txt')], /cannot read .*nope\.txt: ENOENT/);
  mkdirSync(join(dir, 'empty'));
  fails([join(dir, 'empty')], /holds no \.txt instance files/);
  writeFileSync(join(dir, 'word.txt'), '3\n10\n5\nfive\n9\n');
  fails([join(dir, 'word.txt')], /word\.txt: expected .*item 2 of 3, found "five"/);
  writeFileSync(join(dir, 'big.txt'), '2\n10\n5\n11\n');
  fails([join(dir, 'big.txt')], /item 2 \(11\) is larger than the capacity \(10\)/);
  writeFileSync(join(dir, 'short.txt'), '1\n u_x\n 150 3 1\n 20\n 30\n');
  fails([join(dir, 'short.txt')], /the file ends where u_x: item 3 of 3 should be/);
  writeFileSync(join(dir, 'long.txt'), '2\n10\n5\n5\n5\n');
  fails([join(dir, 'long.txt')], /2 items were announced but more follow/);
  writeFileSync(join(dir, 'blank.txt'), '  \n');
  fails([join(dir, 'blank.txt')], /the file is empty/);
  fails([], /usage/);
  fails([join(dir, 'big.txt'), '--seed', 'x'], /--seed must be a whole number/);
});
