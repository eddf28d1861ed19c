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
