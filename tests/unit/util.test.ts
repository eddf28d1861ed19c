// The shared utilities (util/): one seeded generator, one concurrency limiter, one duration parser.
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../util/duration';
import { mapLimit } from '../../util/map-limit';
import { mulberry32 } from '../../util/random';

describe('mulberry32', () => {
  it('gives the reference sequence (seed 1 starts 0.6270739405881613)', () => {
    const r = mulberry32(1);
    expect([r.next(), r.next(), r.next()].map((x) => Math.floor(x * 2 ** 32))).toEqual([
      2693262067, 11749833, 2265367787,
    ]);
    expect(mulberry32(1).next()).toBeCloseTo(0.6270739405881613, 15);
  });

  it('int, pick and chance stay in range and repeat with the seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const ints = Array.from({ length: 1000 }, () => a.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    expect(Array.from({ length: 1000 }, () => b.int(3, 5))).toEqual(ints);
    expect(['x', 'y']).toContain(a.pick(['x', 'y']));
    expect(a.chance(0)).toBe(false);
    expect(a.chance(1)).toBe(true);
  });
});

describe('mapLimit', () => {
  it('keeps the order of the items and never has more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n, i) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight--;
      return n * 10 + i;
    });
    expect(out).toEqual([50, 11, 42, 23, 34]);
    expect(most).toBe(2);
  });

  it('handles no items and rejects with the first error', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
    await expect(
      mapLimit([1, 2, 3], 2, async (n) => {
        if (n === 2) throw new Error('two');
        return n;
      }),
    ).rejects.toThrow('two');
  });
});

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['10s', 10_000],
    ['5', 5_000],
    ['1.5m', 90_000],
    ['5min', 300_000],
    ['2h', 7_200_000],
    ['30d', 2_592_000_000],
    [' 1H ', 3_600_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '-1h', '1w', '1h30m', '1e3s'])('"%s" is not a duration (NaN)', (text) =>
    expect(parseDuration(text)).toBeNaN(),
  );
});
