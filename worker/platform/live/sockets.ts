/** Who is on the other end of a live WebSocket: set by the Worker at the upgrade, kept across hibernation. */
export interface SocketAttachment {
  user_id: number;
  clearance: string;
  /** the session's access expires then (ms): the socket is closed with CLOSE_EXPIRED and the browser renews */
  exp: number;
  /** rack sockets: only this server's series */
  server_id?: number | null;
}

export { CLOSE_UNAUTHENTICATED as CLOSE_EXPIRED, CLOSE_FORBIDDEN } from './close-codes';

export function socketAttachment(ws: WebSocket): SocketAttachment | null {
  try {
    return (ws.deserializeAttachment() as SocketAttachment | null) ?? null;
  } catch {
    return null;
  }
}

export const socketExpired = (a: SocketAttachment, now: number) => a.exp > 0 && now >= a.exp;
