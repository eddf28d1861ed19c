import { IngestDecodeError, LABEL_NAME, METRIC_NAME, splitDeviceLabels, type ParsedSample } from '../samples';

// InfluxDB line protocol as Telegraf's outputs.http / outputs.influxdb send it:
//   measurement[,tag=value...] field=value[,field=value...] [timestamp]
// One sample per numeric field, named `${measurement}_${field}` (or just the measurement for a field called
// "value"), the way Telegraf's own Prometheus serializer names them.

export type InfluxPrecision = 'ns' | 'us' | 'ms' | 's';
export const INFLUX_PRECISIONS: readonly InfluxPrecision[] = ['ns', 'us', 'ms', 's'];

const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+i$/;
const UNSIGNED = /^\d+u$/;
const TIMESTAMP = /^-?\d{1,19}$/;
const BOOLEANS = new Map<string, number>([
  ...['t', 'T', 'true', 'True', 'TRUE'].map((s) => [s, 1] as const),
  ...['f', 'F', 'false', 'False', 'FALSE'].map((s) => [s, 0] as const),
]);

/** ns timestamps exceed 2^53, so the division happens on BigInt; floor, not truncate, for pre-1970 instants. */
function toMs(digits: string, precision: InfluxPrecision): number {
  const t = BigInt(digits);
  let ms: bigint;
  if (precision === 's') ms = t * 1000n;
  else if (precision === 'ms') ms = t;
  else {
    const d = precision === 'us' ? 1000n : 1_000_000n;
    ms = (t - (((t % d) + d) % d)) / d;
  }
  return Number(ms);
}

const sanitize = (s: string, invalid: RegExp) => s.replace(invalid, '_');

/** Reads up to an unescaped stop character; `\,` `\ ` `\=` are escapes, any other backslash is literal. */
function readToken(line: string, i: number, stops: string): [string, number] {
  let out = '';
  while (i < line.length) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length && ', ='.includes(line[i + 1])) {
      out += line[i + 1];
      i += 2;
      continue;
    }
    if (stops.includes(c)) break;
    out += c;
    i++;
  }
  return [out, i];
}

/** A double-quoted string field starting at `i` (on the quote); returns the index after the closing quote. */
function skipString(line: string, i: number): number {
  for (i++; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '"') return i + 1;
  }
  return -1;
}

export function parseInfluxLines(
  text: string,
  opts: { precision?: InfluxPrecision; now: number },
): { samples: ParsedSample[]; skipped: number } {
  const precision = opts.precision ?? 'ns';
  const samples: ParsedSample[] = [];
  let skipped = 0;
  const lines = text.split('\n');

  let n = 0;
  const fail: (message: string) => never = (message) => {
    throw new IngestDecodeError(message, `line ${n + 1}`);
  };

  for (; n < lines.length; n++) {
    const line = lines[n].trim();
    if (line === '' || line.startsWith('#')) continue;

    let [measurement, i] = readToken(line, 0, ', ');
    if (!measurement) fail('the line has no measurement name');

    const tags: Record<string, string> = {};
    while (line[i] === ',') {
      let key: string, value: string;
      [key, i] = readToken(line, i + 1, ',= ');
      if (line[i] !== '=') fail(`tag "${key}" has no value`);
      [value, i] = readToken(line, i + 1, ', ');
      if (!value) fail(`tag "${key}" has an empty value`);
      const label = sanitize(key, /[^a-zA-Z0-9_]/g);
      if (!LABEL_NAME.test(label) || label === '__name__') fail(`tag "${key}" is not a usable label name`);
      tags[label] = value;
    }
    if (line[i] !== ' ') fail('expected a space and fields after the measurement and tags');
    while (line[i] === ' ') i++;

    const fields: [string, number][] = [];
    for (;;) {
      let key: string;
      [key, i] = readToken(line, i, ',= ');
      if (!key) fail('expected a field name');
      if (line[i] !== '=') fail(`field "${key}" has no value`);
      i++;
      if (line[i] === '"') {
        i = skipString(line, i);
        if (i < 0) fail(`the string value of field "${key}" is not terminated`);
        skipped++;
      } else {
        const start = i;
        while (i < line.length && line[i] !== ',' && line[i] !== ' ') i++;
        fields.push([key, fieldValue(line.slice(start, i), key, fail)]);
      }
      if (line[i] !== ',') break;
      i++;
    }

    let ts = opts.now;
    const rest = line.slice(i).trim();
    if (rest) {
      if (!TIMESTAMP.test(rest)) fail(`"${rest}" is not a timestamp (an integer in ${precision})`);
      // a timestamp outside the accepted window is refused per sample later (ingest-service), not per request
      ts = toMs(rest, precision);
    }

    // Telegraf names the machine in "host"; it is the device unless a tag already says which server it is
    if (tags.host && !tags.server && !tags.serial && !tags.instance) {
      tags.instance = tags.host;
      delete tags.host;
    }
    const { device, labels } = splitDeviceLabels(tags);
    for (const [field, value] of fields) {
      const metric = sanitize(field === 'value' ? measurement : `${measurement}_${field}`, /[^a-zA-Z0-9_:]/g);
      if (!METRIC_NAME.test(metric)) fail(`"${metric}" (from measurement and field "${field}") is not a metric name`);
      samples.push({ device, metric, value, ts, labels: { ...labels } });
    }
  }
  return { samples, skipped };
}

function fieldValue(raw: string, key: string, fail: (message: string) => never): number {
  let value: number | undefined;
  if (INTEGER.test(raw) || UNSIGNED.test(raw)) value = Number(raw.slice(0, -1));
  else if (BOOLEANS.has(raw)) value = BOOLEANS.get(raw);
  else if (FLOAT.test(raw)) value = Number(raw);
  // 1e999 is valid syntax for +Inf: refused per sample later (non_finite_value), not per request
  if (value === undefined) return fail(`field "${key}" has an invalid value "${raw}"`);
  return value;
}
