// Rolling-origin backtest shared by the forecasters (forecast.ts for telemetry series, growth.ts for monthly
// inventory): each candidate forecasts from a few earlier points of the series, its errors against what then
// happened decide the winner and give the interval.

export interface Candidate<M extends string> {
  method: M;
  /** forecast `h` steps after the end of `y`, in a new array (the backtest overwrites it with the errors) */
  run: (y: readonly number[], h: number) => number[];
}

export interface Backtest {
  /** errors[candidate][origin][lead]: actual − forecast */
  errors: number[][][];
  /** each candidate's mean absolute error over all origins and leads, divided by `scale` (Infinity: not tested) */
  mae: number[];
  /** the index of the candidate with the lowest error (0 when no origin could be tested) */
  best: number;
  /** origins tested */
  used: number;
}

/**
 * Forecasts of `lead` steps from `origins` cut points `stride` apart (default `lead`: windows that do not overlap),
 * the last window ending at the series' end; a cut leaving fewer than `minTrain` points to learn from is skipped.
 */
export function backtest<M extends string>(
  y: readonly number[],
  list: readonly Candidate<M>[],
  o: { lead: number; origins: number; minTrain: number; scale: number; stride?: number },
): Backtest {
  const errors = list.map(() => [] as number[][]);
  let used = 0;
  for (let k = o.origins; k >= 1; k--) {
    const cut = y.length - o.lead - (k - 1) * (o.stride ?? o.lead);
    if (cut < o.minTrain) continue;
    used++;
    const train = y.slice(0, cut);
    list.forEach((c, ci) => {
      // the forecast array becomes the error array: one allocation per run, not two
      const f = c.run(train, o.lead);
      for (let i = 0; i < f.length; i++) f[i] = y[cut + i]! - f[i]!;
      errors[ci]!.push(f);
    });
  }
  const mae = errors.map((runs) => {
    let s = 0;
    let c = 0;
    for (const r of runs) {
      for (const e of r) {
        s += Math.abs(e);
        c++;
      }
    }
    return c ? s / c / o.scale : Infinity;
  });
  let best = 0;
  for (let i = 1; i < list.length; i++) if (mae[i]! < mae[best]!) best = i;
  if (!used) best = 0;
  return { errors, mae, best, used };
}

/** The best backtest error of each method (a method may run with several parameter sets). */
export function bestPerMethod<M extends string>(
  list: readonly Candidate<M>[],
  mae: number[],
): Partial<Record<M, number>> {
  const out: Partial<Record<M, number>> = {};
  list.forEach((c, i) => {
    if (Number.isFinite(mae[i]!) && (out[c.method] === undefined || mae[i]! < out[c.method]!)) out[c.method] = mae[i]!;
  });
  return out;
}

/** The q-quantile of an ascending array (nearest rank). */
export const quantile = (sorted: ArrayLike<number>, q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))]! : 0;
