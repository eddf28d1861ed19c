// Hardware write-off, pure. A purchase is charged over `years` asset years (anniversary to anniversary), each
// year's charge spread evenly over its time.
import { addMonths, spread, type Window } from './time';

export interface AmortisationPolicy {
  method: 'straight_line' | 'declining_balance';
  years: number;
  /** declining balance: yearly rate = factor / years; null reads as 2 (double-declining, the usual choice) */
  declining_factor: number | null;
}

/**
 * The charge of each asset year. Straight line: cost / years. Declining balance: the book value times
 * factor / years, switching to straight line over the remaining years once that is larger, so the asset is
 * written off exactly at the end of its life.
 */
export function yearlyCharges(cost: number, p: AmortisationPolicy): number[] {
  if (p.method === 'straight_line') return new Array<number>(p.years).fill(cost / p.years);
  const rate = (p.declining_factor ?? 2) / p.years;
  const out: number[] = [];
  let book = cost;
  for (let y = 0; y < p.years; y++) {
    const charge = Math.min(book, Math.max(book * rate, book / (p.years - y)));
    out.push(charge);
    book -= charge;
  }
  return out;
}

/** The write-off of a purchase falling in `window`. */
export function amortised(cost: number, purchased: number, p: AmortisationPolicy, window: Window): number {
  const charges = yearlyCharges(cost, p);
  return spread(purchased, 12, (k) => charges[k] ?? 0, window, addMonths(purchased, 12 * p.years));
}

/** What the asset is still worth on the books at `at`. */
export function bookValue(cost: number, purchased: number, p: AmortisationPolicy, at: number): number {
  return Math.max(0, cost - amortised(cost, purchased, p, { from: purchased, to: at }));
}
