/**
 * CVSS v3.0/v3.1 base score from a vector string, by the specification's formula (FIRST, CVSS v3.1 Specification,
 * section 7.1 and Appendix A for Roundup). Temporal and environmental metrics are ignored: a feed's vector is a
 * base vector.
 */

const W = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;
const PR = { U: { N: 0.85, L: 0.62, H: 0.27 }, C: { N: 0.85, L: 0.68, H: 0.5 } } as const;

/** The specification's Roundup: the smallest one-decimal number >= x, immune to floating-point noise. */
export function roundUp(x: number): number {
  const i = Math.round(x * 100_000);
  return i % 10_000 === 0 ? i / 100_000 : (Math.floor(i / 10_000) + 1) / 10;
}

/** The base score, or null for a vector that is not a complete CVSS v3 base vector. */
export function cvss3BaseScore(vector: string): number | null {
  const m = /^CVSS:3\.[01]\/(.+)$/.exec(vector.trim());
  if (!m) return null;
  const parts = new Map(m[1].split('/').map((p) => p.split(':') as [string, string]));
  const pick = <T extends Record<string, number>>(table: T, key: string): number | undefined =>
    table[parts.get(key) as keyof T];
  const scope = parts.get('S');
  if (scope !== 'U' && scope !== 'C') return null;
  const av = pick(W.AV, 'AV');
  const ac = pick(W.AC, 'AC');
  const ui = pick(W.UI, 'UI');
  const pr = pick(PR[scope], 'PR');
  const [c, i, a] = ['C', 'I', 'A'].map((k) => pick(W.CIA, k));
  if ([av, ac, ui, pr, c, i, a].some((x) => x === undefined)) return null;
  const iss = 1 - (1 - c!) * (1 - i!) * (1 - a!);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
  const exploitability = 8.22 * av! * ac! * pr! * ui!;
  if (impact <= 0) return 0;
  return scope === 'U'
    ? roundUp(Math.min(impact + exploitability, 10))
    : roundUp(Math.min(1.08 * (impact + exploitability), 10));
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The qualitative rating of the specification (section 5). */
export function severityOf(score: number | null): Severity {
  if (score === null) return 'unknown';
  if (score === 0) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}

/** A feed's own word for severity (OSV database_specific.severity, GHSA's "MODERATE"). */
export function severityWord(word: unknown): Severity | null {
  if (typeof word !== 'string') return null;
  const w = word.trim().toLowerCase();
  if (w === 'moderate') return 'medium';
  return (SEVERITIES as readonly string[]).includes(w) ? (w as Severity) : null;
}
