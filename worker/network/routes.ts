import type { Api } from '../platform/http/api';
import { mountResource } from '../platform/http/resource';
import { devicesResource } from './devices';
import { portsResource } from './ports';
import { cablesResource } from './cables';
import { Topology, TopologyQuery, Traffic, TrafficQuery } from './schemas/traffic';
import { networkTopology, networkTraffic } from './traffic';

export function mountNetwork(api: Api) {
  mountResource(api, devicesResource);
  mountResource(api, portsResource);
  mountResource(api, cablesResource);

  api.op(
    {
      method: 'get',
      path: '/network/topology',
      summary: 'The network as a graph: devices, and one edge per cabled pair of devices with its total capacity',
      description:
        'Nodes carry a layer for drawing (core, distribution, access, others); an edge folds all cables between ' +
        'two devices and is as busy as its busiest cable (null when no port reports traffic).',
      tags: ['Network'],
      access: 'inventory:read',
      query: TopologyQuery,
      responses: [{ status: 200, description: 'The graph', schema: Topology, name: 'NetworkTopology' }],
    },
    async (c, { ctx, query }) => c.json(await networkTopology(ctx, query.datacenter_id)),
  );

  api.op(
    {
      method: 'get',
      path: '/network/traffic',
      summary: 'Per-link utilisation (max of in and out bps over the slower end’s speed), busiest first',
      description:
        'Rates are the latest fresh port readings (gauges `network_rx_bps` / `network_tx_bps` labelled ' +
        '`device` and `ifName`). Without them `source` is "no telemetry" and the figures are null.',
      tags: ['Network'],
      access: 'inventory:read',
      query: TrafficQuery,
      responses: [{ status: 200, description: 'Links, busiest first', schema: Traffic, name: 'NetworkTraffic' }],
    },
    async (c, { ctx, query }) => c.json(await networkTraffic(ctx, query.datacenter_id, query.limit)),
  );
}
