// Sharing a host's cost among what runs on it, pure.

export interface Sized {
  id: number;
  cpu: number;
  mem: number;
}

/**
 * Each guest's share of its host: the mean of its share of the CPU and of the memory, each over the host's
 * capacity or, when the guests ask for more than the host has (overcommit), over what they ask for together.
 * What no guest takes stays with the host (unallocated capacity). A host of unknown size is shared in
 * proportion to what its guests ask for.
 */
export function guestShares(
  host: { cpu: number | null; mem: number | null },
  guests: readonly Sized[],
): Map<number, number> {
  const cpuAsked = guests.reduce((s, g) => s + g.cpu, 0);
  const memAsked = guests.reduce((s, g) => s + g.mem, 0);
  const cpuBase = Math.max(host.cpu ?? 0, cpuAsked);
  const memBase = Math.max(host.mem ?? 0, memAsked);
  const out = new Map<number, number>();
  for (const g of guests) {
    const cpu = cpuBase > 0 ? g.cpu / cpuBase : null;
    const mem = memBase > 0 ? g.mem / memBase : null;
    const parts = [cpu, mem].filter((x): x is number => x !== null);
    out.set(g.id, parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : 0);
  }
  return out;
}
