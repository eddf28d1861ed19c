import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env';
import { clearanceCovers } from '../worker/platform/access/zones';
import { socketAttachment, socketExpired, CLOSE_EXPIRED, type SocketAttachment } from '../worker/platform/live/sockets';
import { changesAfterCursor, cursorAdvance, type AlertChange, type AlertFeedMessage } from '../worker/alerting/feed';
import { closeDueGroups, dispatchStatements, loadRouting, sendDueDeliveries } from '../worker/alerting/notify/dispatch';
import { nextDueAt } from '../worker/alerting/notify/queue';

/** The cursors in table alert_cursors: the live feed's, and notification routing's. */
const FEED = 'feed';
const DISPATCH = 'dispatch';
/** A poke that found D1 unwilling is tried again this soon (the per-minute cron pokes too). */
const RETRY_MS = 5_000;

/**
 * The one place alert changes fan out from (a single instance, named "all"). Whoever changes an alert (a rack
 * object recording a transition, the inventory cron, the Alertmanager receiver, a person acknowledging) writes
 * the alert and its history step to D1 and then pokes this object; it reads the history after its cursor and
 * pushes each change to the browsers whose clearance covers the alert's zone, then routes it to notifications
 * (worker/alerting/notify/): groups that wait for companions, deliveries with retries, its alarm set for whichever
 * is due next. The cursors live in D1 beside the events, so a lost poke is made good by the next one (the cron
 * pokes every minute) and nothing is skipped or routed twice.
 */
export class AlertHub extends DurableObject<Env> {
  private draining: Promise<number> | null = null;
  private again = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
  }

  /** Alerts changed: push what is new. Returns how many changes went out (0 while another drain runs). */
  async poke(): Promise<number> {
    if (this.draining) {
      // one drain at a time (D1 awaits let calls interleave); the running one goes round again
      this.again = true;
      return 0;
    }
    this.draining = this.drain();
    try {
      return await this.draining;
    } finally {
      this.draining = null;
    }
  }

  private async drain(): Promise<number> {
    let sent = 0;
    try {
      do {
        this.again = false;
        for (;;) {
          const changes = await changesAfterCursor(this.env.DB, FEED);
          if (!changes.length) break;
          this.push(changes);
          sent += changes.length;
          await cursorAdvance(this.env.DB, FEED, changes[changes.length - 1]!.event_id).run();
        }
        await this.dispatch();
      } while (this.again);
    } catch (e) {
      console.error('alert hub: reading alert changes failed, will retry', e);
      await this.ctx.storage.setAlarm(Date.now() + RETRY_MS);
    }
    return sent;
  }

  /**
   * Notifications: route new changes into groups (with the cursor, in one batch: each change is routed once),
   * close the groups whose wait is over, attempt the deliveries due, and wake up when the next one is.
   */
  private async dispatch() {
    const db = this.env.DB;
    for (;;) {
      const changes = await changesAfterCursor(db, DISPATCH);
      if (!changes.length) break;
      const now = Date.now();
      await db.batch([
        ...dispatchStatements(db, changes, await loadRouting(db), now),
        cursorAdvance(db, DISPATCH, changes[changes.length - 1]!.event_id),
      ]);
    }
    await closeDueGroups(db, Date.now());
    while ((await sendDueDeliveries(this.env, Date.now())) === 50);
    const due = await nextDueAt(db);
    if (due !== null) await this.ctx.storage.setAlarm(Math.max(Date.now() + 50, due));
  }

  override async alarm() {
    await this.poke();
  }

  private push(changes: AlertChange[]) {
    const sockets = this.ctx.getWebSockets();
    if (!sockets.length) return;
    const now = Date.now();
    const frames = changes.map((c) => ({
      zone: c.zone,
      frame: JSON.stringify({
        type: 'alert',
        event: c.event,
        at: c.event_ts,
        alert: c.alert,
      } satisfies AlertFeedMessage),
    }));
    for (const ws of sockets) {
      const a = socketAttachment(ws);
      if (!a) continue;
      if (socketExpired(a, now)) {
        ws.close(CLOSE_EXPIRED, 'session expired');
        continue;
      }
      for (const f of frames) if (clearanceCovers(a.clearance, f.zone)) ws.send(f.frame);
    }
  }

  /** The WebSocket upgrade forwarded by the Worker (GET /api/live/alerts) with the user's identity. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('expected a WebSocket upgrade', { status: 426 });
    }
    const attachment = JSON.parse(request.headers.get('x-dcp-socket') ?? 'null') as SocketAttachment | null;
    if (!attachment) return new Response('missing identity', { status: 400 });
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(attachment);
    // the browser re-reads the list on this: it may have missed changes while it was away
    server.send(JSON.stringify({ type: 'hello', at: Date.now() } satisfies AlertFeedMessage));
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketClose(ws: WebSocket, code: number) {
    try {
      ws.close(code === 1005 ? 1000 : code, 'bye');
    } catch {
      /* already closed */
    }
  }
}
