import * as v from 'valibot';
import { name, oneOf, timestampsOut } from '../../platform/schemas/common';

// Only valibot here: the UI validates its feed form with this schema.

export const FEED_FORMATS = ['kev', 'osv'] as const;

export const VulnerabilityFeedCreate = v.object({
  name: name(100),
  format: oneOf(FEED_FORMATS),
  url: v.optional(
    v.nullable(
      v.pipe(
        v.string('must be text'),
        v.trim(),
        v.maxLength(2000, 'must be at most 2000 characters'),
        v.url('must be a URL'),
        v.regex(/^https?:\/\//, 'must be an http(s) URL'),
      ),
    ),
  ),
  enabled: v.optional(v.boolean('must be true or false')),
});
export const VulnerabilityFeedUpdate = v.partial(VulnerabilityFeedCreate);
export const VulnerabilityFeed = v.object({
  ...VulnerabilityFeedCreate.entries,
  ...timestampsOut,
  url: v.nullable(v.string()),
  enabled: v.boolean(),
  last_run_at: v.nullable(v.string()),
  last_status: v.pipe(v.nullable(v.string()), v.description('ok, error; null: never run')),
  last_error: v.nullable(v.string()),
  last_count: v.nullable(v.number()),
});
