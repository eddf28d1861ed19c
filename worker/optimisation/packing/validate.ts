// The check every packing the solver returns can be held to, used by the tests and the benchmark: a wrong
// packing that looks good is worse than a poor one.
import { tolerance } from './fit.ts';

/** Problems with a packing of items 0..n−1 (empty when it is valid): items missing, repeated, unknown, bins over. */
export function packingProblems(
  sizes: readonly number[],
  capacity: number,
  bins: readonly (readonly number[])[],
): string[] {
  const problems: string[] = [];
  const seen = new Uint8Array(sizes.length);
  bins.forEach((bin, b) => {
    let load = 0;
    for (const i of bin) {
      if (!Number.isInteger(i) || i < 0 || i >= sizes.length) {
        problems.push(`bin ${b} holds unknown item ${i}`);
        continue;
      }
      if (seen[i]) problems.push(`item ${i} is packed more than once`);
      seen[i] = 1;
      load += sizes[i] as number;
    }
    if (load > capacity + tolerance(capacity)) problems.push(`bin ${b} holds ${load}, over the capacity ${capacity}`);
    if (bin.length === 0) problems.push(`bin ${b} is empty`);
  });
  seen.forEach((s, i) => {
    if (!s) problems.push(`item ${i} is not packed`);
  });
  return problems;
}
