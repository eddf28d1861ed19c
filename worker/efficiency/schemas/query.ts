import * as v from 'valibot';
import { queryId, queryInt } from '../../platform/schemas/common';

// Only valibot here: the UI reads these too.

export const RecommendationsQuery = v.strictObject({ datacenter_id: queryId('datacenter') });

export const CoolingQuery = v.strictObject({
  datacenter_id: queryId('datacenter'),
  /** how many complete hours back the inlets are read (1 to 168) */
  hours: v.optional(queryInt(1, 168), '24'),
});
