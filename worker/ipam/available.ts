import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { createRows, getRow, type Row } from '../platform/http/resource';
import { ProblemError, conflict } from '../platform/http/problem';
import { formatAddress, keyOf, parsePrefix, valueOfKey, type Prefix } from './cidr';
import { freeBlocks, nextFree } from './space';
import { prefixesResource } from './prefixes';
import { ipAddressesResource } from './ip-addresses';
import { inside } from './prefix-sql';

async function prefixRange(ctx: ServiceContext, id: number): Promise<{ row: Row; range: Prefix }> {
  const row = await getRow(ctx, prefixesResource, id);
  const p = parsePrefix(String(row.prefix));
  if (!p.ok) throw new Error(`prefix ${id} is stored as ${row.prefix}: ${p.message}`);
  return { row, range: p.value };
}

/**
 * Taken addresses of the range, every one of them: one the caller may not see is still not free (it is left
 * out of the offer without being named).
 */
async function usedIn(ctx: ServiceContext, p: Prefix): Promise<bigint[]> {
  const rows = await ctx.db.all<{ k: string }>(
    sql`SELECT address_key AS k FROM ip_addresses WHERE family = ${p.family} AND address_key >= ${keyOf(p.family, p.network)} AND address_key <= ${keyOf(p.family, p.broadcast)} ORDER BY address_key`,
  );
  return rows.map((r) => valueOfKey(r.k).value);
}

const offer = (p: Prefix, values: bigint[]) =>
  values.map((v) => ({
    address: `${formatAddress(p.family, v)}/${p.length}`,
    family: p.family,
    prefix_length: p.length,
  }));

/** The next free addresses of a prefix, in order, with its mask. */
export async function availableIps(ctx: ServiceContext, prefixId: number, limit: number) {
  const { row, range } = await prefixRange(ctx, prefixId);
  return offer(range, nextFree(range, await usedIn(ctx, range), limit, !!row.is_pool));
}

const ATTEMPTS = 5;

const lostRace = (e: unknown) =>
  (e instanceof ProblemError && e.status === 409 && (e.errors ?? []).some((f) => f.field.endsWith('address'))) ||
  /UNIQUE constraint failed: ip_addresses\.address_key/.test(String((e as Error)?.message));

/**
 * Take the next `count` free addresses of a prefix at once, with the same details (NetBox's POST
 * available-ips). Two callers racing for the same address: the loser's check or the unique index refuses it,
 * and it tries the next ones.
 */
export async function allocate(ctx: ServiceContext, prefixId: number, body: Row): Promise<Row[]> {
  const { count = 1, ...details } = body;
  for (let attempt = 1; ; attempt++) {
    const { row, range } = await prefixRange(ctx, prefixId);
    const free = nextFree(range, await usedIn(ctx, range), count, !!row.is_pool);
    if (free.length < count) {
      throw conflict(
        free.length
          ? `Prefix ${range.text} has only ${free.length} free addresses; ${count} were asked for.`
          : `Prefix ${range.text} is full: no free address left.`,
        [{ field: 'count', message: `${free.length} free` }],
      );
    }
    try {
      return await createRows(
        ctx,
        ipAddressesResource,
        offer(range, free).map((a) => ({ ...details, address: a.address })),
      );
    } catch (e) {
      if (attempt >= ATTEMPTS || !lostRace(e)) throw e;
    }
  }
}

/** Free blocks inside a prefix: the gaps its child prefixes leave, as the largest aligned CIDR blocks. */
export async function availablePrefixes(ctx: ServiceContext, prefixId: number, limit: number) {
  const { range } = await prefixRange(ctx, prefixId);
  const children = await ctx.db.all<{ n: string; b: string }>(
    sql`SELECT c.network_key AS n, c.broadcast_key AS b FROM prefixes c, prefixes prefixes WHERE prefixes.id = ${prefixId} AND ${sql.raw(inside('c', 'prefixes'))}`,
  );
  const blocks = freeBlocks(
    range,
    children.map((c) => ({ network: valueOfKey(c.n).value, broadcast: valueOfKey(c.b).value })),
    limit,
  );
  return blocks.map((b) => ({ prefix: b.text, family: b.family, prefix_length: b.length }));
}
