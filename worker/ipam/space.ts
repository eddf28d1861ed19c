import { BITS, formatAddress, prefixOf, type Family, type Prefix } from './cidr';

// Sizes, free addresses, free blocks and utilisation of a prefix, with NetBox's rules. Pure: unit-tested as is.

export const size = (family: Family, length: number): bigint => 1n << BigInt(BITS[family] - length);

/** An IPv4 /31 or /32 (RFC 3021) and a pool have no network or broadcast address to leave out. */
const wholeRange = (p: Pick<Prefix, 'family' | 'length'>, isPool: boolean) =>
  p.family === 6 || isPool || p.length >= 31;

/**
 * Hosts an address can be given to, the denominator of utilisation: IPv4 leaves out the network and broadcast
 * addresses (not in a /31, /32 or pool); IPv6 counts every address, as NetBox does.
 */
export const usableCount = (p: Pick<Prefix, 'family' | 'length'>, isPool = false): bigint =>
  wholeRange(p, isPool) ? size(p.family, p.length) : size(p.family, p.length) - 2n;

/**
 * The range `nextFree` hands out: IPv4 without network and broadcast (as above); IPv6 without the network
 * address, the Subnet-Router anycast of RFC 4291 (except a /127 or /128), so 2001:db8::/64 starts at ::1.
 */
export function allocatableRange(p: Prefix, isPool = false): { first: bigint; last: bigint } {
  if (p.family === 6) return { first: p.length >= 127 ? p.network : p.network + 1n, last: p.broadcast };
  return wholeRange(p, isPool)
    ? { first: p.network, last: p.broadcast }
    : { first: p.network + 1n, last: p.broadcast - 1n };
}

/** Whether an address of `p` is its IPv4 network or broadcast address, which no interface may take. */
export const isReservedEdge = (p: Prefix, value: bigint, isPool = false): boolean =>
  !wholeRange(p, isPool) && (value === p.network || value === p.broadcast);

/**
 * The first `limit` free addresses of `p`, in order. `used` holds the taken addresses inside it, sorted
 * ascending. A container hands out addresses like any prefix (child prefixes are not skipped): allocate from
 * the child meant for them.
 */
export function nextFree(p: Prefix, used: readonly bigint[], limit: number, isPool = false): bigint[] {
  const { first, last } = allocatableRange(p, isPool);
  const out: bigint[] = [];
  let i = 0;
  for (let a = first; a <= last && out.length < limit; a++) {
    while (i < used.length && used[i]! < a) i++;
    if (i < used.length && used[i] === a) continue;
    out.push(a);
  }
  return out;
}

/**
 * Free blocks of `p` not covered by `children` (any depth; sorted or not), each the largest aligned CIDR block
 * that fits, in address order, at most `limit` of them.
 */
export function freeBlocks(
  p: Prefix,
  children: readonly { network: bigint; broadcast: bigint }[],
  limit: number,
): Prefix[] {
  const sorted = [...children].sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : 0));
  const gaps: [bigint, bigint][] = [];
  let cursor = p.network;
  for (const c of sorted) {
    if (c.network > cursor) gaps.push([cursor, c.network - 1n]);
    if (c.broadcast + 1n > cursor) cursor = c.broadcast + 1n;
  }
  if (cursor <= p.broadcast) gaps.push([cursor, p.broadcast]);
  const out: Prefix[] = [];
  for (const [start, end] of gaps) {
    let a = start;
    while (a <= end && out.length < limit) {
      // the largest block aligned at `a` that ends inside the gap
      let length = p.length;
      while (length < BITS[p.family] && (a & (size(p.family, length) - 1n)) !== 0n) length++;
      while (a + size(p.family, length) - 1n > end) length++;
      out.push(prefixOf(p.family, a, length));
      a += size(p.family, length);
    }
  }
  return out;
}

/** Per cent to two decimals, from exact BigInt counts (an IPv6 /64 overflows a double's integers). */
export function percent(part: bigint, whole: bigint): number {
  if (whole <= 0n) return 0;
  return Number((part * 10_000n + whole / 2n) / whole) / 100;
}

/**
 * NetBox's utilisation: a container is used by the space its child prefixes cover (overlaps counted once); any
 * other prefix by its addresses over its usable hosts.
 */
export function utilisation(
  p: Prefix & { status: string; isPool?: boolean },
  content: { addresses: number; children: readonly { network: bigint; broadcast: bigint }[] },
): number {
  if (p.status === 'container') {
    const free = freeBlocks(p, content.children, Number.MAX_SAFE_INTEGER).reduce(
      (n, b) => n + size(b.family, b.length),
      0n,
    );
    return percent(size(p.family, p.length) - free, size(p.family, p.length));
  }
  return percent(BigInt(content.addresses), usableCount(p, p.isPool));
}

export const addressText = (family: Family, value: bigint) => formatAddress(family, value);
