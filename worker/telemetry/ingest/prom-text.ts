import {
  DEVICE_LABELS,
  IngestDecodeError,
  LABEL_NAME,
  METRIC_NAME,
  splitDeviceLabels,
  type ParsedSample,
} from '../samples';

// Prometheus text exposition format 0.0.4, as pushed by node_exporter textfile jobs, Pushgateway-style scripts and
// `curl --data-binary @metrics.prom`. Every sample line becomes one sample under its own name (`foo_bucket`,
// `foo_sum`), so histograms and summaries need no special casing.

const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF = /^[+-]?inf(?:inity)?$/i;
const INT = /^-?\d+$/;
const isDeviceLabel = (k: string) => (DEVICE_LABELS as readonly string[]).includes(k);

/** Go's ParseFloat spellings that exporters actually emit; undefined when `s` is not a number. */
function parseValue(s: string): number | undefined {
  if (FLOAT.test(s)) return Number(s);
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (INF.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

const isSpace = (c: string) => c === ' ' || c === '\t';

export function parsePromText(
  text: string,
  opts: { now: number; extraLabels?: Record<string, string> },
): { samples: ParsedSample[]; skipped: number } {
  const extra = Object.entries(opts.extraLabels ?? {}).filter(([, v]) => v !== '');
  for (const [k] of extra) {
    if (!LABEL_NAME.test(k) || k === '__name__') {
      throw new IngestDecodeError(`"${k}" is not a valid label name`, `query.${k}`);
    }
  }
  const samples: ParsedSample[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');

  let n = 0;
  const fail: (message: string) => never = (message) => {
    throw new IngestDecodeError(message, `line ${n + 1}`);
  };

  for (; n < lines.length; n++) {
    let line = lines[n];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    let i = 0;
    while (i < line.length && isSpace(line[i])) i++;
    if (i === line.length) continue;
    if (line[i] === '#') {
      checkComment(line.slice(i + 1), fail);
      continue;
    }

    const nameStart = i;
    while (i < line.length && line[i] !== '{' && !isSpace(line[i])) i++;
    const name = line.slice(nameStart, i);
    if (!METRIC_NAME.test(name)) fail(`"${name}" is not a valid metric name`);

    const body: Record<string, string> = {};
    if (line[i] === '{') {
      i++;
      for (;;) {
        while (isSpace(line[i])) i++;
        if (i >= line.length) fail('the label set is not closed with "}"');
        if (line[i] === '}') break;
        const keyStart = i;
        while (i < line.length && line[i] !== '=' && !isSpace(line[i]) && line[i] !== '}' && line[i] !== ',') i++;
        const key = line.slice(keyStart, i);
        if (!LABEL_NAME.test(key)) fail(`"${key}" is not a valid label name`);
        if (key === '__name__') fail('the label __name__ is reserved');
        if (key in body) fail(`label "${key}" appears twice`);
        while (isSpace(line[i])) i++;
        if (line[i++] !== '=') fail(`expected "=" after label "${key}"`);
        while (isSpace(line[i])) i++;
        if (line[i++] !== '"') fail(`expected a quoted value for label "${key}"`);
        const close = line.indexOf('"', i);
        let value: string;
        if (close >= 0 && !line.slice(i, close).includes('\\')) {
          // the common case: no escapes, so the value is the text up to the next quote
          value = line.slice(i, close);
          i = close + 1;
        } else {
          [value, i] = unescapeValue(line, i, key, fail);
        }
        body[key] = value;
        while (isSpace(line[i])) i++;
        if (line[i] === ',') i++;
        else if (line[i] !== '}') fail(`expected "," or "}" after label "${key}"`);
      }
      i++;
    }

    const rest = line
      .slice(i)
      .trim()
      .split(/[ \t]+/);
    if (rest[0] === '') fail(`sample "${name}" has no value`);
    if (rest.length > 2) fail(`unexpected text after the timestamp: "${rest.slice(2).join(' ')}"`);
    const value = parseValue(rest[0]);
    if (value === undefined) fail(`"${rest[0]}" is not a number`);
    let ts = opts.now;
    if (rest.length === 2) {
      if (!INT.test(rest[1])) fail(`"${rest[1]}" is not a timestamp in milliseconds`);
      // how far from now it may be is the accepted window's business (ingest-service), per sample
      ts = Number(rest[1]);
    }

    // an empty label value is the same as no label; URL labels pin the device, body labels are more specific
    const all: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (v !== '') all[k] = v;
    for (const [k, v] of extra) if (isDeviceLabel(k) || !(k in all)) all[k] = v;

    // label names cannot contain "=", and the length prefix delimits the value: no two series share a key
    let key = name;
    for (const k of Object.keys(all).sort()) key += `,${k}=${all[k].length}:${all[k]}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) fail(`duplicate series: the same metric and labels as line ${earlier}`);
    seen.set(key, n + 1);

    const { device, labels } = splitDeviceLabels(all);
    samples.push({ device, metric: name, value, ts, labels });
  }
  // the text format has no stale markers: every line is a sample, a comment or an error
  return { samples, skipped: 0 };
}

/** `# HELP name text` and `# TYPE name type` must be well-formed; anything else after `#` is a free comment. */
function checkComment(comment: string, fail: (message: string) => never): void {
  const parts = comment.trim().split(/[ \t]+/);
  if (parts[0] !== 'HELP' && parts[0] !== 'TYPE') return;
  if (!METRIC_NAME.test(parts[1] ?? '')) fail(`# ${parts[0]} needs a valid metric name`);
  if (parts[0] === 'TYPE' && !TYPES.has(parts[2] ?? '')) {
    fail(`# TYPE ${parts[1]} must be one of counter, gauge, histogram, summary, untyped`);
  }
}

/** A label value with backslash escapes, from just after its opening quote; returns the index after the closing one. */
function unescapeValue(line: string, i: number, key: string, fail: (message: string) => never): [string, number] {
  let value = '';
  for (;;) {
    if (i >= line.length) fail(`the value of label "${key}" is not terminated`);
    const c = line[i++];
    if (c === '"') return [value, i];
    if (c !== '\\') {
      value += c;
      continue;
    }
    const e = line[i++];
    if (e === undefined) fail(`the value of label "${key}" is not terminated`);
    // \\ \" \n are the format's escapes; any other backslash is kept, as Prometheus does
    value += e === 'n' ? '\n' : e === '\\' || e === '"' ? e : `\\${e}`;
  }
}
