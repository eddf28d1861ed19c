/**
 * Interface-name ranges, as people type them when a 48-port switch arrives: `Ethernet1/1-48`,
 * `Ethernet[1-2]/[1-24]`, `xe-0/0/[00-47]`, several terms separated by commas. Pure (the UI previews with it).
 */

export const MAX_RANGE_NAMES = 1000;

export type RangeResult = { ok: true; names: string[] } | { ok: false; error: string };

const BRACKET = /\[(\d+)-(\d+)\]/;
// a bare range at the end: "Ethernet1/1-48" (the last number before the dash starts it)
const TRAILING = /^(.*?)(\d+)-(\d+)$/;

function span(from: string, to: string): string[] | string {
  const a = Number(from);
  const b = Number(to);
  if (b < a) return `range ${from}-${to} runs backwards`;
  if (b - a + 1 > MAX_RANGE_NAMES) return `range ${from}-${to} gives more than ${MAX_RANGE_NAMES} names`;
  // a leading zero asks for fixed width: [01-48] gives 01 … 48
  const width = from.length > 1 && from.startsWith('0') ? from.length : 0;
  return Array.from({ length: b - a + 1 }, (_, i) => String(a + i).padStart(width, '0'));
}

function expandTerm(term: string): string[] | string {
  const m = BRACKET.exec(term);
  if (m) {
    const values = span(m[1]!, m[2]!);
    if (typeof values === 'string') return values;
    const out: string[] = [];
    for (const val of values) {
      const rest = expandTerm(term.slice(0, m.index) + val + term.slice(m.index + m[0].length));
      if (typeof rest === 'string') return rest;
      out.push(...rest);
      if (out.length > MAX_RANGE_NAMES) return `gives more than ${MAX_RANGE_NAMES} names`;
    }
    return out;
  }
  const t = TRAILING.exec(term);
  if (!t) return [term];
  const values = span(t[2]!, t[3]!);
  return typeof values === 'string' ? values : values.map((val) => t[1] + val);
}

/** The names a pattern stands for, in order, without duplicates; or why it cannot be expanded. */
export function expandPortRange(pattern: string): RangeResult {
  const terms = pattern
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!terms.length) return { ok: false, error: 'is required' };
  const names: string[] = [];
  const seen = new Set<string>();
  for (const term of terms) {
    const got = expandTerm(term);
    if (typeof got === 'string') return { ok: false, error: `${term}: ${got}` };
    for (const n of got) {
      const key = n.toLowerCase();
      if (seen.has(key)) return { ok: false, error: `${n} appears twice` };
      seen.add(key);
      names.push(n);
    }
    if (names.length > MAX_RANGE_NAMES) return { ok: false, error: `gives more than ${MAX_RANGE_NAMES} names` };
  }
  return { ok: true, names };
}
