// Time arithmetic of costs, pure: windows in Unix ms, [from, to), calendar months in UTC.

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export interface Window {
  from: number;
  to: number;
}

export const overlap = (a: Window, b: Window): number => Math.max(0, Math.min(a.to, b.to) - Math.max(a.from, b.from));

/** `ms` moved by whole calendar months in UTC; a day past the target month's end becomes its last day. */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(
    y,
    m,
    Math.min(d.getUTCDate(), last),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

const monthIndex = (ms: number) => new Date(ms).getUTCFullYear() * 12 + new Date(ms).getUTCMonth();

/**
 * Amounts due per period of `months` from `anchor` (period k costs `amountOf(k)`), spread evenly over each
 * period's time: the part that falls in `window`. Periods end at `end` (a contract's last day, an asset's last
 * year); a period cut short by `end` is charged for the time it ran.
 */
export function spread(
  anchor: number,
  months: number,
  amountOf: (k: number) => number,
  window: Window,
  end = Number.POSITIVE_INFINITY,
): number {
  const stop = Math.min(window.to, end);
  if (stop <= Math.max(window.from, anchor)) return 0;
  // start one period before the window (whole months are not all the same length)
  let k = Math.max(0, Math.floor((monthIndex(window.from) - monthIndex(anchor)) / months) - 1);
  let total = 0;
  for (;;) {
    const start = addMonths(anchor, k * months);
    if (start >= stop) break;
    const next = addMonths(anchor, (k + 1) * months);
    const inside = overlap({ from: start, to: Math.min(next, end) }, window);
    if (inside > 0) total += (amountOf(k) * inside) / (next - start);
    k++;
  }
  return total;
}

/** The calendar period holding `at`: its month, quarter or year, in UTC. */
export function periodOf(at: number, period: 'month' | 'quarter' | 'year'): Window {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const startMonth = period === 'month' ? m : period === 'quarter' ? m - (m % 3) : 0;
  const length = period === 'month' ? 1 : period === 'quarter' ? 3 : 12;
  return { from: Date.UTC(y, startMonth, 1), to: Date.UTC(y, startMonth + length, 1) };
}

/** How many hours of `window` fall on each UTC hour of the day (fractions for partial hours). */
export function hoursByHourOfDay(window: Window): number[] {
  const out = new Array<number>(24).fill(0);
  const days = Math.floor((window.to - window.from) / DAY);
  // whole days give every hour of the day the same count; walk the rest hour by hour
  if (days > 0) out.fill(days);
  let t = window.from + days * DAY;
  while (t < window.to) {
    const hourStart = Math.floor(t / HOUR) * HOUR;
    const next = Math.min(hourStart + HOUR, window.to);
    out[new Date(hourStart).getUTCHours()] += (next - t) / HOUR;
    t = next;
  }
  return out;
}

export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
