import * as v from 'valibot';
import { int, queryInt } from '../../platform/schemas/common';
import { addressDetails } from './ip-address';

// Only valibot here: the allocation form validates with these.

export const AvailableQuery = v.object({ limit: v.optional(queryInt(1, 1000)) });

export const AvailableIp = v.object({
  /** host address with the prefix's mask, ready to POST as an address */
  address: v.string(),
  family: v.number(),
  prefix_length: v.number(),
});

export const AllocateBody = v.object({
  /** how many consecutive free addresses to take (each gets the same details) */
  count: v.optional(int(1, 256)),
  ...addressDetails,
});

export const AvailablePrefix = v.object({ prefix: v.string(), family: v.number(), prefix_length: v.number() });

const figures = {
  prefixes: v.number(),
  addresses: v.number(),
  /** addresses over usable hosts of the site's IPv4 prefixes that are not containers, in % */
  ipv4_utilisation_pct: v.number(),
  vlans: v.number(),
};
export const IpamSummary = v.object({
  datacenters: v.array(
    v.object({ datacenter_id: v.nullable(v.number()), datacenter_name: v.nullable(v.string()), ...figures }),
  ),
  total: v.object(figures),
});
