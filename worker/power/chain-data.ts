import { and, eq, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { notFound } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { datacenters, racks } from '../dcim/tables';
import { rackEntity } from '../dcim/access';
import { latestValues, visibleRacks } from '../telemetry/query';
import { summarizeRack } from '../telemetry/rack-summary';
import { pdus, powerFeeds, powerSupplies } from './tables';
import { pduEntity } from './access';
import { visibleDevices, type DeviceRow } from './devices';
import type { Chain } from './chain-model';
import { anyOf } from '../platform/http/sql-match';

export interface SiteChain extends Chain {
  datacenter: { id: number; name: string };
  feeds: (typeof powerFeeds.$inferSelect)[];
  pdus: (typeof pdus.$inferSelect)[];
  supplies: (typeof powerSupplies.$inferSelect)[];
  devices: DeviceRow[];
  racks: Pick<typeof racks.$inferSelect, 'id' | 'name' | 'row' | 'position' | 'power_capacity_kw' | 'security_zone'>[];
}

/**
 * A datacenter's power chain as the caller may see it: every feed (feeds have no zone), and the PDUs, supplies,
 * devices and racks of the racks within their clearance. What lies beyond it is simply absent.
 */
export async function loadSiteChain(ctx: ServiceContext, datacenterId: number): Promise<SiteChain> {
  const dc = await ctx.db
    .select({ id: datacenters.id, name: datacenters.name })
    .from(datacenters)
    .where(eq(datacenters.id, datacenterId))
    .get();
  if (!dc) throw notFound('Datacenter', datacenterId);
  const [feeds, rackRows, devices] = await Promise.all([
    ctx.db.select().from(powerFeeds).where(eq(powerFeeds.datacenter_id, dc.id)).orderBy(powerFeeds.name).all(),
    ctx.db
      .select({
        id: racks.id,
        name: racks.name,
        row: racks.row,
        position: racks.position,
        power_capacity_kw: racks.power_capacity_kw,
        security_zone: racks.security_zone,
      })
      .from(racks)
      .where(and(eq(racks.datacenter_id, dc.id), visibleWhere(ctx, rackEntity)))
      .orderBy(racks.row, racks.position, racks.name)
      .all(),
    visibleDevices(ctx, sql`r.datacenter_id = ${dc.id}`),
  ]);
  const rackIds = rackRows.map((r) => r.id);
  const pduRows = rackIds.length
    ? await ctx.db
        .select()
        .from(pdus)
        .where(and(anyOf(pdus.rack_id, rackIds), visibleWhere(ctx, pduEntity)))
        .orderBy(pdus.name)
        .all()
    : [];
  const pduIds = pduRows.map((p) => p.id);
  const supplies = pduIds.length
    ? await ctx.db
        .select()
        .from(powerSupplies)
        .where(anyOf(powerSupplies.pdu_id, pduIds))
        .orderBy(powerSupplies.pdu_id, powerSupplies.outlet)
        .all()
    : [];
  return { datacenter: dc, feeds, pdus: pduRows, supplies, devices, racks: rackRows };
}

/**
 * Measured rack power from telemetry (the PDU's meter when there is one, else the servers' own readings), by
 * rack id; null when nothing fresh was reported. A telemetry failure leaves the figures null, not the answer.
 */
export async function measuredKw(ctx: ServiceContext, datacenterId: number): Promise<Map<number, number | null>> {
  const out = new Map<number, number | null>();
  try {
    const refs = await visibleRacks(ctx, { datacenter_id: datacenterId });
    const latest = await latestValues(ctx, refs, { metrics: ['power_kw', 'power_w'] });
    const now = Date.now();
    for (const r of refs) {
      out.set(
        r.rack_id,
        summarizeRack(
          r,
          latest.filter((l) => l.rack_id === r.rack_id),
          0,
          now,
        ).power_kw,
      );
    }
  } catch (e) {
    console.error('power: measured rack power unavailable', e);
  }
  return out;
}
