import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { andVisible } from '../platform/access/entities';
import { ipAddressEntity } from './access';
import { addressSite } from './assignment';
import { addressesIn, containing, enclosingSite } from './prefix-sql';
import { percent, usableCount } from './space';

type Figures = { prefixes: number; addresses: number; ipv4_utilisation_pct: number; vlans: number };

const prefixSite = enclosingSite('ip_addresses');

/**
 * Per datacenter (and the prefixes, VLANs and addresses of no site): counts, and how full its IPv4 networks
 * are (addresses over usable hosts of its outermost non-container IPv4 prefixes, so nested ones count once).
 */
export async function ipamSummary(ctx: ServiceContext) {
  const visible = andVisible(ctx, ipAddressEntity, 'ip_addresses');
  const visibleI = andVisible(ctx, ipAddressEntity, 'i');
  const [names, prefixRows, vlanRows, addressRows, networks] = await Promise.all([
    ctx.db.all<{ id: number; name: string }>(sql`SELECT id, name FROM datacenters ORDER BY name`),
    ctx.db.all<{ dc: number | null; n: number }>(
      sql`SELECT datacenter_id AS dc, count(*) AS n FROM prefixes GROUP BY datacenter_id`,
    ),
    ctx.db.all<{ dc: number | null; n: number }>(
      sql`SELECT datacenter_id AS dc, count(*) AS n FROM vlans GROUP BY datacenter_id`,
    ),
    ctx.db.all<{ dc: number | null; n: number }>(
      sql`SELECT ${sql.raw(addressSite(prefixSite))} AS dc, count(*) AS n FROM ip_addresses WHERE 1 = 1${visible} GROUP BY dc`,
    ),
    ctx.db.all<{ dc: number | null; len: number; pool: number; used: number }>(
      sql`SELECT prefixes.datacenter_id AS dc, prefixes.prefix_length AS len, prefixes.is_pool AS pool,
        (SELECT count(*) FROM ip_addresses i WHERE ${sql.raw(addressesIn('i', 'prefixes'))}${visibleI}) AS used
        FROM prefixes WHERE prefixes.family = 4 AND prefixes.status <> 'container'
        AND NOT EXISTS (SELECT 1 FROM prefixes p WHERE ${sql.raw(containing('p', 'prefixes'))} AND p.status <> 'container')`,
    ),
  ]);
  const byDc = new Map<number | null, Figures & { used: bigint; usable: bigint }>();
  const at = (dc: number | null) => {
    if (!byDc.has(dc))
      byDc.set(dc, { prefixes: 0, addresses: 0, vlans: 0, ipv4_utilisation_pct: 0, used: 0n, usable: 0n });
    return byDc.get(dc)!;
  };
  for (const r of prefixRows) at(r.dc).prefixes = r.n;
  for (const r of vlanRows) at(r.dc).vlans = r.n;
  for (const r of addressRows) at(r.dc).addresses = r.n;
  for (const r of networks) {
    const f = at(r.dc);
    f.used += BigInt(r.used);
    f.usable += usableCount({ family: 4, length: r.len }, !!r.pool);
  }
  const figures = ({ used, usable, ...f }: Figures & { used: bigint; usable: bigint }): Figures => ({
    ...f,
    ipv4_utilisation_pct: percent(used, usable),
  });
  const name = new Map(names.map((d) => [d.id, d.name]));
  const rows = [...byDc.entries()]
    .map(([dc, f]) => ({
      datacenter_id: dc,
      datacenter_name: dc == null ? null : (name.get(dc) ?? null),
      ...figures(f),
    }))
    .sort((a, b) => (a.datacenter_name ?? '\uffff').localeCompare(b.datacenter_name ?? '\uffff'));
  const total = [...byDc.values()].reduce(
    (t, f) => ({
      prefixes: t.prefixes + f.prefixes,
      addresses: t.addresses + f.addresses,
      vlans: t.vlans + f.vlans,
      ipv4_utilisation_pct: 0,
      used: t.used + f.used,
      usable: t.usable + f.usable,
    }),
    { prefixes: 0, addresses: 0, vlans: 0, ipv4_utilisation_pct: 0, used: 0n, usable: 0n },
  );
  return { datacenters: rows, total: figures(total) };
}
