import ipaddr from 'ipaddr.js';

// Addresses as BigInt, and the fixed-width keys SQL orders and compares. No Hono, no D1: unit-tested as is.

export type Family = 4 | 6;
export type Result<T> = { ok: true; value: T } | { ok: false; message: string };

export const BITS: Record<Family, number> = { 4: 32, 6: 128 };

/**
 * IPv4 keys sit in ::ffff:0:0/96, where IPv6 writes an IPv4 address, so one 32-digit key space holds both families
 * without two rows sharing a key; IPv6 input inside that block is taken as the IPv4 address it spells.
 */
const V4_MAPPED = 0xffff_0000_0000n;

export interface Address {
  family: Family;
  value: bigint;
  /** canonical text: dotted quad, or RFC 5952 */
  text: string;
}

export interface Prefix {
  family: Family;
  length: number;
  network: bigint;
  broadcast: bigint;
  /** canonical network/length */
  text: string;
}

export const keyOf = (family: Family, value: bigint): string =>
  (family === 4 ? V4_MAPPED + value : value).toString(16).padStart(32, '0');

export function valueOfKey(key: string): { family: Family; value: bigint } {
  const n = BigInt(`0x${key}`);
  return n >> 32n === 0xffffn ? { family: 4, value: n - V4_MAPPED } : { family: 6, value: n };
}

const bytesToBig = (bytes: number[]) => bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);

function bigToBytes(value: bigint, family: Family): number[] {
  const out: number[] = [];
  for (let i = BITS[family] / 8 - 1; i >= 0; i--) out.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return out;
}

export function formatAddress(family: Family, value: bigint): string {
  const ip = ipaddr.fromByteArray(bigToBytes(value, family));
  return ip.kind() === 'ipv6' ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString();
}

export const hostMask = (family: Family, length: number) => (1n << BigInt(BITS[family] - length)) - 1n;

/** An address without a mask: strict dotted quads (no `10.1` or hex shorthands), IPv6 without a zone id. */
export function parseAddress(raw: string): Result<Address> {
  const text = raw.trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    const value = bytesToBig(ipaddr.IPv4.parse(text).toByteArray());
    return { ok: true, value: { family: 4, value, text: formatAddress(4, value) } };
  }
  if (ipaddr.IPv6.isValid(text) && !text.includes('%')) {
    const ip = ipaddr.IPv6.parse(text);
    if (ip.isIPv4MappedAddress()) return parseAddress(ip.toIPv4Address().toString());
    const value = bytesToBig(ip.toByteArray());
    return { ok: true, value: { family: 6, value, text: formatAddress(6, value) } };
  }
  return { ok: false, message: `"${text}" is not an IPv4 or IPv6 address` };
}

function parseLength(raw: string, family: Family): number | null {
  if (!/^\d{1,3}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= BITS[family] ? n : null;
}

export function prefixOf(family: Family, network: bigint, length: number): Prefix {
  const broadcast = network | hostMask(family, length);
  return { family, length, network, broadcast, text: `${formatAddress(family, network)}/${length}` };
}

/** `10.0.0.0/24`, `2001:db8::/64`; host bits set is an error that says which network was meant. */
export function parsePrefix(raw: string): Result<Prefix> {
  const text = raw.trim();
  const slash = text.indexOf('/');
  if (slash < 0) return { ok: false, message: `"${text}" needs a length, like 10.0.0.0/24 or 2001:db8::/64` };
  const addr = parseAddress(text.slice(0, slash));
  if (!addr.ok) return addr;
  const { family, value } = addr.value;
  // an IPv4-mapped IPv6 prefix is rebased on the IPv4 length
  const given = text.slice(slash + 1);
  const mapped = family === 4 && !ipaddr.IPv4.isValidFourPartDecimal(text.slice(0, slash));
  const length = parseLength(mapped ? String(Number(given) - 96) : given, family);
  if (length === null || (mapped && Number(given) < 96)) {
    return { ok: false, message: `"${given}" is not a prefix length for IPv${family} (0 to ${BITS[family]})` };
  }
  const network = value & ~hostMask(family, length) & hostMask(family, 0);
  const prefix = prefixOf(family, network, length);
  if (network !== value) {
    return {
      ok: false,
      message: `${addr.value.text}/${length} is not a network address; did you mean ${prefix.text}?`,
    };
  }
  return { ok: true, value: prefix };
}

/** An interface address as NetBox takes it: `10.0.0.5/24`, or `10.0.0.5` with the mask left to the caller. */
export function parseInterfaceAddress(raw: string): Result<Address & { length: number | null }> {
  const text = raw.trim();
  const slash = text.indexOf('/');
  const addr = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!addr.ok) return addr;
  if (slash < 0) return { ok: true, value: { ...addr.value, length: null } };
  const given = text.slice(slash + 1);
  const length = parseLength(given, addr.value.family);
  if (length === null) {
    return {
      ok: false,
      message: `"${given}" is not a mask length for IPv${addr.value.family} (0 to ${BITS[addr.value.family]})`,
    };
  }
  return { ok: true, value: { ...addr.value, length } };
}

export const contains = (outer: Prefix, inner: { family: Family; network: bigint; broadcast: bigint }): boolean =>
  outer.family === inner.family && outer.network <= inner.network && inner.broadcast <= outer.broadcast;

export const containsAddress = (p: Prefix, a: { family: Family; value: bigint }): boolean =>
  p.family === a.family && p.network <= a.value && a.value <= p.broadcast;
