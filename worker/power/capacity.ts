// Pure power arithmetic, shared by the impact analysis, the chain view and (as SQL) the feed list.

export const SQRT3 = Math.sqrt(3);

export interface FeedRating {
  voltage: number;
  amperage: number;
  phase: string;
  max_utilization_pct: number;
}

/** Rounded to watts: the ratings are whole volts and amps, so finer digits are noise. */
const kw = (w: number) => Math.round(w) / 1000;

/** V x A, times sqrt 3 for three-phase (line-to-line voltage), in kW. */
export const feedCapacityKw = (f: FeedRating): number =>
  kw(f.voltage * f.amperage * (f.phase === 'three-phase' ? SQRT3 : 1));

/** The continuous-load limit: the rating derated to max_utilization_pct. */
export const feedUsableKw = (f: FeedRating): number =>
  kw((f.voltage * f.amperage * (f.phase === 'three-phase' ? SQRT3 : 1) * f.max_utilization_pct) / 100);

/** The same two figures in SQL over `power_feeds` (alias `power_feeds`), for lists that sort by them. */
const ratingW = `power_feeds.voltage * power_feeds.amperage * (CASE power_feeds.phase WHEN 'three-phase' THEN ${SQRT3} ELSE 1 END)`;
export const FEED_CAPACITY_SQL = `(round(${ratingW}) / 1000.0)`;
export const FEED_USABLE_SQL = `(round(${ratingW} * power_feeds.max_utilization_pct / 100.0) / 1000.0)`;

/** Devices that are switched off for good are not budgeted (as in dcim/placement.ts). */
export const drawW = (d: { power_w: number; status?: string | null }) =>
  d.status === 'decommissioned' ? 0 : Math.max(0, d.power_w);
