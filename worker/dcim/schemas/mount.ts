import * as v from 'valibot';
import { oneOf } from '../../platform/schemas/common';

// Only valibot here: the UI's device forms share these fields.

export const RACK_FACES = ['front', 'rear'] as const;

/**
 * How a rack-mounted device sits in depth, the same on servers, storage, network devices and PDUs: two half-depth
 * devices share a U from opposite faces (dcim/placement.ts); a full-depth one takes the U on both.
 */
export const mountDepthFields = {
  face: v.optional(v.pipe(oneOf(RACK_FACES), v.description('The face it is installed from (default front)'))),
  is_full_depth: v.optional(
    v.pipe(
      v.boolean('must be true or false'),
      v.description('false: half depth, leaving the U free on the other face (default true)'),
    ),
  ),
};
