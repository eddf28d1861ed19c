import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { andVisible } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';

export interface DeviceRow {
  kind: string;
  id: number;
  name: string;
  rack_id: number;
  power_w: number;
  status: string;
}

/**
 * Rack-mounted devices that draw power (every rack_mounts kind but PDUs) in racks the caller may see, picked by
 * `where` over alias `m` (and `r`, the rack).
 */
export async function visibleDevices(ctx: ServiceContext, where: ReturnType<typeof sql>): Promise<DeviceRow[]> {
  return ctx.db.all<DeviceRow>(
    sql`SELECT m.kind, m.id, m.name, m.rack_id, m.power_w, m.status
          FROM rack_mounts m JOIN racks r ON r.id = m.rack_id
         WHERE m.kind <> 'pdu' AND ${where}${andVisible(ctx, rackEntity, 'r')}`,
  );
}
