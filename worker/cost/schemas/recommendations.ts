import * as v from 'valibot';
import { queryId } from '../../platform/schemas/common';

// Only valibot here: the recommendations page reads these shapes through the generated API types.

export const RecommendationsQuery = v.object({ datacenter_id: v.optional(queryId('datacenter')) });

const saving = v.object({ currency: v.string(), per_month: v.number(), per_year: v.number() });

export const CostRecommendation = v.object({
  kind: v.picklist(['right_size', 'consolidate', 'refresh']),
  id: v.string(),
  title: v.string(),
  datacenter_id: v.number(),
  datacenter: v.string(),
  target: v.object({
    type: v.picklist(['vm', 'datacenter', 'generation']),
    id: v.nullable(v.number()),
    key: v.nullable(v.string()),
    name: v.string(),
  }),
  /** null when nothing prices it: `needs` says what is missing */
  saving: v.nullable(saving),
  /** what acting costs up front (a refresh's purchase, less resale) */
  upfront: v.nullable(v.number()),
  evidence: v.array(v.object({ label: v.string(), value: v.string() })),
  /** what the figures rest on that was measured, and what is assumed */
  measured: v.array(v.string()),
  assumed: v.array(v.string()),
  needs: v.nullable(v.string()),
  action: v.nullable(v.object({ label: v.string(), href: v.string() })),
});

export const CostRecommendations = v.object({
  window: v.object({ from: v.string(), to: v.string() }),
  recommendations: v.array(CostRecommendation),
  totals: v.array(saving),
  notes: v.array(v.string()),
  method: v.string(),
});
