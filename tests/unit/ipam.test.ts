// IPAM arithmetic: parsing and canonical forms, the fixed-width keys, sizes, free addresses and blocks, and
// NetBox's utilisation. Numbers hand-checked in comments.
import { describe, expect, it } from 'vitest';
import {
  contains,
  containsAddress,
  keyOf,
  parseAddress,
  parseInterfaceAddress,
  parsePrefix,
  valueOfKey,
  type Prefix,
} from '../../worker/ipam/cidr';
import {
  allocatableRange,
  freeBlocks,
  nextFree,
  percent,
  size,
  usableCount,
  utilisation,
} from '../../worker/ipam/space';

const prefix = (text: string): Prefix => {
  const r = parsePrefix(text);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};
const addr = (text: string) => {
  const r = parseAddress(text);
  if (!r.ok) throw new Error(r.message);
  return r.value.value;
};
describe('parsePrefix', () => {
  it('stores the canonical form of either family', () => {
    expect(prefix('10.0.0.0/24').text).toBe('10.0.0.0/24');
    expect(prefix(' 2001:DB8:0:0::/64 ').text).toBe('2001:db8::/64');
    expect(prefix('2001:0db8:0000:0000:0000:0000:0000:0000/32').text).toBe('2001:db8::/32');
    expect(prefix('0.0.0.0/0')).toMatchObject({ family: 4, length: 0, network: 0n, broadcast: 0xffffffffn });
    // an IPv4-mapped IPv6 prefix is the IPv4 prefix it spells: ::ffff:10.0.0.0/120 = 10.0.0.0/24
    expect(prefix('::ffff:10.0.0.0/120').text).toBe('10.0.0.0/24');
  });

  it('names the network meant when host bits are set', () => {
    expect(parsePrefix('10.0.0.1/24')).toEqual({
      ok: false,
      message: '10.0.0.1/24 is not a network address; did you mean 10.0.0.0/24?',
    });
    expect(parsePrefix('2001:db8::1/64')).toEqual({
      ok: false,
      message: '2001:db8::1/64 is not a network address; did you mean 2001:db8::/64?',
    });
  });

  it('refuses what is not a prefix', () => {
    for (const bad of [
      '10.0.0.0',
      '10.0.0.0/33',
      '2001:db8::/129',
      '10.0.0/24',
      '10.0.0.0/-1',
      'fe80::1%eth0/64',
      'x/8',
    ]) {
      expect(parsePrefix(bad).ok, bad).toBe(false);
    }
  });
});

describe('addresses and keys', () => {
  it('parses strict dotted quads and IPv6, canonical (RFC 5952)', () => {
    expect(parseAddress('2001:DB8::0:1')).toMatchObject({ ok: true, value: { family: 6, text: '2001:db8::1' } });
    expect(parseAddress('10.1').ok).toBe(false);
    expect(parseAddress('0x0a.0.0.1').ok).toBe(false);
    expect(parseAddress('::ffff:192.0.2.1')).toMatchObject({ ok: true, value: { family: 4, text: '192.0.2.1' } });
  });

  it('takes an interface address with or without a mask', () => {
    expect(parseInterfaceAddress('10.0.0.5/24')).toMatchObject({ ok: true, value: { text: '10.0.0.5', length: 24 } });
    expect(parseInterfaceAddress('10.0.0.5')).toMatchObject({ ok: true, value: { length: null } });
    expect(parseInterfaceAddress('10.0.0.5/40').ok).toBe(false);
  });

  it('keys are 32 hex digits; IPv4 sits in ::ffff:0:0/96, so keys never collide across families', () => {
    // 10.0.0.1 = 0x0a000001 -> 00000000 00000000 0000ffff 0a000001
    expect(keyOf(4, addr('10.0.0.1'))).toBe('00000000000000000000ffff0a000001');
    // ::a00:1 is another address with the same low bits
    expect(keyOf(6, addr('::a00:1'))).toBe('0000000000000000000000000a000001');
    expect(keyOf(6, addr('2001:db8::1'))).toBe('20010db8000000000000000000000001');
    expect(valueOfKey('00000000000000000000ffff0a000001')).toEqual({ family: 4, value: 0x0a000001n });
    // string order is address order
    expect(keyOf(4, addr('10.0.0.9')) < keyOf(4, addr('10.0.0.10'))).toBe(true);
  });

  it('containment', () => {
    expect(contains(prefix('10.0.0.0/8'), prefix('10.1.0.0/16'))).toBe(true);
    expect(contains(prefix('10.1.0.0/16'), prefix('10.0.0.0/8'))).toBe(false);
    expect(containsAddress(prefix('10.0.0.0/24'), { family: 4, value: addr('10.0.0.255') })).toBe(true);
    expect(containsAddress(prefix('10.0.0.0/24'), { family: 4, value: addr('10.0.1.0') })).toBe(false);
  });
});

describe('sizes', () => {
  it('counts addresses and usable hosts like NetBox', () => {
    expect(size(4, 24)).toBe(256n);
    // /24: 256 - network - broadcast = 254
    expect(usableCount({ family: 4, length: 24 })).toBe(254n);
    // RFC 3021: both addresses of a /31 are hosts; a /32 is one host
    expect(usableCount({ family: 4, length: 31 })).toBe(2n);
    expect(usableCount({ family: 4, length: 32 })).toBe(1n);
    // a pool uses network and broadcast too
    expect(usableCount({ family: 4, length: 24 }, true)).toBe(256n);
    // IPv6 counts every address: a /64 is 2^64 = 18446744073709551616
    expect(usableCount({ family: 6, length: 64 })).toBe(18_446_744_073_709_551_616n);
    expect(size(6, 0)).toBe(1n << 128n);
  });
});

