import type { Ctx } from '../http/api';
import { ProblemError } from '../http/problem';
import type { Actor } from '../context';
import type { SocketAttachment } from './sockets';

/** 426 for a plain GET of a WebSocket endpoint. */
export function upgradeOnly(c: Ctx) {
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
export function attachmentFor(c: Ctx, user: Actor, serverId: number | null = null): SocketAttachment {
  const minutes = Number(c.env.ACCESS_TOKEN_EXPIRE_MINUTES ?? 30) || 30;
  return { user_id: user.id, clearance: user.clearance, exp: Date.now() + minutes * 60_000, server_id: serverId };
}

/** Forward the upgrade to a Durable Object with the identity in a header only the Worker can set. */
export async function forwardUpgrade(
  c: Ctx,
  stub: { fetch(r: Request): Promise<Response> },
  headers: Record<string, string>,
) {
  const req = new Request(c.req.raw.url, { headers: { upgrade: 'websocket', ...headers } });
  const res = await stub.fetch(req);
  // a fresh response: the middleware adds headers (request id, security) and the object's are immutable
  return new Response(null, { status: res.status, webSocket: res.webSocket, headers: new Headers(res.headers) });
}
