import type { Env } from '../../worker/env';
import type { LivePoint, RackMessage, RackSummary } from '../../worker/telemetry/protocol';
import { clearanceCovers } from '../../worker/platform/access/zones';
import {
  CLOSE_EXPIRED,
  CLOSE_FORBIDDEN,
  socketAttachment,
  socketExpired,
  type SocketAttachment,
} from '../../worker/platform/live/sockets';
import { datacenterLive } from '../datacenter-client';
import type { RackViews } from './rack-views';
import type { RackState } from './rack-state';
import type { SeriesRef } from './types';

/** The datacenter object hears from a rack at most this often. */
const SUMMARY_EVERY_MS = 1_000;

/**
 * A rack object's live fan-out: its WebSockets (hibernatable; the attachment says who is on the other end),
 * pushes coalesced to one message per socket per push interval, and its summary to the datacenter's object.
 */
export class LiveFanout {
  private pending = new Map<string, LivePoint>();
  private lastPushAt = 0;
  private lastSummaryAt = 0;
  private summaryDirty = false;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly pushIntervalMs: number,
    private readonly views: RackViews,
    private readonly state: RackState,
  ) {}

  note(s: SeriesRef, ts: number, value: number): void {
    const prev = this.pending.get(s.key);
    if (!prev || ts >= prev.ts)
      this.pending.set(s.key, { key: s.key, server_id: s.server_id, metric: s.metric, ts, value });
    this.summaryDirty = true;
  }

  /** When the next push or summary is due (Infinity: nothing waits). */
  dueAt(): number {
    const due: number[] = [];
    if (this.pending.size) due.push(this.lastPushAt + this.pushIntervalMs);
    if (this.summaryDirty) due.push(this.lastSummaryAt + SUMMARY_EVERY_MS);
    return Math.min(Infinity, ...due);
  }

  /** Push and report what is due at `now` (everything waiting when `force`). */
  tick(now: number, force = false): void {
    if (this.pending.size && (force || now - this.lastPushAt >= this.pushIntervalMs)) this.push(now);
    if (this.summaryDirty && (force || now - this.lastSummaryAt >= SUMMARY_EVERY_MS)) void this.sendSummary(now);
  }

  /** The summary to the datacenter's object; awaited only when the inventory changed (a zone must not lag). */
  sendSummary(now: number): Promise<void> {
    this.lastSummaryAt = now;
    this.summaryDirty = false;
    const summary = this.views.summary(now);
    if (!summary) return Promise.resolve();
    // the datacenter view is a convenience; the next summary a second later repairs a miss
    return datacenterLive(this.env, summary.datacenter_id)
      .updateRack(summary)
      .catch((e: unknown) => console.warn(`rack ${summary.rack_id}: summary not delivered`, e));
  }

  private push(now: number) {
    this.lastPushAt = now;
    const points = [...this.pending.values()];
    this.pending = new Map();
    const meta = this.state.meta;
    const sockets = this.ctx.getWebSockets();
    if (!sockets.length || !meta) return;
    const summary = this.views.summary(now);
    const message = (pts: LivePoint[]) =>
      JSON.stringify({ type: 'delta', rack_id: meta.rack_id, at: now, points: pts, summary } satisfies RackMessage);
    const all = message(points);
    for (const ws of sockets) {
      const a = socketAttachment(ws);
      if (!a) continue;
      if (socketExpired(a, now)) {
        ws.close(CLOSE_EXPIRED, 'session expired');
        continue;
      }
      if (!clearanceCovers(a.clearance, meta.zone)) {
        this.revoke(ws);
        continue;
      }
      if (a.server_id == null) {
        ws.send(all);
        continue;
      }
      const mine = points.filter((p) => p.server_id === a.server_id);
      if (mine.length) ws.send(message(mine));
    }
  }

  /**
   * Close (CLOSE_FORBIDDEN, after a `revoked` message) every socket whose clearance is below `zone`; of one
   * server's sockets only, when `serverId` is set (a server moved to a rack of a higher zone). Returns how many.
   */
  revokeBelow(zone: string, serverId?: number): number {
    let closed = 0;
    for (const ws of this.ctx.getWebSockets()) {
      const a = socketAttachment(ws);
      if (!a || clearanceCovers(a.clearance, zone)) continue;
      if (serverId !== undefined && a.server_id !== serverId) continue;
      this.revoke(ws);
      closed++;
    }
    return closed;
  }

  private revoke(ws: WebSocket) {
    const msg: RackMessage = { type: 'revoked', rack_id: this.state.meta?.rack_id ?? 0, at: Date.now() };
    try {
      ws.send(JSON.stringify(msg));
      ws.close(CLOSE_FORBIDDEN, 'not cleared for this rack');
    } catch {
      /* already closed */
    }
  }

  /** A new subscriber (forwarded by the Worker after it authenticated the user and checked clearance). */
  accept(attachment: SocketAttachment, now: number): WebSocket {
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(attachment);
    server.send(this.snapshot(attachment, now));
    return client;
  }

  snapshot(a: SocketAttachment, now: number): string {
    const summary: RackSummary | null = this.views.summary(now);
    return JSON.stringify({
      type: 'snapshot',
      rack_id: this.state.meta?.rack_id ?? 0,
      at: now,
      series: this.views.live(a.server_id, now),
      summary,
    } satisfies RackMessage);
  }
}
