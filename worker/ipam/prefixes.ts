import { sql } from 'drizzle-orm';
import type { Change, ResourceDef, Row } from '../platform/http/resource';
import type { ServiceContext } from '../platform/context';
import { unprocessable, type FieldError } from '../platform/http/problem';
import { datacenters } from '../dcim/tables';
import { prefixes, vlans } from './tables';
import { keyOf, parseAddress, parsePrefix, type Prefix as Range } from './cidr';
import { size } from './space';
import { addressCount, containing, inside, utilisationPct } from './prefix-sql';
import { PREFIX_STATUSES, Prefix, PrefixCreate, PrefixUpdate } from './schemas/prefix';

/** What is stored for a prefix: the canonical text and the keys SQL compares. */
export const storedRange = (p: Range) => ({
  prefix: p.text,
  family: p.family,
  prefix_length: p.length,
  network_key: keyOf(p.family, p.network),
  broadcast_key: keyOf(p.family, p.broadcast),
});

/** An address or a prefix in a query parameter, as the range it covers. */
function queryRange(name: string, raw: string): Range {
  const p = raw.includes('/') ? parsePrefix(raw) : parseAddress(raw);
  if (!p.ok) throw unprocessable([{ field: `query.${name}`, message: p.message }], 'Invalid list parameters.');
  const v = p.value;
  return 'value' in v
    ? { family: v.family, length: v.family === 4 ? 32 : 128, network: v.value, broadcast: v.value, text: v.text }
    : v;
}

/** A prefix on a VLAN of its own site, or on a global one. */
async function checkVlans(ctx: ServiceContext, changes: Change[]) {
  const errors: FieldError[] = [];
  for (const ch of changes) {
    const { vlan_id, datacenter_id } = ch.after;
    if (vlan_id == null) continue;
    const vlan = await ctx.db
      .select({ vid: vlans.vid, datacenter_id: vlans.datacenter_id })
      .from(vlans)
      .where(sql`${vlans.id} = ${Number(vlan_id)}`)
      .get();
    if (vlan && vlan.datacenter_id != null && vlan.datacenter_id !== (datacenter_id ?? null)) {
      errors.push({
        field: `${ch.prefix}vlan_id`,
        message: `VLAN ${vlan.vid} belongs to datacenter ${vlan.datacenter_id}; this prefix is ${datacenter_id == null ? 'in no datacenter' : `in datacenter ${datacenter_id}`}`,
      });
    }
  }
  if (errors.length) throw unprocessable(errors);
}

export const prefixesResource: ResourceDef = {
  path: '/ipam/prefixes',
  entity: 'prefix',
  label: 'Prefix',
  tag: 'IPAM',
  table: prefixes,
  schemas: { create: PrefixCreate, update: PrefixUpdate, output: Prefix },
  filters: {
    family: { type: 'int', description: '4 or 6.' },
    datacenter_id: { type: 'int' },
    vlan_id: { type: 'int' },
    status: { type: 'string', values: PREFIX_STATUSES },
    role: { type: 'string' },
    is_pool: { type: 'bool' },
    prefix_length: { type: 'int' },
    contains: {
      type: 'string',
      description: 'Prefixes holding this address or prefix (itself included), e.g. 10.0.0.5 or 10.0.0.0/26.',
      where: ([raw]) => {
        const r = queryRange('contains', String(raw));
        return sql`${prefixes.family} = ${r.family} AND ${prefixes.network_key} <= ${keyOf(r.family, r.network)} AND ${prefixes.broadcast_key} >= ${keyOf(r.family, r.broadcast)}`;
      },
    },
    within: {
      type: 'string',
      description: 'Prefixes strictly inside this prefix, at any depth, e.g. 10.0.0.0/16.',
      where: ([raw]) => {
        const r = queryRange('within', String(raw));
        return sql`${prefixes.family} = ${r.family} AND ${prefixes.prefix_length} > ${r.length} AND ${prefixes.network_key} >= ${keyOf(r.family, r.network)} AND ${prefixes.broadcast_key} <= ${keyOf(r.family, r.broadcast)}`;
      },
    },
    parent_id: {
      type: 'int',
      description: 'Direct children of these prefixes (the ones whose most specific container they are).',
      where: (ids) =>
        sql`(SELECT p.id FROM prefixes p WHERE ${sql.raw(containing('p', 'prefixes'))} ORDER BY p.prefix_length DESC LIMIT 1) IN ${ids}`,
    },
  },
  sortable: [
    'id',
    'family',
    'network_key',
    'prefix_length',
    'status',
    'role',
    'datacenter_name',
    'vlan_vid',
    'depth',
    'child_count',
    'address_count',
    'utilisation_pct',
    'created_at',
  ],
  // address order, each prefix before the ones inside it: the hierarchy as a tree reads it
  defaultSort: 'family,network_key,prefix_length',
  searchable: ['prefix', 'role', 'description'],
  unique: [{ fields: ['prefix'] }],
  references: {
    datacenter_id: { table: datacenters, label: 'Datacenter' },
    vlan_id: { table: vlans, label: 'VLAN' },
  },
  computed: (ctx) => ({
    datacenter_name: sql.raw('(SELECT d.name FROM datacenters d WHERE d.id = prefixes.datacenter_id)'),
    vlan_vid: sql.raw('(SELECT v.vid FROM vlans v WHERE v.id = prefixes.vlan_id)'),
    vlan_name: sql.raw('(SELECT v.name FROM vlans v WHERE v.id = prefixes.vlan_id)'),
    parent_id: sql.raw(
      `(SELECT p.id FROM prefixes p WHERE ${containing('p', 'prefixes')} ORDER BY p.prefix_length DESC LIMIT 1)`,
    ),
    depth: sql.raw(`(SELECT count(*) FROM prefixes p WHERE ${containing('p', 'prefixes')})`),
    child_count: sql.raw(`(SELECT count(*) FROM prefixes c WHERE ${inside('c', 'prefixes')})`),
    address_count: addressCount(ctx),
    utilisation_pct: utilisationPct(ctx),
  }),
  present: (row: Row) =>
    'family' in row && 'prefix_length' in row
      ? { ...row, size: size(row.family === 6 ? 6 : 4, Number(row.prefix_length)).toString() }
      : row,
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'IPv4 and IPv6 prefixes (send `prefix` as CIDR text; it is stored canonical, and host bits set are refused). ' +
    'The hierarchy (parent, depth, children) and utilisation are worked out from containment on every read. ' +
    'Deleting a prefix leaves its addresses; they fall to the next containing prefix.',
  async prepare(_ctx, input, before) {
    if (!('prefix' in input)) return input;
    const p = parsePrefix(String(input.prefix));
    if (!p.ok) throw unprocessable([{ field: 'prefix', message: p.message }]);
    return { ...(before ? {} : { status: 'active', is_pool: false }), ...input, ...storedRange(p.value) };
  },
  check: checkVlans,
};