describe('nextFree', () => {
  it('skips the IPv4 network and broadcast addresses and the taken ones', () => {
    const p = prefix('10.0.0.0/29'); // .0 network, .1-.6 hosts, .7 broadcast
    expect(allocatableRange(p)).toEqual({ first: addr('10.0.0.1'), last: addr('10.0.0.6') });
    const used = [addr('10.0.0.1'), addr('10.0.0.2'), addr('10.0.0.4')];
    expect(nextFree(p, used, 3)).toEqual([addr('10.0.0.3'), addr('10.0.0.5'), addr('10.0.0.6')]);
    // only 3 hosts left: asking for 10 gives 3
    expect(nextFree(p, used, 10)).toHaveLength(3);
  });

  it('is empty when the prefix is full', () => {
    const p = prefix('192.0.2.0/30'); // hosts .1 and .2
    expect(nextFree(p, [addr('192.0.2.1'), addr('192.0.2.2')], 5)).toEqual([]);
  });

  it('hands out both addresses of a /31 and the one of a /32', () => {
    expect(nextFree(prefix('10.0.0.0/31'), [], 5)).toEqual([addr('10.0.0.0'), addr('10.0.0.1')]);
    expect(nextFree(prefix('10.0.0.7/32'), [], 5)).toEqual([addr('10.0.0.7')]);
  });

  it('starts an IPv6 prefix after its Subnet-Router anycast address: 2001:db8::/64 -> ::1, ::2', () => {
    const p = prefix('2001:db8::/64');
    expect(nextFree(p, [], 2)).toEqual([addr('2001:db8::1'), addr('2001:db8::2')]);
    expect(nextFree(p, [addr('2001:db8::1')], 1)).toEqual([addr('2001:db8::2')]);
    // a /127 point-to-point link uses both
    expect(nextFree(prefix('2001:db8::/127'), [], 5)).toEqual([addr('2001:db8::'), addr('2001:db8::1')]);
  });

  it('a pool also hands out network and broadcast', () => {
    expect(nextFree(prefix('10.0.0.0/30'), [], 5, true)).toHaveLength(4);
  });
});

describe('freeBlocks', () => {
  it('returns the gaps as the largest aligned blocks', () => {
    // 10.0.0.0/24 with .0/26 and .128/27 taken: free .64/26, .160/27, .192/26
    const blocks = freeBlocks(prefix('10.0.0.0/24'), [prefix('10.0.0.128/27'), prefix('10.0.0.0/26')], 10);
    expect(blocks.map((b) => b.text)).toEqual(['10.0.0.64/26', '10.0.0.160/27', '10.0.0.192/26']);
  });

  it('splits an unaligned gap; nested children count once', () => {
    // /24 with .0/25 and, inside it, .0/26: free is .128/25 only
    expect(
      freeBlocks(prefix('10.0.0.0/24'), [prefix('10.0.0.0/25'), prefix('10.0.0.0/26')], 10).map((b) => b.text),
    ).toEqual(['10.0.0.128/25']);
    // /24 with .64/26 taken: .0/26, then .128/25 (aligned)
    expect(freeBlocks(prefix('10.0.0.0/24'), [prefix('10.0.0.64/26')], 10).map((b) => b.text)).toEqual([
      '10.0.0.0/26',
      '10.0.0.128/25',
    ]);
    expect(freeBlocks(prefix('2001:db8::/32'), [], 10).map((b) => b.text)).toEqual(['2001:db8::/32']);
  });
});

describe('utilisation', () => {
  it('a network prefix: addresses over usable hosts', () => {
    // 3 / 254 = 1.1811 % -> 1.18
    expect(utilisation({ ...prefix('10.0.0.0/24'), status: 'active' }, { addresses: 3, children: [] })).toBe(1.18);
    // /31 with one address: 1 / 2 = 50 %
    expect(utilisation({ ...prefix('10.0.0.0/31'), status: 'active' }, { addresses: 1, children: [] })).toBe(50);
    // 2 addresses in a /64: 2 / 2^64 rounds to 0
    expect(utilisation({ ...prefix('2001:db8::/64'), status: 'active' }, { addresses: 2, children: [] })).toBe(0);
  });

  it('a container: the share its child prefixes cover, overlaps once', () => {
    // /16 with a /24 and a /23: (256 + 512) / 65536 = 1.171875 % -> 1.17
    const c = { ...prefix('10.0.0.0/16'), status: 'container' };
    expect(utilisation(c, { addresses: 0, children: [prefix('10.0.0.0/24'), prefix('10.0.2.0/23')] })).toBe(1.17);
    // a /17 and a /24 inside it: 50 %
    expect(utilisation(c, { addresses: 99, children: [prefix('10.0.0.0/17'), prefix('10.0.1.0/24')] })).toBe(50);
  });

  it('percent rounds half up to two decimals from exact integers', () => {
    expect(percent(1n, 3n)).toBe(33.33);
    expect(percent(2n, 3n)).toBe(66.67);
    expect(percent(5n, 0n)).toBe(0);
  });
});
