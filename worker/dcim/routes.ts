import { Elevation } from './schemas/elevation';
import type { Api } from '../platform/http/api';
import { IdParams, getRow, mountResource } from '../platform/http/resource';
import { mountsIn } from './mounted';
import { buildElevation } from './elevation';
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
      summary:
        'Rack elevation: every U from the top down with the device occupying it (servers, storage, network, PDUs), and the free runs',
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
      const devices = (await mountsIn(ctx, [params.id])).map(({ rack_id: _, ...d }) => d);
      return c.json({ rack, ...buildElevation(rack as never, devices) });
    },
  );
}
