// `npm run -s ai:pack -- <file|dir>`: the Worker's one-dimensional bin-packing solver
// (worker/optimisation/packing) on benchmark instances. A file is either OR-Library (several instances, each
// named, with a best-known count) or BPPLIB (one instance: n, capacity, sizes); a directory means every .txt in
// it. Prints one JSON line per instance, `{"name": ..., "bins": [[item indices, 0-based in file order], ...]}`.
// --seed and --time-limit (ms per instance, default 1500) are passed to the solver; --verbose adds a line per
// instance on stderr (bins, lower bound, first-fit decreasing, time).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { InstanceFormatError, parseInstances } from '../../worker/optimisation/packing/instances.ts';
import { solveBinPacking } from '../../worker/optimisation/packing/index.ts';

const fail = (message) => {
  console.error(
    `ai:pack: ${message}\nusage: npm run -s ai:pack -- <file|directory> [--seed n] [--time-limit ms] [--verbose]`,
  );
  process.exit(2);
};
let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: { seed: { type: 'string' }, 'time-limit': { type: 'string' }, verbose: { type: 'boolean' } },
  });
} catch (e) {
  fail(e.message);
}
const [target, ...extra] = args.positionals;
if (!target) fail('a file or a directory of instances is required');
if (extra.length > 0) fail(`one file or directory at a time (also given: ${extra.join(' ')})`);
const seed = args.values.seed === undefined ? 1 : Number(args.values.seed);
if (!Number.isInteger(seed)) fail('--seed must be a whole number');
const timeLimitMs = args.values['time-limit'] === undefined ? 1500 : Number(args.values['time-limit']);
if (!(timeLimitMs > 0)) fail('--time-limit must be a positive number of milliseconds');

let files;
try {
  files = statSync(target).isDirectory()
    ? readdirSync(target)
        .filter((f) => f.toLowerCase().endsWith('.txt'))
        .sort()
        .map((f) => join(target, f))
    : [target];
} catch (e) {
  fail(`cannot read ${target}: ${e.code ?? e.message}`);
}
if (files.length === 0) fail(`${target} holds no .txt instance files`);

// parse everything before solving anything: a bad file fails fast, and stdout never holds half an answer
const instances = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    fail(`cannot read ${file}: ${e.code ?? e.message}`);
  }
  try {
    instances.push(...parseInstances(text, basename(file, extname(file))));
  } catch (e) {
    if (e instanceof InstanceFormatError) fail(`${file}: ${e.message}`);
    throw e;
  }
}

for (const instance of instances) {
  const started = performance.now();
  const result = solveBinPacking(instance.sizes, instance.capacity, { seed, timeLimitMs });
  const bins = result.bins.map((b) => [...b].sort((x, y) => x - y)).sort((a, b) => a[0] - b[0]);
  process.stdout.write(`${JSON.stringify({ name: instance.name, bins })}\n`);
  if (args.values.verbose)
    console.error(
      `${instance.name}: ${bins.length} bins (lower bound ${result.lowerBound}` +
        `${instance.bestKnown === undefined ? '' : `, best known ${instance.bestKnown}`}` +
        `, first-fit decreasing ${result.firstFitDecreasing}) in ${(performance.now() - started).toFixed(0)} ms`,
    );
}
