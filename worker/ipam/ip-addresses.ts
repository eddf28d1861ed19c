import { and, eq, ne, sql } from 'drizzle-orm';
import type { Change, ResourceDef } from '../platform/http/resource';
import type { ServiceContext } from '../platform/context';
import { conflict, unprocessable, type FieldError } from '../platform/http/problem';
import { andVisible, visibleWhere } from '../platform/access/entities';
import { ipAddresses } from './tables';
import { ipAddressEntity } from './access';
import { BITS, keyOf, parseAddress, parseInterfaceAddress, parsePrefix, prefixOf, valueOfKey } from './cidr';
import { isReservedEdge } from './space';
import { enclosingPrefix, enclosingSite } from './prefix-sql';
import { addressSite, assignedName, checkAssignments } from './assignment';
import {
  ADDRESS_ROLES,
  ADDRESS_STATUSES,
  ASSIGNED_KINDS,
  IpAddress,
  IpAddressCreate,
  IpAddressUpdate,
} from './schemas/ip-address';

interface Enclosing {
  id: number;
  prefix: string;
  prefix_length: number;
  is_pool: boolean | number;
}

/** The most specific prefix holding an address key (of that family), or null. */
export async function enclosingOf(ctx: ServiceContext, family: number, key: string): Promise<Enclosing | null> {
  return (
    (await ctx.db.get<Enclosing>(
      sql`SELECT p.id, p.prefix, p.prefix_length, p.is_pool FROM prefixes p WHERE p.family = ${family} AND p.network_key <= ${key} AND p.broadcast_key >= ${key} ORDER BY p.prefix_length DESC LIMIT 1`,
    )) ?? null
  );
}

/** An address as stored: canonical text, family, mask (given, else its prefix's, else a host route) and key. */
export async function storedAddress(ctx: ServiceContext, raw: string) {
  const a = parseInterfaceAddress(raw);
  if (!a.ok) throw unprocessable([{ field: 'address', message: a.message }]);
  const { family, value, text, length } = a.value;
  const key = keyOf(family, value);
  const mask = length ?? (await enclosingOf(ctx, family, key))?.prefix_length ?? BITS[family];
  return { address: text, family, prefix_length: mask, address_key: key };
}

/** Who holds an address already, named only when the caller may see that address. */
async function holderOf(ctx: ServiceContext, key: string, exceptId: number | null) {
  const taken = await ctx.db
    .select({ id: ipAddresses.id })
    .from(ipAddresses)
    .where(and(eq(ipAddresses.address_key, key), exceptId ? ne(ipAddresses.id, exceptId) : undefined))
    .get();
  if (!taken) return null;
  const seen = await ctx.db.get<{ name: string | null }>(
    sql`SELECT ${sql.raw(assignedName)} AS name FROM ip_addresses WHERE ip_addresses.id = ${taken.id}${andVisible(ctx, ipAddressEntity, 'ip_addresses')}`,
  );
  return { id: taken.id, visible: !!seen, name: seen?.name ?? null };
}

/**
 * The most specific prefix of each key, in one statement per family: a bulk write or a CSV import of thousands of
 * addresses asks once, not once per row.
 */
async function enclosingOfMany(ctx: ServiceContext, family: number, keys: string[]): Promise<Map<string, Enclosing>> {
  const out = new Map<string, Enclosing>();
  if (!keys.length) return out;
  const rows = await ctx.db.all<{ k: string; enc: string | null }>(
    sql`SELECT k.value AS k, (SELECT json_object('id', p.id, 'prefix', p.prefix, 'prefix_length', p.prefix_length, 'is_pool', p.is_pool)
      FROM prefixes p WHERE p.family = ${family} AND p.network_key <= k.value AND p.broadcast_key >= k.value
      ORDER BY p.prefix_length DESC LIMIT 1) AS enc FROM json_each(${JSON.stringify(keys)}) k`,
  );
  for (const r of rows) if (r.enc) out.set(r.k, JSON.parse(r.enc) as Enclosing);
  return out;
}

/** The ids holding any of these keys, in one statement. */
async function holdersOf(ctx: ServiceContext, keys: string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (!keys.length) return out;
  const rows = await ctx.db.all<{ id: number; address_key: string }>(
    sql`SELECT id, address_key FROM ip_addresses WHERE address_key IN (SELECT value FROM json_each(${JSON.stringify(keys)}))`,
  );
  for (const r of rows) out.set(r.address_key, [...(out.get(r.address_key) ?? []), r.id]);
  return out;
}

