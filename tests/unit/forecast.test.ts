// Forecasting (worker/ai/forecast.ts): each method on series whose forecast is known by hand, the backtest's
// origins, and the forecast averaging the best methods and giving an interval.
import { describe, expect, it } from 'vitest';
import { backtest } from '../../worker/ai/backtest';
import {
  backtestPlan,
  forecast,
  holtWinters,
  naiveScale,
  seasonalMean,
  seasonalMedian,
  seasonalNaive,
  theta,
} from '../../worker/ai/forecast';

describe('methods', () => {
  it('seasonal naive repeats the last period', () => {
    expect(seasonalNaive([1, 2, 3, 4, 5, 6], 4, 3)).toEqual([4, 5, 6, 4]);
  });

  it('seasonal mean averages each slot over k periods and follows half the latest level shift', () => {
    // profile [2, 3, 4] (mean 3); the last period's mean is 4: shift (4 − 3) / 2 = 0.5
    expect(seasonalMean([1, 2, 3, 3, 4, 5], 4, 3, 2)).toEqual([2.5, 3.5, 4.5, 2.5]);
  });

  it('seasonal median takes each slot from the middle of the last k periods, so an odd day moves nothing', () => {
    // a leading sample the five periods do not reach, then days [1,2,3], [100,100,100], [2,3,4], [1,2,3], [3,4,5]:
    // slot 0 sorted 1,1,2,3,100 → 2; slot 1 2,2,3,4,100 → 3; slot 2 3,3,4,5,100 → 4 (the mean would say 21.4)
    const y = [999, 1, 2, 3, 100, 100, 100, 2, 3, 4, 1, 2, 3, 3, 4, 5];
    expect(seasonalMedian(y, 4, 3, 5)).toEqual([2, 3, 4, 2]);
    // the last four periods: an even count, the mean of the middle two (slot 0: 1,2,3,100 → 2.5)
    expect(seasonalMedian(y, 3, 3, 4)).toEqual([2.5, 3.5, 4.5]);
    // fewer periods than k: those there are (the last two, [1,2,3] and [3,4,5])
    expect(seasonalMedian(y.slice(10), 3, 3, 5)).toEqual([2, 3, 4]);
  });

  it("MASE's scale is the in-sample error of the naive one season back", () => {
    // |3−1| + |4−2| + |5−3| = 6 over 3
    expect(naiveScale([1, 2, 3, 3, 4, 5], 3)).toBe(2);
  });

  it('Holt-Winters reproduces an exactly periodic series', () => {
    const y = Array.from({ length: 80 }, (_, i) => [10, 20, 30, 20][i % 4]!);
    const f = holtWinters(y, 6, 4, { alpha: 0.3, beta: 0.1, gamma: 0.2, phi: 0.9 });
    f.forEach((v, i) => expect(v).toBeCloseTo([10, 20, 30, 20][i % 4]!, 9));
  });

  it('Theta on a series with no season follows half its drift from the smoothed level', () => {
    // a straight line 0, 1, …, 19: slope 1; with α = 1 the level is the last value, 19, and the drift term for
    // lead h is 0.5 × ((h − 1) + 1/α − (1 − α)^n / α) = 0.5 × h (a season of 1 sample has a zero profile)
    const y = Array.from({ length: 20 }, (_, i) => i);
    expect(theta(y, 3, 1, 1)).toEqual([19.5, 20, 20.5]);
  });
});

describe('backtest', () => {
  it('cuts `stride` apart, the last window ending with the series, none under minTrain', () => {
    const cuts: number[] = [];
    const y = Array.from({ length: 20 }, (_, i) => i);
    const r = backtest(
      y,
      [
        {
          method: 'last',
          run: (train, h) => {
            cuts.push(train.length);
            return Array.from({ length: h }, () => train[train.length - 1]!);
          },
        },
      ],
      { lead: 4, origins: 5, minTrain: 8, scale: 1, stride: 2 },
    );
    // 20 − 4 − (k − 1) × 2 for k = 5..1: 8, 10, 12, 14, 16 (all at least 8)
    expect(cuts).toEqual([8, 10, 12, 14, 16]);
    expect(r.used).toBe(5);
    // forecasting the last value of a line 0, 1, 2, …: errors 1, 2, 3, 4 at every origin, mean 2.5
    expect(r.errors[0]![0]).toEqual([1, 2, 3, 4]);
    expect(r.mae[0]).toBe(2.5);
    // the default stride is the lead: windows that do not overlap (cuts 4, 8, 12, 16; 4 is under minTrain)
    cuts.length = 0;
    backtest(y, [{ method: 'flat', run: (train, h) => (cuts.push(train.length), new Array<number>(h).fill(0)) }], {
      lead: 4,
      origins: 4,
      minTrain: 8,
      scale: 1,
    });
    expect(cuts).toEqual([8, 12, 16]);
  });
});

