import { Elevation } from './schemas/elevation';
import { eq } from 'drizzle-orm';
import type { Api } from '../platform/http/api';
import { IdParams, getRow, mountResource } from '../platform/http/resource';
import { servers } from './tables';
import { buildElevation, type ElevationDevice } from './elevation';
import { datacentersResource } from './datacenters';
import { racksResource } from './racks';
import { serversResource } from './servers';

export function mountDcim(api: Api) {
  mountResource(api, datacentersResource);
  mountResource(api, racksResource);
  mountResource(api, serversResource);

  api.op(
    {
      method: 'get',
      path: '/racks/{id}/elevation',
      summary: 'Rack elevation: every U from the top down with the server occupying it, and the free runs',
      tags: ['Racks'],
      access: 'inventory:read',
      params: IdParams,
      responses: [
        { status: 200, description: 'The elevation', schema: Elevation, name: 'Elevation' },
        { status: 404, description: 'No such rack' },
      ],
    },
    async (c, { ctx, params }) => {
      const rack = await getRow(ctx, racksResource, params.id);
      const devices = await ctx.db
        .select({
          id: servers.id,
          name: servers.name,
          u_position: servers.u_position,
          u_size: servers.u_size,
          power_supply_w: servers.power_supply_w,
          server_type: servers.server_type,
          status: servers.status,
          health: servers.health,
          manufacturer: servers.manufacturer,
          model: servers.model,
        })
        .from(servers)
        .where(eq(servers.rack_id, params.id))
        .all();
      return c.json({ rack, ...buildElevation(rack as never, devices as ElevationDevice[]) });
    },
  );
}
