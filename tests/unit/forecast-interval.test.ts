// The forecast's 90 % interval from its backtest errors (worker/ai/forecast-interval.ts), on errors small enough
// to follow by hand.
import { describe, expect, it } from 'vitest';
import { conformalInterval, leadScale, percentile } from '../../worker/ai/forecast-interval';

describe('percentile', () => {
  it('is the nearest-rank quantile, found without sorting', () => {
    const a = () => Float64Array.from([5, 1, 4, 2, 3, 3]);
    // ranks 0..5 of 1, 2, 3, 3, 4, 5: q = 0.5 → round(2.5) = 3 → 3; q = 0.9 → round(4.5) = 5 → 5
    expect(percentile(a(), 0)).toBe(1);
    expect(percentile(a(), 0.05)).toBe(1);
    expect(percentile(a(), 0.5)).toBe(3);
    expect(percentile(a(), 0.7)).toBe(4);
    expect(percentile(a(), 0.9)).toBe(5);
    expect(percentile(a(), 1)).toBe(5);
    expect(percentile(new Float64Array(0), 0.5)).toBe(0);
  });
});

describe('leadScale', () => {
  it('is the mean |error| at each lead, smoothed over neighbours and never falling', () => {
    // |errors| per lead over the two origins: (1 + 3) / 2 = 2, (4 + 2) / 2 = 3, (2 + 0) / 2 = 1
    const errors = [
      [1, -4, 2],
      [-3, 2, 0],
    ];
    // no smoothing: 2, 3, then 1 held up to 3
    expect(leadScale(errors, 0, 0)).toEqual([2, 3, 3]);
    // ±1 lead: (2 + 3) / 2 = 2.5, (2 + 3 + 1) / 3 = 2 held up to 2.5, (3 + 1) / 2 = 2 held up to 2.5
    expect(leadScale(errors, 1, 0)).toEqual([2.5, 2.5, 2.5]);
  });
});

describe('conformalInterval', () => {
  it('scales the percentiles by the typical error, widened by 1 + 1/origins, growing as √lead beyond', () => {
    // two origins, errors ±1 at every lead: typical error 1, scaled errors four −1 and four +1; the 5th and 95th
    // percentiles −1 and 1, the 90th of the sizes 1: (−1 − 1) / 2 × (1 + 1/2) = −1.5, and +1.5
    const band = conformalInterval(
      [
        [1, 1, 1, 1],
        [-1, -1, -1, -1],
      ],
      8,
      10,
    );
    for (let i = 0; i < 4; i++) {
      expect(band.lower[i]).toBeCloseTo(-1.5, 12);
      expect(band.upper[i]).toBeCloseTo(1.5, 12);
    }
    // step 8 is twice the backtest's lead of 4: the typical error grows by √2
    expect(band.upper[7]).toBeCloseTo(1.5 * Math.SQRT2, 12);
    expect(band.lower[7]).toBeCloseTo(-1.5 * Math.SQRT2, 12);
  });

  it('keeps half of a one-sided lean, and the forecast inside the interval', () => {
    // every error +2 (the forecast was always 2 too low): typical error 2, scaled errors all 1; the 5th
    // percentile (1) is held at 0, so lower = (0 − 1) / 2 × 1.5 × 2 = −1.5 and upper = (1 + 1) / 2 × 1.5 × 2 = 3
    const band = conformalInterval(
      [
        [2, 2],
        [2, 2],
      ],
      2,
      10,
    );
    expect(band.lower).toEqual([-1.5, -1.5]);
    expect(band.upper).toEqual([3, 3]);
  });

  it('without a backtest, ±2 × the fallback scale growing as √lead', () => {
    const band = conformalInterval([], 4, 3);
    expect(band.lower).toEqual([-6, -6 * Math.SQRT2, -6 * Math.sqrt(3), -12]);
    expect(band.upper).toEqual([6, 6 * Math.SQRT2, 6 * Math.sqrt(3), 12]);
  });
});
