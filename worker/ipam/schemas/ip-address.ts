import * as v from 'valibot';
import { id, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';
import { FAMILIES } from './prefix';

// Only valibot here: the UI validates its address form with these.

export const ADDRESS_STATUSES = ['active', 'reserved', 'deprecated', 'dhcp'] as const;
export const ADDRESS_ROLES = ['loopback', 'secondary', 'anycast', 'vip', 'vrrp', 'hsrp', 'carp'] as const;
export const ASSIGNED_KINDS = ['server', 'vm', 'network_port', 'storage_system'] as const;

const dnsName = v.optional(
  v.nullable(
    v.pipe(
      v.string('must be text'),
      v.trim(),
      v.maxLength(253, 'must be at most 253 characters'),
      v.regex(/^$|^[A-Za-z0-9_*]([A-Za-z0-9_.-]*[A-Za-z0-9_])?\.?$/, 'must be a DNS name like web-01.example.com'),
    ),
  ),
);

/** what a new address is assigned to and how it is described: shared with the allocation body */
export const addressDetails = {
  status: v.optional(oneOf(ADDRESS_STATUSES)),
  role: v.optional(v.nullable(oneOf(ADDRESS_ROLES))),
  /** together with assigned_id, or both absent/null */
  assigned_kind: v.optional(v.nullable(oneOf(ASSIGNED_KINDS))),
  assigned_id: v.optional(v.nullable(id)),
  dns_name: dnsName,
  description: optionalText(200),
};

export const IpAddressCreate = v.object({
  /** `10.0.0.5/24` or `10.0.0.5`: without a mask it takes the length of the prefix it falls in (else /32, /128) */
  address: v.pipe(
    v.string('must be text'),
    v.trim(),
    v.minLength(1, 'is required'),
    v.maxLength(49, 'must be at most 49 characters'),
    v.regex(/^[0-9A-Fa-f:.]+(\/\d{1,3})?$/, 'must be an address like 10.0.0.5/24 or 2001:db8::5'),
  ),
  ...addressDetails,
});
export const IpAddressUpdate = v.partial(IpAddressCreate);

export const IpAddress = v.object({
  ...timestampsOut,
  /** the host address, canonical (no mask) */
  address: v.string(),
  family: v.picklist(FAMILIES),
  /** the mask it is configured with */
  prefix_length: v.number(),
  /** 32 hex digits (IPv4 as ::ffff:a.b.c.d): sort by it for address order */
  address_key: v.string(),
  /** the most specific prefix containing it, worked out on every read */
  prefix_id: v.nullable(v.number()),
  prefix: v.nullable(v.string()),
  assigned_kind: v.nullable(v.picklist(ASSIGNED_KINDS)),
  assigned_id: v.nullable(v.number()),
  /** server or VM name, `switch:port`, storage system name */
  assigned_name: v.nullable(v.string()),
  status: v.picklist(ADDRESS_STATUSES),
  role: v.nullable(v.picklist(ADDRESS_ROLES)),
  dns_name: v.nullable(v.string()),
  description: v.nullable(v.string()),
  /** the assigned target's datacenter, else its prefix's */
  datacenter_id: v.nullable(v.number()),
  datacenter_name: v.nullable(v.string()),
});
