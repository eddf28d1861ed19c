import * as v from 'valibot';
import type { Api, Ctx } from '../platform/http/api';
import { IdParams } from '../platform/http/resource';
import { ProblemError, notFound } from '../platform/http/problem';
import { requireStepUp } from '../platform/identity/step-up';
import type { Actor } from '../platform/context';
import type { SocketAttachment } from './sockets';
import { rackMeta, visibleRack, visibleServer } from './query';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';
import { datacenterLive } from '../../durable-objects/datacenter-client';

function upgradeOnly(c: Ctx) {
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    throw new ProblemError(426, 'upgrade-required', 'This endpoint is a WebSocket: connect with Upgrade: websocket.', {
      headers: { Upgrade: 'websocket' },
    });
  }
}

/**
 * Who the socket belongs to, fixed at the upgrade. It is closed (4401) when the access it was opened with would
 * have expired, so a revoked or ended session stops receiving within ACCESS_TOKEN_EXPIRE_MINUTES.
 */
function attachmentFor(c: Ctx, user: Actor, serverId: number | null): SocketAttachment {
  const minutes = Number(c.env.ACCESS_TOKEN_EXPIRE_MINUTES ?? 30) || 30;
  return { user_id: user.id, clearance: user.clearance, exp: Date.now() + minutes * 60_000, server_id: serverId };
}

/** Forward the upgrade to the object with the identity in a header only the Worker can set. */
async function forward(c: Ctx, stub: { fetch(r: Request): Promise<Response> }, headers: Record<string, string>) {
  const req = new Request(c.req.raw.url, { headers: { upgrade: 'websocket', ...headers } });
  const res = await stub.fetch(req);
  // a fresh response: the middleware adds headers (request id, security) and the object's are immutable
  return new Response(null, { status: res.status, webSocket: res.webSocket, headers: new Headers(res.headers) });
}

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
