// The decomposition forecast (worker/ai/forecast-decomposition.ts) on series small enough to follow by hand.
import { describe, expect, it } from 'vitest';
import { decomposition } from '../../worker/ai/forecast-decomposition';

describe('decomposition', () => {
  it('gives an exactly periodic series back', () => {
    const y = [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4];
    const f = decomposition(y, 6, 4, { periods: 2, weekly: null, revert: false });
    f.forEach((v, i) => expect(v).toBeCloseTo([1, 2, 3, 4][i % 4]!, 12));
  });

  it('keeps the latest level, or lets it drift back to the mean over a season', () => {
    // season 2, the last two seasons [0, 0] and [4, 4]: a flat profile around a mean of 2; the level (α = 1 at
    // two samples a season) is the last value, 4
    const y = [0, 0, 0, 0, 4, 4];
    expect(decomposition(y, 3, 2, { periods: 2, weekly: null, revert: false })).toEqual([4, 4, 4]);
    // reverting: 2 + (4 − 2) e^(−(i + 1) / 2)
    const r = decomposition(y, 3, 2, { periods: 2, weekly: null, revert: true });
    [1, 2, 3].forEach((k, i) => expect(r[i]).toBeCloseTo(2 + 2 * Math.exp(-k / 2), 12));
  });

  it('adds a day-of-week offset once two weeks are there to learn it from', () => {
    // "days" of 2 samples, "weeks" of 2 days: quiet days of 10 and busy days of 20. The daily profile is flat
    // (15, 15); the offsets are 10 − 15 = −5 and +5; the level, the last value less its offset, 20 − 5 = 15
    const y = [10, 10, 20, 20, 10, 10, 20, 20];
    expect(decomposition(y, 6, 2, { periods: 4, weekly: 4, revert: false })).toEqual([10, 10, 20, 20, 10, 10]);
    // without the weekly offsets the level is the last value, on a flat profile
    expect(decomposition(y, 2, 2, { periods: 4, weekly: null, revert: false })).toEqual([20, 20]);
  });

  it('falls back to the last value under one season', () => {
    expect(decomposition([3, 5], 2, 4, { periods: 7, weekly: null, revert: true })).toEqual([5, 5]);
  });
});