describe('backtestPlan', () => {
  it('starts the origins after two seasons, or after one week when the weekly candidates run', () => {
    // the nightly job: four weeks of hours, a week ahead. Room 672 − 168 = 504, lead the whole week, the eight
    // origins (504 − 168) / 7 = 48 hours apart (learning from the second week on: 2 × 168 left room 336, 24 h)
    expect(backtestPlan(672, 168, 24, 168, 8)).toEqual({ minTrain: 168, lead: 168, stride: 48 });
    // the bench's official cut of Google's month (6,451 five-minute samples, 1,613 ahead): room 4,435, the lead
    // the forecast's own (before: room 2,419, lead 1,209 and origins 172 apart)
    expect(backtestPlan(6451, 1613, 288, 2016, 8)).toEqual({ minTrain: 2016, lead: 1613, stride: 403 });
    // no weekly season: two days first; room 1,795 − 576 = 1,219, lead 448, (1,219 − 448) / 7 → 110
    expect(backtestPlan(1795, 448, 288, null, 8)).toEqual({ minTrain: 576, lead: 448, stride: 110 });
    // a short history: the lead is cut to the room there is, and the origins one sample apart
    expect(backtestPlan(60, 30, 24, null, 8)).toEqual({ minTrain: 48, lead: 12, stride: 1 });
  });
});

describe('forecast', () => {
  const day = 24;
  const wobble = (i: number) => Math.sin(i * 12.9898) * 0.5;
  const series = Array.from({ length: day * 12 }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / day) + wobble(i));

  it('picks a method by backtest, beats the naive on a noisy daily pattern, and gives a 90 % interval', () => {
    const f = forecast(series.slice(0, day * 10), day * 2, day);
    expect(f.period).toBe(day);
    expect(f.points).toHaveLength(day * 2);
    expect(f.method).not.toBe('seasonal_naive');
    expect(f.backtest[f.method]!).toBeLessThan(f.backtest.seasonal_naive!);
    const actual = series.slice(day * 10);
    const inside = actual.filter((v, i) => v >= f.points[i]!.lower && v <= f.points[i]!.upper).length;
    expect(inside / actual.length).toBeGreaterThanOrEqual(0.8);
    for (const p of f.points) expect(p.lower).toBeLessThanOrEqual(p.upper);
    const err = actual.reduce((s, v, i) => s + Math.abs(v - f.points[i]!.forecast), 0) / actual.length;
    const naive = seasonalNaive(series.slice(0, day * 10), day * 2, day);
    const naiveErr = actual.reduce((s, v, i) => s + Math.abs(v - naive[i]!), 0) / actual.length;
    expect(err).toBeLessThan(naiveErr);
  });

  it('averages the three best methods, whose backtest errs less than the naive', () => {
    const f = forecast(series.slice(0, day * 10), day * 2, day);
    expect(f.method).toBe('combination');
    expect(f.members).toHaveLength(3);
    expect(f.backtest.combination!).toBeLessThan(f.backtest.seasonal_naive!);
  });

  it('gives an exactly periodic series back, with an interval of next to nothing', () => {
    const y = Array.from({ length: day * 8 }, (_, i) => [10, 20, 30, 20][i % 4]!);
    const f = forecast(y, day, day);
    f.points.forEach((p, i) => {
      expect(p.forecast).toBeCloseTo([10, 20, 30, 20][i % 4]!, 9);
      expect(p.upper - p.lower).toBeLessThan(1e-6);
    });
  });

  it('a series shorter than two seasons falls back to a season of half its length', () => {
    const f = forecast([1, 2, 3, 4, 5, 6, 7, 8], 3, 24);
    expect(f.period).toBe(4);
    expect(f.points).toHaveLength(3);
  });
});
