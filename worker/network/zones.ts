import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import type { Row } from '../platform/http/resource';
import { mayNeedStepUp, requireStepUpForZones } from '../platform/identity/step-up';

/** The security zones of the racks holding these ports (through their devices). */
async function zonesOfPorts(ctx: ServiceContext, portIds: number[]): Promise<string[]> {
  if (!portIds.length) return [];
  const rows = await ctx.db.all<{ zone: string }>(
    sql`SELECT DISTINCT r.security_zone AS zone FROM network_ports p
          JOIN network_devices d ON d.id = p.device_id JOIN racks r ON r.id = d.rack_id
         WHERE p.id IN (SELECT value FROM json_each(${JSON.stringify(portIds)}))`,
  );
  return rows.map((r) => r.zone);
}

async function zonesOfDevices(ctx: ServiceContext, deviceIds: number[]): Promise<string[]> {
  if (!deviceIds.length) return [];
  const rows = await ctx.db.all<{ zone: string }>(
    sql`SELECT DISTINCT r.security_zone AS zone FROM network_devices d JOIN racks r ON r.id = d.rack_id
         WHERE d.id IN (SELECT value FROM json_each(${JSON.stringify(deviceIds)}))`,
  );
  return rows.map((r) => r.zone);
}

const ids = (rows: Row[], field: string) => [...new Set(rows.map((r) => Number(r[field])).filter(Number.isFinite))];

/** Ports inherit the step-up policy of their device's rack zone. */
export async function guardPorts(ctx: ServiceContext, rows: Row[]) {
  if (!mayNeedStepUp(ctx)) return;
  requireStepUpForZones(ctx, await zonesOfDevices(ctx, ids(rows, 'device_id')));
}

/** A cable touches the zones of both its ends. */
export async function guardCables(ctx: ServiceContext, rows: Row[]) {
  if (!mayNeedStepUp(ctx)) return;
  requireStepUpForZones(ctx, await zonesOfPorts(ctx, [...ids(rows, 'a_port_id'), ...ids(rows, 'b_port_id')]));
}