/** An address once (no VRFs); no IPv4 network or broadcast address of its prefix or of its own mask. */
async function checkAddresses(ctx: ServiceContext, changes: Change[]) {
  const conflicts: FieldError[] = [];
  const invalid: FieldError[] = [];
  const seen = new Map<string, string>();
  const moved = changes.filter(
    (ch) =>
      !(
        ch.before &&
        ch.before.address_key === ch.after.address_key &&
        ch.before.prefix_length === ch.after.prefix_length
      ),
  );
  const keysOf = (family: number) =>
    moved.filter((ch) => ch.after.family === family).map((ch) => String(ch.after.address_key));
  const [holders, enclosing4, enclosing6] = await Promise.all([
    holdersOf(
      ctx,
      moved.map((ch) => String(ch.after.address_key)),
    ),
    enclosingOfMany(ctx, 4, keysOf(4)),
    enclosingOfMany(ctx, 6, keysOf(6)),
  ]);
  for (const ch of changes) {
    const { address, address_key: key, family, prefix_length: mask } = ch.after;
    if (ch.before && ch.before.address_key === key && ch.before.prefix_length === mask) continue;
    const field = `${ch.prefix}address`;
    if (seen.has(key)) {
      conflicts.push({ field, message: `${address} also appears at ${seen.get(key) || 'another item'}` });
      continue;
    }
    seen.set(key, ch.prefix);
    const exceptId = ch.before ? Number(ch.before.id) : null;
    const holder = holders.get(String(key))?.some((id) => id !== exceptId)
      ? await holderOf(ctx, String(key), exceptId)
      : null;
    if (holder) {
      conflicts.push({
        field,
        message: !holder.visible
          ? `${address} is already taken`
          : holder.name
            ? `${address} is already assigned to ${holder.name} (#${holder.id})`
            : `${address} already exists (#${holder.id})`,
      });
      continue;
    }
    const { value } = valueOfKey(key);
    const own = prefixOf(family, value & ~((1n << BigInt(BITS[family as 4 | 6] - mask)) - 1n), mask);
    const enclosing = (family === 4 ? enclosing4 : enclosing6).get(String(key)) ?? null;
    const container = enclosing ? parsePrefix(enclosing.prefix) : null;
    if (family === 4 && isReservedEdge(own, value)) {
      invalid.push({
        field,
        message: `${address} is the ${value === own.network ? 'network' : 'broadcast'} address of ${own.text}`,
      });
    } else if (container?.ok && isReservedEdge(container.value, value, !!enclosing!.is_pool)) {
      invalid.push({
        field,
        message: `${address} is the ${value === container.value.network ? 'network' : 'broadcast'} address of prefix ${container.value.text}`,
      });
    }
  }
  if (invalid.length) throw unprocessable(invalid);
  if (conflicts.length) {
    throw conflict(`Each address exists once: ${conflicts.map((e) => e.message).join('; ')}.`, conflicts);
  }
}

const prefixSite = enclosingSite('ip_addresses');
const siteId = addressSite(prefixSite);
const enclosingId = enclosingPrefix('id', 'ip_addresses');

export const ipAddressesResource: ResourceDef = {
  path: '/ipam/ip-addresses',
  entity: 'ip_address',
  label: 'IP address',
  tag: 'IPAM',
  table: ipAddresses,
  schemas: { create: IpAddressCreate, update: IpAddressUpdate, output: IpAddress },
  filters: {
    family: { type: 'int', description: '4 or 6.' },
    prefix_id: {
      type: 'int',
      description: 'Addresses whose most specific prefix is one of these.',
      where: (ids) => sql`${sql.raw(enclosingId)} IN ${ids}`,
    },
    parent: {
      type: 'string',
      description: 'Addresses inside this prefix (at any depth), e.g. 10.0.0.0/24.',
      where: ([raw]) => {
        const p = parsePrefix(String(raw));
        if (!p.ok) throw unprocessable([{ field: 'query.parent', message: p.message }], 'Invalid list parameters.');
        const { family, network, broadcast } = p.value;
        return sql`${ipAddresses.family} = ${family} AND ${ipAddresses.address_key} >= ${keyOf(family, network)} AND ${ipAddresses.address_key} <= ${keyOf(family, broadcast)}`;
      },
    },
    address: {
      type: 'string',
      description: 'This exact address (any notation), e.g. 10.0.0.5 or 2001:DB8:0::5.',
      where: ([raw]) => {
        const a = parseAddress(String(raw));
        if (!a.ok) throw unprocessable([{ field: 'query.address', message: a.message }], 'Invalid list parameters.');
        return sql`${ipAddresses.address_key} = ${keyOf(a.value.family, a.value.value)}`;
      },
    },
    assigned_kind: { type: 'string', values: ASSIGNED_KINDS },
    assigned_id: { type: 'int' },
    assigned: {
      type: 'bool',
      description: 'true: only assigned addresses; false: only free-standing ones.',
      where: ([yes]) => (yes ? sql`${ipAddresses.assigned_id} IS NOT NULL` : sql`${ipAddresses.assigned_id} IS NULL`),
    },
    datacenter_id: {
      type: 'int',
      description: "Addresses of these datacenters (their target's, else their prefix's).",
      where: (ids) => sql`${sql.raw(siteId)} IN ${ids}`,
    },
    status: { type: 'string', values: ADDRESS_STATUSES },
    role: { type: 'string', values: ADDRESS_ROLES },
  },
  sortable: [
    'id',
    'address_key',
    'family',
    'prefix_length',
    'status',
    'role',
    'dns_name',
    'assigned_kind',
    'assigned_name',
    'datacenter_name',
    'created_at',
  ],
  defaultSort: 'address_key',
  searchable: ['address', 'dns_name', 'description'],
  scope: (ctx) => visibleWhere(ctx, ipAddressEntity),
  computed: () => ({
    prefix_id: sql.raw(enclosingId),
    prefix: sql.raw(enclosingPrefix('prefix', 'ip_addresses')),
    assigned_name: sql.raw(assignedName),
    datacenter_id: sql.raw(siteId),
    datacenter_name: sql.raw(`(SELECT d.name FROM datacenters d WHERE d.id = ${siteId})`),
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    "IP addresses (send `address` as `10.0.0.5/24` or `10.0.0.5`: without a mask it takes its prefix's length), " +
    'optionally assigned to a server, VM, network port or storage system. An address exists once; its prefix is ' +
    'the most specific one holding it, worked out on every read. An address on something in a rack above your ' +
    'clearance does not exist for you.',
  async prepare(ctx, input, before) {
    const row = before ? input : { status: 'active', ...input };
    return 'address' in input ? { ...row, ...(await storedAddress(ctx, String(input.address))) } : row;
  },
  async check(ctx, changes) {
    await checkAssignments(ctx, changes);
    await checkAddresses(ctx, changes);
  },
};
