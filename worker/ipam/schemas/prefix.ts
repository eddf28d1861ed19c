import * as v from 'valibot';
import { id, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';

// Only valibot here: the UI validates its prefix form with these (the CIDR itself is checked by the API, which
// also says which network was meant when host bits are set).

export const PREFIX_STATUSES = ['container', 'active', 'reserved', 'deprecated'] as const;
export const FAMILIES = [4, 6] as const;

export const cidrText = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.minLength(1, 'is required'),
  v.maxLength(49, 'must be at most 49 characters'),
  v.regex(/^[0-9A-Fa-f:.]+\/\d{1,3}$/, 'must be a prefix like 10.0.0.0/24 or 2001:db8::/64'),
);

export const PrefixCreate = v.object({
  prefix: cidrText,
  status: v.optional(oneOf(PREFIX_STATUSES)),
  /** absent or null: not tied to one site */
  datacenter_id: v.optional(v.nullable(id)),
  /** a VLAN of the same site, or a global one */
  vlan_id: v.optional(v.nullable(id)),
  role: optionalText(64),
  /** every address is usable, the IPv4 network and broadcast addresses too (NAT pools, anycast ranges) */
  is_pool: v.optional(v.boolean('must be true or false')),
  description: optionalText(200),
});
export const PrefixUpdate = v.partial(PrefixCreate);

export const Prefix = v.object({
  ...timestampsOut,
  prefix: v.string(),
  family: v.picklist(FAMILIES),
  prefix_length: v.number(),
  /** first and last address as 32 hex digits (IPv4 as ::ffff:a.b.c.d): sort by these for address order */
  network_key: v.string(),
  broadcast_key: v.string(),
  status: v.picklist(PREFIX_STATUSES),
  datacenter_id: v.nullable(v.number()),
  vlan_id: v.nullable(v.number()),
  role: v.nullable(v.string()),
  is_pool: v.boolean(),
  description: v.nullable(v.string()),
  datacenter_name: v.nullable(v.string()),
  vlan_vid: v.nullable(v.number()),
  vlan_name: v.nullable(v.string()),
  /** the most specific prefix containing this one */
  parent_id: v.nullable(v.number()),
  /** how many prefixes contain this one (0 at the top) */
  depth: v.number(),
  /** prefixes inside this one, at any depth */
  child_count: v.number(),
  /** addresses inside this one (its child prefixes' included) */
  address_count: v.number(),
  /** a container: share of its space its child prefixes cover; any other: addresses over usable hosts; in % */
  utilisation_pct: v.number(),
  /** addresses in the prefix, as a decimal string (an IPv6 /0 holds 2^128) */
  size: v.string(),
});
