import * as v from 'valibot';
import { queryId, queryInt } from '../../platform/schemas/common';

// Only valibot here: the UI imports these.

const n = v.number();

export const AnomalyFeedQuery = v.strictObject({
  datacenter_id: v.optional(queryId('datacenter')),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d+$/, 'must be a whole number'),
      v.transform(Number),
      v.minValue(1, 'must be from 1 to 100'),
      v.maxValue(100, 'must be from 1 to 100'),
    ),
    '20',
  ),
  offset: v.optional(queryInt(0), '0'),
});

export const AnomalyFeedItem = v.object({
  id: n,
  rule_id: n,
  rule: v.string(),
  severity: v.string(),
  status: v.string(),
  message: v.string(),
  datacenter_id: v.nullable(n),
  rack_id: v.nullable(n),
  server_id: v.nullable(n),
  server: v.nullable(v.string()),
  metric: v.nullable(v.string()),
  /** the anomaly score that fired it */
  value: v.nullable(n),
  labels: v.record(v.string(), v.string()),
  /** the series' own labels, canonical (k="v" joined by ","; '' when none): the alert's add the rule's */
  series_labels: v.string(),
  /** the detector's explanation: lower, upper, observed, fired, likelihood, surprise */
  details: v.nullable(v.record(v.string(), v.unknown())),
  started_at: v.string(),
  /** when the sample that scored was taken (ms) */
  at: n,
  /** minute means of the series from 30 minutes before to 30 after: [minute start (ms), mean] */
  context: v.array(v.tuple([n, n])),
});
