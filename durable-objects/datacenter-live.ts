import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env';
import type { DatacenterMessage, RackSummary } from '../worker/telemetry/protocol';
import { summarizeDatacenter, type FacilityReading } from '../worker/telemetry/datacenter-summary';
import { clearanceCovers } from '../worker/platform/access/zones';
import { socketAttachment, socketExpired, CLOSE_EXPIRED, type SocketAttachment } from '../worker/platform/live/sockets';
import { addReading, closeStale, type PueState } from '../worker/telemetry/pue-hours';

/** At most one message per socket per second: the dashboard does not need more, and it bounds fan-out. */
const PUSH_EVERY_MS = 1_000;
/** closed PUE hours that could not be written to D1 are tried again this much later */
const PUE_RETRY_MS = 60_000;

/**
 * One datacenter's live view (named by datacenter id), fed by its racks' objects with their summaries (at most
 * one a second each) and by facility meters (facility_power_kw). The dashboard opens one socket here instead
 * of one per rack: a datacenter of 1,000 racks is still one socket and one message a second per browser, and
 * the rack objects never fan out to dashboards themselves.
 */
export class DatacenterLive extends DurableObject<Env> {
  private readonly racks = new Map<number, RackSummary>();
  private facility: FacilityReading | null = null;
  private datacenterId = 0;
  private changed = new Set<number>();
  private lastPushAt = 0;
  private armed = false;
  /** the PUE hour being summed and the closed ones not yet in D1 (pue-hours.ts), durable in `kv` */
  private pue: PueState = { open: null, pending: [] };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
    ctx.blockConcurrencyWhile(async () => {
      const sql = ctx.storage.sql;
      sql.exec('CREATE TABLE IF NOT EXISTS racks (rack_id INTEGER PRIMARY KEY, summary TEXT NOT NULL)');
      sql.exec('CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)');
      for (const r of sql.exec<{ summary: string }>('SELECT summary FROM racks')) {
        const s = JSON.parse(r.summary) as RackSummary;
        this.racks.set(s.rack_id, s);
      }
      for (const r of sql.exec<{ k: string; v: string }>('SELECT k, v FROM kv')) {
        if (r.k === 'facility') this.facility = JSON.parse(r.v);
        if (r.k === 'datacenter_id') this.datacenterId = Number(r.v);
        if (r.k === 'pue') this.pue = JSON.parse(r.v);
      }
    });
  }

  private setKv(k: string, v: string) {
    this.ctx.storage.sql.exec('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', k, v);
  }

  private noteDatacenter(id: number) {
    if (this.datacenterId !== id) {
      this.datacenterId = id;
      this.setKv('datacenter_id', String(id));
    }
  }

  /** A rack object's latest summary. A rack that moved to another datacenter is dropped here. */
  updateRack(summary: RackSummary): void {
    if (this.datacenterId && summary.datacenter_id !== this.datacenterId) return;
    this.noteDatacenter(summary.datacenter_id);
    this.racks.set(summary.rack_id, summary);
    this.ctx.storage.sql.exec(
      'INSERT OR REPLACE INTO racks (rack_id, summary) VALUES (?, ?)',
      summary.rack_id,
      JSON.stringify(summary),
    );
    this.changed.add(summary.rack_id);
    this.schedule();
  }

  /** Forget a rack (deleted or moved away). */
  removeRack(rackId: number): void {
    this.racks.delete(rackId);
    this.ctx.storage.sql.exec('DELETE FROM racks WHERE rack_id = ?', rackId);
    this.schedule();
  }

  /**
   * Facility meter readings (facility_power_kw), newest kept, each live one summed into its hour of PUE with the
   * site's IT power now. Durable before this returns; an hour that closes is written to D1 (retried by alarm).
   * `now` is the object's clock (tests move it to close hours).
   */
  async ingestFacility(
    datacenterId: number,
    samples: { metric: string; ts: number; value: number }[],
    now = Date.now(),
  ): Promise<number> {
    this.noteDatacenter(datacenterId);
    let accepted = 0;
    const it = this.view(null, now, datacenterId).summary.site_it_power_kw;
    for (const s of [...samples].sort((a, b) => a.ts - b.ts)) {
      if (s.metric !== 'facility_power_kw') continue;
      accepted++;
      if (!this.facility || s.ts >= this.facility.ts) this.facility = { ts: s.ts, value: s.value };
      this.pue = addReading(this.pue, s.ts, s.value, it, now);
    }
    if (this.facility) this.setKv('facility', JSON.stringify(this.facility));
    this.setKv('pue', JSON.stringify(this.pue));
    this.schedule();
    await this.writePueHours(now);
    return accepted;
  }

  /** The PUE hour being summed (not yet in D1). */
  pueOpenHour() {
    return this.pue.open;
  }

  /** Closed PUE hours to D1, added to what is there (a retried write after a lost answer counts once more: rare). */
  private async writePueHours(now = Date.now()) {
    this.pue = closeStale(this.pue, now);
    if (!this.pue.pending.length || !this.datacenterId) return;
    const rows = this.pue.pending;
    try {
      await this.env.DB.batch(
        rows.map((h) =>
          this.env.DB.prepare(
            `INSERT INTO pue_rollups (datacenter_id, bucket_start, count, facility_sum, it_sum, pue_min, pue_max)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (datacenter_id, bucket_start) DO UPDATE SET count = count + excluded.count,
               facility_sum = facility_sum + excluded.facility_sum, it_sum = it_sum + excluded.it_sum,
               pue_min = min(pue_min, excluded.pue_min), pue_max = max(pue_max, excluded.pue_max)`,
          ).bind(this.datacenterId, h.start, h.count, h.facility_sum, h.it_sum, h.pue_min, h.pue_max),
        ),
      );
      this.pue = { ...this.pue, pending: this.pue.pending.filter((h) => !rows.includes(h)) };
      this.setKv('pue', JSON.stringify(this.pue));
    } catch (e) {
      console.warn(`datacenter ${this.datacenterId}: PUE hours not written, retrying: ${e}`);
      this.setKv('pue', JSON.stringify(this.pue));
      this.armed = true;
      await this.ctx.storage.setAlarm(Date.now() + PUE_RETRY_MS);
    }
  }

  /** The summary as seen with a clearance (null: everything): visible racks only, the site's PUE. */
  view(clearance: string | null, now = Date.now(), datacenterId = this.datacenterId) {
    const all = [...this.racks.values()];
    const racks = all.filter((r) => clearanceCovers(clearance, r.zone));
    return { summary: summarizeDatacenter(this.datacenterId || datacenterId, racks, this.facility, now, all), racks };
  }

  private schedule() {
    const now = Date.now();
    if (now - this.lastPushAt >= PUSH_EVERY_MS) {
      this.push(now);
      return;
    }
    if (!this.armed) {
      this.armed = true;
      void this.ctx.storage.setAlarm(this.lastPushAt + PUSH_EVERY_MS);
    }
  }

  override async alarm() {
    this.armed = false;
    this.push(Date.now());
    await this.writePueHours();
  }

  private push(now: number) {
    this.lastPushAt = now;
    const changed = this.changed;
    this.changed = new Set();
    const sockets = this.ctx.getWebSockets();
    if (!sockets.length) return;
    // one computation per distinct clearance, not per socket
    const views = new Map<string, string>();
    for (const ws of sockets) {
      const a = socketAttachment(ws);
      if (!a) continue;
      if (socketExpired(a, now)) {
        ws.close(CLOSE_EXPIRED, 'session expired');
        continue;
      }
      let msg = views.get(a.clearance);
      if (!msg) {
        const { summary, racks } = this.view(a.clearance, now);
        msg = JSON.stringify({
          type: 'dc_delta',
          datacenter_id: this.datacenterId,
          at: now,
          summary,
          racks: racks.filter((r) => changed.has(r.rack_id)),
        } satisfies DatacenterMessage);
        views.set(a.clearance, msg);
      }
      ws.send(msg);
    }
  }

  /** WebSocket upgrade forwarded by the Worker (worker/telemetry/live-routes.ts) with the user's identity. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('expected a WebSocket upgrade', { status: 426 });
    }
    const attachment = JSON.parse(request.headers.get('x-dcp-socket') ?? 'null') as SocketAttachment | null;
    const dcId = Number(request.headers.get('x-dcp-datacenter'));
    if (!attachment || !dcId) return new Response('missing identity', { status: 400 });
    this.noteDatacenter(dcId);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(attachment);
    const now = Date.now();
    const { summary, racks } = this.view(attachment.clearance, now);
    server.send(
      JSON.stringify({
        type: 'dc_snapshot',
        datacenter_id: this.datacenterId,
        at: now,
        summary,
        racks,
      } satisfies DatacenterMessage),
    );
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    if (message === 'snapshot') {
      const a = socketAttachment(ws);
      if (!a) return;
      const now = Date.now();
      const { summary, racks } = this.view(a.clearance, now);
      ws.send(
        JSON.stringify({
          type: 'dc_snapshot',
          datacenter_id: this.datacenterId,
          at: now,
          summary,
          racks,
        } satisfies DatacenterMessage),
      );
    }
  }

  override webSocketClose(ws: WebSocket, code: number) {
    try {
      ws.close(code === 1005 ? 1000 : code, 'bye');
    } catch {
      /* already closed */
    }
  }
}
