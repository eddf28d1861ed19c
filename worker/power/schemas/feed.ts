import * as v from 'valibot';
import { id, int, name, num, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';

// Only valibot here: the UI validates its feed form with this schema. Values follow NetBox's power-feed model.

export const FEED_SOURCES = ['utility', 'ups', 'generator'] as const;
export const FEED_SIDES = ['A', 'B'] as const;
export const FEED_TYPES = ['primary', 'redundant'] as const;
export const FEED_SUPPLIES = ['ac', 'dc'] as const;
export const FEED_PHASES = ['single-phase', 'three-phase'] as const;
export const FEED_STATUSES = ['planned', 'active', 'offline', 'failed'] as const;

export const PowerFeedCreate = v.object({
  name: name(64),
  datacenter_id: id,
  panel: optionalText(64),
  source: v.optional(oneOf(FEED_SOURCES)),
  side: v.optional(oneOf(FEED_SIDES)),
  feed_type: v.optional(oneOf(FEED_TYPES)),
  supply: v.optional(oneOf(FEED_SUPPLIES)),
  phase: v.optional(oneOf(FEED_PHASES)),
  voltage: v.optional(int(1, 1000)),
  amperage: v.optional(int(1, 10_000)),
  /** the share of the rating that may be drawn continuously (80 % by the usual derating) */
  max_utilization_pct: v.optional(int(1, 100)),
  status: v.optional(oneOf(FEED_STATUSES)),
});
export const PowerFeedUpdate = v.partial(PowerFeedCreate);
export const PowerFeed = v.object({
  ...PowerFeedCreate.entries,
  ...timestampsOut,
  datacenter_name: v.string(),
  /** V x A (x sqrt 3 for three-phase) / 1000 */
  capacity_kw: num(0, 1e9),
  /** capacity_kw x max_utilization_pct / 100 */
  usable_kw: num(0, 1e9),
  /** PDUs on this feed that the caller may see */
  pdu_count: v.number(),
  /** the visible devices' allocated power that this feed carries (each device's share over its supplies) */
  allocated_kw: v.number(),
});
