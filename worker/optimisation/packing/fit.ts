// Sizes are usually integers, but a caller may pass fractions (GB of RAM as 0.5, say), and sums of fractions drift
// by an ulp or two: a bin filled to exactly its capacity must still count as fitting, and a bound computed as
// 2.0000000000000004 bins must still be 2.

/** Slack allowed over a capacity: far below any real size difference, far above rounding error. */
export const tolerance = (capacity: number): number => capacity * 1e-9;

/** ceil(x / capacity) that ignores rounding noise. */
export const binsFor = (x: number, capacity: number): number => Math.max(0, Math.ceil(x / capacity - 1e-9));

/** Item indices by size, largest first; ties by index so every run orders them the same way. */
export function bySizeDescending(sizes: readonly number[], items: readonly number[]): number[] {
  return [...items].sort((a, b) => (sizes[b] as number) - (sizes[a] as number) || a - b);
}

export const loadOf = (sizes: readonly number[], bin: readonly number[]): number =>
  bin.reduce((s, i) => s + (sizes[i] as number), 0);
