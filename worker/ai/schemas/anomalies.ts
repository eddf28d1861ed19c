import * as v from 'valibot';
import { instant } from '../../platform/schemas/common';

// Only valibot here: the UI imports these.

/** from/to: ms, ISO 8601 or relative (-6h); default the last 6 hours (scores per minute are kept a day). */
export const AnomalyQuery = v.object({
  server_id: v.pipe(v.string(), v.regex(/^\d+$/, 'must be a server id'), v.transform(Number)),
  from: v.optional(instant),
  to: v.optional(instant),
});

export const AnomalyExplanation = v.object({
  ts: v.number(),
  score: v.number(),
  /** how unusual: the likelihood that the recent surprise is this high, under its long-run distribution */
  likelihood: v.number(),
  /** the band the detector expected (null before it could predict) */
  lower: v.nullable(v.number()),
  upper: v.nullable(v.number()),
  /** new_ground, last, average, daily, weekly, sequence, level */
  fired: v.array(v.string()),
  /** how many typical errors away from the least surprised predictor */
  surprise: v.number(),
});
export const SeriesAnomalies = v.object({
  metric: v.string(),
  labels: v.record(v.string(), v.string()),
  /** [minute start (ms), highest score in it], oldest first */
  minutes: v.array(v.tuple([v.number(), v.number()])),
  last: v.nullable(AnomalyExplanation),
});

export const PatternQuery = v.object({
  server_id: v.optional(v.pipe(v.string(), v.regex(/^\d+$/, 'must be a server id'), v.transform(Number))),
  rack_id: v.optional(v.pipe(v.string(), v.regex(/^\d+$/, 'must be a rack id'), v.transform(Number))),
});
export const SeriesPattern = v.object({
  metric: v.string(),
  /** canonical label set, '' when none */
  labels: v.string(),
  /** hours of data the patterns were looked for in (the last 28 days) */
  hours: v.number(),
  daily: v.nullable(
    v.object({
      strength: v.number(),
      peak_hour: v.number(),
      low_hour: v.number(),
      peak_pct: v.number(),
      low_pct: v.number(),
    }),
  ),
  weekly: v.nullable(v.object({ strength: v.number(), weekend_pct: v.number() })),
  /** "daily pattern, peak 14:00 UTC (+18 %), low 03:00; weekly: weekends −30 %" */
  summary: v.string(),
});
