// The TCO answers: the estate's generations as starting points, and a scenario worked out.
import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { andVisible } from '../platform/access/entities';
import { serverEntity } from '../dcim/access';
import { loadEstate } from './estate';
import { fleetGroups, type ModelOf } from './tco-fleet';
import { tco, type TcoScenario } from './tco';
import { DAY, HOUR } from './time';

/** The last 30 days of complete hours: long enough to meter a typical week's load several times over. */
export const last30Days = (now: number) => {
  const to = Math.floor(now / HOUR) * HOUR;
  return { from: to - 30 * DAY, to };
};

export async function loadFleet(ctx: ServiceContext, now: number, datacenterId?: number) {
  const e = await loadEstate(ctx, last30Days(now));
  const vs = andVisible(ctx, serverEntity, 's');
  const rows = await ctx.db.all<ModelOf & { id: number }>(
    sql`SELECT s.id, s.manufacturer, s.model, s.server_type FROM servers s WHERE 1 = 1${vs}`,
  );
  const groups = fleetGroups(e, new Map(rows.map((r) => [r.id, r])), now).filter(
    (g) => datacenterId === undefined || g.datacenter_id === datacenterId,
  );
  return { e, groups };
}

export async function tcoFleet(ctx: ServiceContext, q: { datacenter_id?: number }, now = Date.now()) {
  const { groups } = await loadFleet(ctx, now, q.datacenter_id);
  const notes: string[] = [];
  if (groups.some((g) => g.currency === null))
    notes.push('Some sites have no tariff: their energy and space prices are 0 until you give them.');
  if (groups.some((g) => g.power_basis === 'nameplate'))
    notes.push('Where nothing metered a generation over the last 30 days its power is the nameplate (allocated) draw.');
  return { groups, notes };
}

export const tcoScenario = (body: TcoScenario & { currency?: string }) => ({
  currency: body.currency ?? null,
  ...tco(body),
});
