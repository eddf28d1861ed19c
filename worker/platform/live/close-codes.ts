// WebSocket close codes of the live sockets, sent by the Durable Objects and understood by the UI's live store
// (web/lib/live/socket.svelte.ts). No imports, erasable TypeScript only.

/** the session expired (or was never valid): the browser renews its access and reconnects */
export const CLOSE_UNAUTHENTICATED = 4401;
/** the subscriber's clearance does not cover the rack */
export const CLOSE_FORBIDDEN = 4403;
/** no such rack or datacenter (the UI also uses it when its probe answers 404) */
export const CLOSE_NOT_FOUND = 4404;
