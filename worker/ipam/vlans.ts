import { and, eq, ne, sql } from 'drizzle-orm';
import type { Change, ResourceDef } from '../platform/http/resource';
import type { ServiceContext } from '../platform/context';
import { conflict, unprocessable, type FieldError } from '../platform/http/problem';
import { datacenters } from '../dcim/tables';
import { prefixes, vlans } from './tables';
import { VLAN_STATUSES, Vlan, VlanCreate, VlanUpdate } from './schemas/vlan';

const siteOf = (dc: unknown) => (dc == null ? 0 : Number(dc));

/** A vid once per site, and once among the global VLANs (the index coalesces a null site to 0, like here). */
async function checkVids(ctx: ServiceContext, changes: Change[]) {
  const errors: FieldError[] = [];
  const seen = new Map<string, string>();
  for (const ch of changes) {
    const { vid, datacenter_id } = ch.after;
    if (ch.before && ch.before.vid === vid && siteOf(ch.before.datacenter_id) === siteOf(datacenter_id)) continue;
    const key = `${siteOf(datacenter_id)}/${vid}`;
    if (seen.has(key)) {
      errors.push({
        field: `${ch.prefix}vid`,
        message: `VLAN ${vid} also appears at ${seen.get(key) || 'another item'}`,
      });
      continue;
    }
    seen.set(key, ch.prefix);
    const taken = await ctx.db
      .select({ id: vlans.id, name: vlans.name })
      .from(vlans)
      .where(
        and(
          eq(vlans.vid, Number(vid)),
          sql`coalesce(${vlans.datacenter_id}, 0) = ${siteOf(datacenter_id)}`,
          ch.before ? ne(vlans.id, Number(ch.before.id)) : undefined,
        ),
      )
      .get();
    if (taken) {
      const where = datacenter_id == null ? 'among the global VLANs' : `in datacenter ${datacenter_id}`;
      errors.push({
        field: `${ch.prefix}vid`,
        message: `VLAN ${vid} already exists ${where} (#${taken.id} "${taken.name}")`,
      });
    }
  }
  if (errors.length)
    throw conflict(`VLAN ids must be unique per site: ${errors.map((e) => e.message).join('; ')}.`, errors);
}

/** A VLAN moved to another site would leave that site's prefixes on a VLAN they cannot reach. */
async function checkMoves(ctx: ServiceContext, changes: Change[]) {
  const errors: FieldError[] = [];
  for (const ch of changes) {
    if (!ch.before || ch.after.datacenter_id == null || ch.before.datacenter_id === ch.after.datacenter_id) continue;
    const stranded = await ctx.db
      .select({ prefix: prefixes.prefix })
      .from(prefixes)
      .where(
        and(
          eq(prefixes.vlan_id, Number(ch.before.id)),
          sql`${prefixes.datacenter_id} IS NOT NULL AND ${prefixes.datacenter_id} <> ${Number(ch.after.datacenter_id)}`,
        ),
      )
      .limit(3)
      .all();
    if (stranded.length) {
      errors.push({
        field: `${ch.prefix}datacenter_id`,
        message: `prefixes of another site use this VLAN (${stranded.map((p) => p.prefix).join(', ')})`,
      });
    }
  }
  if (errors.length) throw unprocessable(errors);
}

export const vlansResource: ResourceDef = {
  path: '/ipam/vlans',
  entity: 'vlan',
  label: 'VLAN',
  tag: 'IPAM',
  table: vlans,
  schemas: { create: VlanCreate, update: VlanUpdate, output: Vlan },
  filters: {
    datacenter_id: { type: 'int', description: 'VLANs of these datacenters (comma-separated ids).' },
    global: {
      type: 'bool',
      description: 'true: only VLANs every site shares (no datacenter); false: only site VLANs.',
      where: ([global]) => (global ? sql`${vlans.datacenter_id} IS NULL` : sql`${vlans.datacenter_id} IS NOT NULL`),
    },
    vid: { type: 'int' },
    status: { type: 'string', values: VLAN_STATUSES },
    role: { type: 'string' },
  },
  sortable: ['id', 'vid', 'name', 'datacenter_name', 'status', 'role', 'prefix_count', 'created_at'],
  defaultSort: 'vid',
  searchable: ['name', 'role', 'description'],
  references: { datacenter_id: { table: datacenters, label: 'Datacenter' } },
  dependents: [{ table: prefixes, column: 'vlan_id', label: 'prefixes' }],
  computed: () => ({
    datacenter_name: sql.raw('(SELECT d.name FROM datacenters d WHERE d.id = vlans.datacenter_id)'),
    prefix_count: sql.raw('(SELECT count(*) FROM prefixes p WHERE p.vlan_id = vlans.id)'),
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'VLANs (802.1Q ids 1-4094) of a datacenter, or global (no datacenter: every site shares it); a vid is unique per site.',
  async check(ctx, changes) {
    await checkVids(ctx, changes);
    await checkMoves(ctx, changes);
  },
};
