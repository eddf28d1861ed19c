import { sql, type SQL } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { andVisible } from '../platform/access/entities';
import { ipAddressEntity } from './access';

// SQL over the fixed-width keys: a range holds another when its keys bracket the other's (same family: IPv4 keys
// sit inside IPv6's ::ffff:0:0/96). `outer` is the row the subquery belongs to.

/** prefixes `p` strictly containing prefix row `outer` */
export const containing = (p: string, outer: string) =>
  `${p}.family = ${outer}.family AND ${p}.prefix_length < ${outer}.prefix_length AND ${p}.network_key <= ${outer}.network_key AND ${p}.broadcast_key >= ${outer}.broadcast_key`;

/** prefixes `c` strictly inside prefix row `outer` */
export const inside = (c: string, outer: string) =>
  `${c}.family = ${outer}.family AND ${c}.prefix_length > ${outer}.prefix_length AND ${c}.network_key >= ${outer}.network_key AND ${c}.broadcast_key <= ${outer}.broadcast_key`;

/** addresses `i` inside prefix row `outer` */
export const addressesIn = (i: string, outer: string) =>
  `${i}.family = ${outer}.family AND ${i}.address_key >= ${outer}.network_key AND ${i}.address_key <= ${outer}.broadcast_key`;

/** the most specific prefix holding address row `outer` */
export const enclosingPrefix = (column: 'id' | 'prefix', outer: string) =>
  `(SELECT p.${column} FROM prefixes p WHERE p.family = ${outer}.family AND p.network_key <= ${outer}.address_key AND p.broadcast_key >= ${outer}.address_key ORDER BY p.prefix_length DESC LIMIT 1)`;

/** addresses in the prefix the caller may see (hidden ones are absent from counts and figures too) */
export const addressCount = (ctx: ServiceContext): SQL =>
  sql`(SELECT count(*) FROM ip_addresses i WHERE ${sql.raw(addressesIn('i', 'prefixes'))}${andVisible(ctx, ipAddressEntity, 'i')})`;

/**
 * 2^-bits as a REAL without pow() (not every SQLite build has it): two shifts of at most 62 bits; beyond 124 bits
 * the share is below any percentage shown.
 */
const inverseSize = (bits: string) => `(1.0 / (1 << min(${bits}, 62)) / (1 << max(min((${bits}) - 62, 62), 0)))`;

/**
 * NetBox's utilisation in % (see space.ts, which the unit tests check): a container by the share its outermost
 * child prefixes cover (nested ones are inside those; prefixes are unique, so outermost children never overlap);
 * any other prefix by its addresses over usable hosts.
 */
export const utilisationPct = (ctx: ServiceContext): SQL => sql`round(CASE WHEN prefixes.status = 'container' THEN
  100.0 * coalesce((SELECT sum(${sql.raw(inverseSize('c.prefix_length - prefixes.prefix_length'))}) FROM prefixes c
    WHERE ${sql.raw(inside('c', 'prefixes'))}
      AND NOT EXISTS (SELECT 1 FROM prefixes m WHERE ${sql.raw(inside('m', 'prefixes'))} AND ${sql.raw(containing('m', 'c'))})), 0)
  WHEN prefixes.family = 4 THEN
    100.0 * ${addressCount(ctx)} / max(CASE WHEN prefixes.prefix_length >= 31 OR prefixes.is_pool THEN (1 << (32 - prefixes.prefix_length)) ELSE (1 << (32 - prefixes.prefix_length)) - 2 END, 1)
  ELSE 100.0 * ${addressCount(ctx)} * ${sql.raw(inverseSize('128 - prefixes.prefix_length'))}
  END, 2)`;

/** the site of the most specific prefix with a site holding address row `outer` */
export const enclosingSite = (outer: string) =>
  `(SELECT p.datacenter_id FROM prefixes p WHERE p.family = ${outer}.family AND p.network_key <= ${outer}.address_key AND p.broadcast_key >= ${outer}.address_key AND p.datacenter_id IS NOT NULL ORDER BY p.prefix_length DESC LIMIT 1)`;
