const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * "500ms", "10s", "5m", "1h", "30d" (or a bare number of seconds; decimals allowed) in milliseconds, NaN when the
 * text is not a duration, so callers report the error in their own terms.
 */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$/i.exec(text);
  if (!m) return NaN;
  return Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? 's').toLowerCase()]);
}
