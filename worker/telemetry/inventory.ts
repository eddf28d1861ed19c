import type { Env } from '../env';
import type { Change } from '../platform/http/resource';
import { zoneRises } from '../platform/access/zones';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';
import { datacenterLive } from '../../durable-objects/datacenter-client';
import { forgetInventory } from './resolve';
import { rackMeta } from './query';

type Row = Record<string, any>;

const metaOf = (r: Row) =>
  rackMeta({
    rack_id: Number(r.id),
    datacenter_id: Number(r.datacenter_id),
    name: String(r.name),
    zone: String(r.security_zone),
    power_capacity_kw: Number(r.power_capacity_kw),
  });

/**
 * Racks were updated (after the write committed): each changed rack's object gets its new metadata in this
 * request, closing the live sockets its new zone no longer admits (4403) before the response leaves; the
 * device cache forgets the rack, and a datacenter the rack left forgets it too.
 */
export async function racksChanged(env: Env, changes: Change[]): Promise<void> {
  const fields = ['security_zone', 'name', 'datacenter_id', 'power_capacity_kw'];
  await Promise.all(
    changes
      .filter((c) => c.before && fields.some((f) => c.before![f] !== c.after[f]))
      .map(async ({ before, after }) => {
        forgetInventory({ rack_id: Number(after.id) });
        await rackTelemetry(env, Number(after.id)).inventoryChanged({ meta: metaOf(after) });
        if (before!.datacenter_id !== after.datacenter_id) {
          await datacenterLive(env, Number(before!.datacenter_id)).removeRack(Number(after.id));
        }
      }),
  );
}

/**
 * Servers were updated: one that moved to another rack is routed there from its next sample, and the sockets
 * that followed it on its old rack (?server_id) are closed when the new rack's zone is above their clearance.
 */
export async function serversChanged(env: Env, changes: Change[]): Promise<void> {
  const moved = changes.filter((c) => c.before && Number(c.before.rack_id) !== Number(c.after.rack_id));
  if (!moved.length) return;
  const ids = [...new Set(moved.flatMap((c) => [Number(c.before!.rack_id), Number(c.after.rack_id)]))];
  const { results } = await env.DB.prepare(
    'SELECT id, security_zone AS zone FROM racks WHERE id IN (SELECT value FROM json_each(?))',
  )
    .bind(JSON.stringify(ids))
    .all<{ id: number; zone: string }>();
  const zoneOf = new Map(results.map((r) => [r.id, r.zone]));
  await Promise.all(
    moved.map(async ({ before, after }) => {
      const serverId = Number(after.id);
      forgetInventory({ server_id: serverId });
      const from = zoneOf.get(Number(before!.rack_id));
      const to = zoneOf.get(Number(after.rack_id));
      if (!from || !to || !zoneRises(from, to)) return;
      await rackTelemetry(env, Number(before!.rack_id)).inventoryChanged({
        server_left: { server_id: serverId, zone: to },
      });
    }),
  );
}
