import * as v from 'valibot';
import type { Api } from '../platform/http/api';
import { IdParams } from '../platform/http/resource';
import { notFound } from '../platform/http/problem';
import { requireStepUp } from '../platform/identity/step-up';
import { attachmentFor, forwardUpgrade as forward, upgradeOnly } from '../platform/live/upgrade';
import { rackMeta, visibleRack, visibleServer } from './query';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';
import { datacenterLive } from '../../durable-objects/datacenter-client';

export function mountLiveRoutes(api: Api) {
  api.op(
    {
      method: 'get',
      path: '/live/racks/{id}',
      summary: "WebSocket: one rack's live samples (snapshot, then deltas at most every 250 ms)",
      description:
        'Messages are JSON, typed in worker/telemetry/protocol.ts. Send "ping" to get "pong". server_id limits ' +
        'the stream to one server. Closes with 4401 when the session behind it expires, 4403 when the rack ' +
        'moves above your clearance.',
      tags: ['Telemetry'],
      access: 'inventory:read',
      params: IdParams,
      query: v.object({
        server_id: v.optional(v.pipe(v.string(), v.regex(/^\d+$/, 'must be a server id'), v.transform(Number))),
      }),
      responses: [
        { status: 101, description: 'Switching protocols' },
        { status: 404, description: 'No such rack (or above your clearance)' },
        { status: 426, description: 'Not a WebSocket upgrade' },
      ],
    },
    async (c, { ctx, params, query, user }) => {
      upgradeOnly(c);
      const rack = await visibleRack(ctx, params.id);
      if (query.server_id !== undefined) {
        const server = await visibleServer(ctx, query.server_id);
        if (server.rack_id !== rack.rack_id) throw notFound('server', query.server_id);
      }
      requireStepUp(ctx, rack.zone);
      const stub = rackTelemetry(c.env, rack.rack_id);
      return forward(c, stub, {
        'x-dcp-socket': JSON.stringify(attachmentFor(c, user!, query.server_id ?? null)),
        'x-dcp-rack-meta': JSON.stringify(rackMeta(rack)),
      });
    },
  );

  api.op(
    {
      method: 'get',
      path: '/live/datacenters/{id}',
      summary: "WebSocket: a datacenter's live summary and its racks' summaries (at most one message a second)",
      tags: ['Telemetry'],
      access: 'inventory:read',
      params: IdParams,
      responses: [
        { status: 101, description: 'Switching protocols' },
        { status: 404, description: 'No such datacenter' },
        { status: 426, description: 'Not a WebSocket upgrade' },
      ],
    },
    async (c, { ctx, params, user }) => {
      upgradeOnly(c);
      const dc = await ctx.env.DB.prepare('SELECT id FROM datacenters WHERE id = ?').bind(params.id).first();
      if (!dc) throw notFound('datacenter', params.id);
      const stub = datacenterLive(c.env, params.id);
      return forward(c, stub, {
        'x-dcp-socket': JSON.stringify(attachmentFor(c, user!, null)),
        'x-dcp-datacenter': String(params.id),
      });
    },
  );
}
