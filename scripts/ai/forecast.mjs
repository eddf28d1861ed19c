// `npm run -s ai:forecast -- <csv> --column <name> --horizon <n>`: the forecasting module the cron and the API run
// (worker/ai/forecast.ts) on one column of a CSV with a `timestamp` column (unix seconds or ISO 8601). Prints
// `timestamp,forecast,lower,upper` (a 90 % interval) for the next n steps; the step is the series' median spacing,
// the season one day of steps. The methods its backtest picked (the mean of the best three) go to stderr.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { forecast } from '../../worker/ai/forecast.ts';
import { parseTimestamp } from './csv-fields.mjs';

const fail = (message) => {
  console.error(`ai:forecast: ${message}\nusage: npm run -s ai:forecast -- <csv> --column <name> --horizon <n>`);
  process.exit(2);
};
let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: { column: { type: 'string' }, horizon: { type: 'string' } },
  });
} catch (e) {
  fail(e.message);
}
const [file] = args.positionals;
const { column } = args.values;
const horizon = Number(args.values.horizon);
if (!file || !column) fail('a CSV file and --column are required');
if (!Number.isInteger(horizon) || horizon < 1 || horizon > 100_000)
  fail('--horizon must be a whole number from 1 to 100000');

let text;
try {
  text = readFileSync(file, 'utf8');
} catch (e) {
  fail(`cannot read ${file}: ${e.code ?? e.message}`);
}
const lines = text.trim().split(/\r?\n/);
const header = lines[0].split(',').map((h) => h.trim());
const ti = header.findIndex((h) => h.toLowerCase() === 'timestamp');
const ci = header.indexOf(column);
if (ti < 0) fail(`${file} has no timestamp column`);
if (ci < 0) fail(`${file} has no column "${column}" (columns: ${header.join(', ')})`);
const rows = lines
  .slice(1)
  .map((l) => l.split(','))
  .map((c) => ({ ts: parseTimestamp(c[ti]), value: Number(c[ci]) }))
  .filter((r) => Number.isFinite(r.ts) && Number.isFinite(r.value))
  .sort((a, b) => a.ts - b.ts);
if (rows.length < 10) fail(`${rows.length} usable rows: at least 10 are needed`);
const gaps = rows
  .slice(1)
  .map((r, i) => r.ts - rows[i].ts)
  .sort((a, b) => a - b);
const step = gaps[gaps.length >> 1];
if (!(step > 0)) fail('the timestamps do not advance');
const period = Math.max(2, Math.round(86_400_000 / step));
const f = forecast(
  rows.map((r) => r.value),
  horizon,
  period,
);
const unix = /^\d+(\.\d+)?$/.test(lines[1].split(',')[ti].trim());
const last = rows[rows.length - 1].ts;
const out = ['timestamp,forecast,lower,upper'];
f.points.forEach((p, i) => {
  const ts = last + (i + 1) * step;
  out.push(`${unix ? Math.round(ts / 1000) : new Date(ts).toISOString()},${p.forecast},${p.lower},${p.upper}`);
});
console.log(out.join('\n'));
console.error(
  `method ${f.method}${f.members.length > 1 ? ` of ${f.members.join(', ')}` : ''}` +
    ` (season ${f.period} steps of ${step / 1000} s); backtest MASE: ` +
    Object.entries(f.backtest)
      .map(([m, v]) => `${m} ${v.toFixed(2)}`)
      .join(', '),
);
