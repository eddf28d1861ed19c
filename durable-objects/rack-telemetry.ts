import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env';
import { canonicalLabels, seriesKey, telemetryConfig, type TelemetryConfig } from '../worker/telemetry/config';
import { HOUR, MINUTE, SeriesWindows } from '../worker/telemetry/aggregate/series-windows';
import { alignTo, statsOf, type Bucket } from '../worker/telemetry/aggregate/bucket';
import {
  WINDOWS,
  type LivePoint,
  type RackMessage,
  type RackSummary,
  type SeriesLive,
} from '../worker/telemetry/protocol';
import { summarizeRack, type LatestValue } from '../worker/telemetry/rack-summary';
import { writeRollups, type RollupRow } from '../worker/telemetry/rollups';
import { zoneRank } from '../worker/auth/clearance';
import { RawRing } from './telemetry/raw-ring';
import {
  socketAttachment,
  socketExpired,
  type SocketAttachment,
  CLOSE_EXPIRED,
  CLOSE_FORBIDDEN,
} from '../worker/telemetry/sockets';

/** What the Worker knows about the rack, sent with every batch (the object has no D1 reads on its hot path). */
export interface RackMeta {
  rack_id: number;
  datacenter_id: number;
  name: string;
  zone: string;
  power_capacity_kw: number;
}

export interface IngestSample {
  server_id: number | null;
  metric: string;
  labels: Record<string, string>;
  ts: number;
  value: number;
}

export interface IngestResult {
  accepted: number;
  /** samples of series refused because the rack already holds TELEMETRY_MAX_SERIES_PER_RACK series */
  rejected: number;
  samples_total: number;
}

export interface SeriesRange {
  server_id: number | null;
  metric: string;
  labels: Record<string, string>;
  /** 1-minute buckets not yet flushed to D1 (or all kept in memory from `from`), oldest first */
  minutes: RollupPoint[];
  /** raw samples (one per slot) from `from`, when asked */
  raw: [number, number][];
}
export interface RollupPoint {
  ts: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  p95: number;
}

export interface RackStorageStats {
  series: number;
  /** rough size of the in-memory aggregates (buckets and sketch bins), for capacity planning */
  memory_estimate_bytes: number;
  ring_rows: number;
  database_bytes: number;
  ring_slots_per_series: number;
  samples_total: number;
  flushed_1m_until: number;
  flushed_1h_until: number;
}

interface SeriesInfo {
  id: number;
  key: string;
  server_id: number | null;
  metric: string;
  labels: Record<string, string>;
  windows: SeriesWindows;
}

/** A 1-minute bucket is final this long after its end (room for samples in flight). */
const GRACE_MS = 15_000;
/** How often completed buckets go to D1 (and the datacenter summary at most this often, too). */
const FLUSH_EVERY_MS = 60_000;
const SUMMARY_EVERY_MS = 1_000;
const MAINTENANCE_EVERY_MS = HOUR;

/**
 * One rack's live telemetry (named by rack id). Owns, in its own SQLite storage:
 *  - `ring`: raw samples, one per series per slot of TELEMETRY_RAW_RESOLUTION_SECONDS, slot = time mod retention,
 *    so a series never holds more than retention/resolution rows (bounded by construction, no deletes on the
 *    hot path). Keyed (slot, series_id): one tick of a rack writes neighbouring rows, the cheap case for SQLite.
 *  - `series`: identity of each series (server, metric, labels).
 * In memory it keeps rolling aggregates per series (1-minute and 1-hour buckets with quantile sketches),
 * maintained sample by sample, rebuilt from the ring after an eviction. An alarm flushes completed buckets into
 * D1 `metric_rollups`, coalesces WebSocket pushes and reports a summary to the datacenter's object.
 *
 * A batch is acknowledged when `ingest` returns: its writes are in this object's durable storage by then (the
 * runtime holds the reply until they are confirmed).
 */
export class RackTelemetry extends DurableObject<Env> {
  private readonly cfg: TelemetryConfig;
  private ring!: RawRing;
  private readonly series = new Map<string, SeriesInfo>();
  private readonly byId = new Map<number, SeriesInfo>();
  private meta: RackMeta | null = null;
  private samplesTotal = 0;
  /** samples accepted per ingest format (for /metrics) */
  private formatTotals: Record<string, number> = {};
  private flushed1m = 0;
  private flushed1h = 0;
  /** minutes / hours already flushed that received late samples: flushed again */
  private readonly dirtyMinutes = new Set<number>();
  private readonly dirtyHours = new Set<number>();
  private pending = new Map<string, LivePoint>();
  private lastPushAt = 0;
  private lastSummaryAt = 0;
  private summaryDirty = false;
  private lastMaintenanceAt = 0;
  /** newest sample timestamp seen since the object started */
  private newestTs = -Infinity;
  /** the alarm as last set by this instance (undefined: not read yet since it started) */
  private armedAt: number | null | undefined = undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.cfg = telemetryConfig(env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
    ctx.blockConcurrencyWhile(async () => this.load());
  }

  private load() {
    const sql = this.ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS series (
      id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, server_id INTEGER, metric TEXT NOT NULL,
      labels TEXT NOT NULL, last_ts INTEGER NOT NULL DEFAULT 0)`);
    this.ring = new RawRing(sql, this.cfg.rawResolutionMs, this.cfg.rawRetentionMs);
    sql.exec(`CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)`);
    const kv = new Map(
      sql
        .exec<{ k: string; v: string }>('SELECT k, v FROM kv')
        .toArray()
        .map((r) => [r.k, r.v]),
    );
    this.meta = kv.has('meta') ? (JSON.parse(kv.get('meta')!) as RackMeta) : null;
    this.samplesTotal = Number(kv.get('samples_total') ?? 0);
    this.formatTotals = JSON.parse(kv.get('format_totals') ?? '{}');
    this.flushed1m = Number(kv.get('flushed_1m') ?? 0);
    this.flushed1h = Number(kv.get('flushed_1h') ?? 0);
    for (const r of sql
      .exec<{ id: number; key: string; server_id: number | null; metric: string; labels: string }>(
        'SELECT id, key, server_id, metric, labels FROM series',
      )
      .toArray()) {
      const info: SeriesInfo = {
        id: r.id,
        key: r.key,
        server_id: r.server_id,
        metric: r.metric,
        labels: JSON.parse(r.labels),
        windows: new SeriesWindows(),
      };
      this.series.set(r.key, info);
      this.byId.set(r.id, info);
    }
    this.rebuildWindows(Date.now());
  }

  /**
   * After an eviction the aggregates are gone but the ring is not: re-add the samples from the oldest bucket
   * still needed (unflushed, or inside the 1-hour rolling window), at most one retention back.
   */
  private rebuildWindows(now: number) {
    if (this.series.size === 0) return;
    const from = Math.max(
      now - this.cfg.rawRetentionMs + this.cfg.rawResolutionMs,
      Math.min(this.flushed1m, this.flushed1h, alignTo(now, HOUR), now - HOUR),
    );
    for (const [, ts, value, id] of this.ring.range(from, now + this.cfg.maxFutureSkewMs)) {
      this.byId.get(id)?.windows.add(ts, value);
      if (ts > this.newestTs) this.newestTs = ts;
    }
  }

  private setKv(k: string, v: string | number) {
    this.ctx.storage.sql.exec('INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', k, String(v));
  }

  private updateMeta(meta: RackMeta) {
    const before = this.meta;
    if (before && JSON.stringify(before) === JSON.stringify(meta)) return;
    this.meta = meta;
    this.setKv('meta', JSON.stringify(meta));
    // the rack moved to a more sensitive zone: sockets of users not cleared for it stop here
    if (before && zoneRank(meta.zone) > zoneRank(before.zone)) {
      for (const ws of this.ctx.getWebSockets()) {
        const a = socketAttachment(ws);
        if (a && zoneRank(a.clearance) < zoneRank(meta.zone)) this.revoke(ws);
      }
    }
  }

  private revoke(ws: WebSocket) {
    const msg: RackMessage = { type: 'revoked', rack_id: this.meta?.rack_id ?? 0, at: Date.now() };
    try {
      ws.send(JSON.stringify(msg));
      ws.close(CLOSE_FORBIDDEN, 'not cleared for this rack');
    } catch {
      /* already closed */
    }
  }

  /** Ingest one batch (all samples of this rack from one request). */
  ingest(meta: RackMeta, samples: IngestSample[], format = 'json'): IngestResult {
    this.updateMeta(meta);
    const rows: [number, number, number, number][] = [];
    let rejected = 0;
    const fresh: SeriesInfo[] = [];
    for (const s of samples) {
      const labels = canonicalLabels(s.labels);
      const key = seriesKey(s.server_id, s.metric, labels);
      let info = this.series.get(key);
      if (!info) {
        if (this.series.size >= this.cfg.maxSeriesPerRack) {
          rejected++;
          continue;
        }
        info = {
          id: this.nextSeriesId(),
          key,
          server_id: s.server_id,
          metric: s.metric,
          labels: s.labels,
          windows: new SeriesWindows(),
        };
        this.series.set(key, info);
        this.byId.set(info.id, info);
        fresh.push(info);
      }
      rows.push([this.ring.slotOf(s.ts), info.id, s.ts, s.value]);
    }
    const accepted = rows.length;
    this.ctx.storage.transactionSync(() => {
      for (const f of fresh) {
        this.ctx.storage.sql.exec(
          'INSERT INTO series (id, key, server_id, metric, labels) VALUES (?, ?, ?, ?, ?)',
          f.id,
          f.key,
          f.server_id,
          f.metric,
          JSON.stringify(f.labels),
        );
      }
      this.ring.write(rows);
      this.samplesTotal += accepted;
      this.setKv('samples_total', this.samplesTotal);
      this.formatTotals[format] = (this.formatTotals[format] ?? 0) + accepted;
      this.setKv('format_totals', JSON.stringify(this.formatTotals));
    });
    // aggregates and pushes only after the write succeeded, so memory never runs ahead of storage
    const reloaded = new Set<string>();
    for (const [, id, ts, value] of rows) {
      const info = this.byId.get(id)!;
      const m = alignTo(ts, MINUTE);
      const h = alignTo(ts, HOUR);
      this.addLate(info, info.windows.minutes, MINUTE, m, m < this.flushed1m, ts, value, reloaded);
      this.addLate(info, info.windows.hours, HOUR, h, h < this.flushed1h, ts, value, reloaded);
      info.windows.noteLast(ts, value);
      if (ts > this.newestTs) this.newestTs = ts;
      if (m < this.flushed1m) this.dirtyMinutes.add(m);
      if (h < this.flushed1h) this.dirtyHours.add(h);
      const prev = this.pending.get(info.key);
      if (!prev || ts >= prev.ts) {
        this.pending.set(info.key, { key: info.key, server_id: info.server_id, metric: info.metric, ts, value });
      }
    }
    this.summaryDirty = accepted > 0;
    this.afterIngest();
    return { accepted, rejected, samples_total: this.samplesTotal };
  }

  /**
   * Add a sample to its bucket. A late sample for a bucket already flushed and forgotten (or lost with an
   * eviction) first rebuilds that bucket from the ring, which already holds the sample: re-flushing a bucket made
   * of the late sample alone would overwrite the complete rollup in D1.
   */
  private addLate(
    info: SeriesInfo,
    buckets: Map<number, Bucket>,
    width: number,
    start: number,
    flushed: boolean,
    ts: number,
    value: number,
    reloaded: Set<string>,
  ) {
    const tag = `${info.id}:${width}:${start}`;
    if (reloaded.has(tag)) return;
    if (flushed && !buckets.has(start)) {
      reloaded.add(tag);
      for (const [, rts, rv] of this.ring.range(start, start + width - 1, info.id))
        info.windows.addTo(buckets, width, rts, rv);
      return;
    }
    info.windows.addTo(buckets, width, ts, value);
  }

  private maxId = -1;
  private nextSeriesId() {
    if (this.maxId < 0) this.maxId = Math.max(0, ...this.byId.keys());
    return ++this.maxId;
  }

  /** Push now when the interval allows, otherwise let the alarm coalesce; keep the alarm armed for flushing. */
  private afterIngest() {
    const now = Date.now();
    if (this.pending.size && now - this.lastPushAt >= this.cfg.pushIntervalMs) this.push(now);
    if (this.summaryDirty && now - this.lastSummaryAt >= SUMMARY_EVERY_MS) this.sendSummary(now);
    void this.arm(now);
  }

  private async arm(now: number) {
    const due: number[] = [];
    if (this.pending.size) due.push(this.lastPushAt + this.cfg.pushIntervalMs);
    if (this.summaryDirty) due.push(this.lastSummaryAt + SUMMARY_EVERY_MS);
    if (this.hasUnflushed(now)) due.push(now + FLUSH_EVERY_MS);
    if (due.length === 0) return;
    const at = Math.max(now + 10, Math.min(...due));
    if (this.armedAt === undefined) this.armedAt = await this.ctx.storage.getAlarm();
    if (this.armedAt === null || this.armedAt > at) {
      this.armedAt = at;
      await this.ctx.storage.setAlarm(at);
    }
  }

  private hasUnflushed(now: number) {
    return this.hasUnflushedBuckets() || (this.series.size > 0 && now - this.lastMaintenanceAt > MAINTENANCE_EVERY_MS);
  }

  override async alarm() {
    const now = Date.now();
    this.armedAt = null;
    if (this.pending.size) this.push(now);
    if (this.summaryDirty) this.sendSummary(now);
    await this.flush(now);
    if (now - this.lastMaintenanceAt > MAINTENANCE_EVERY_MS) this.maintain(now);
    // the flush itself needs no re-arming unless data arrives; the next ingest arms it again
    const next: number[] = [];
    if (this.pending.size) next.push(now + this.cfg.pushIntervalMs);
    if (this.summaryDirty) next.push(now + SUMMARY_EVERY_MS);
    if (this.hasUnflushedBuckets()) next.push(now + FLUSH_EVERY_MS);
    if (next.length) {
      this.armedAt = Math.min(...next);
      await this.ctx.storage.setAlarm(this.armedAt);
    }
  }

  private hasUnflushedBuckets() {
    return this.dirtyMinutes.size > 0 || this.dirtyHours.size > 0 || this.newestTs >= this.flushed1m;
  }

  /**
   * Write completed buckets to D1: every 1-minute bucket from the watermark up to the last complete minute,
   * every complete hour, and buckets that late samples touched. Idempotent upserts; on failure the watermarks
   * stay where they were and the next alarm tries again.
   */
  async flush(now: number) {
    if (!this.meta) return;
    const minuteUntil = alignTo(now - GRACE_MS, MINUTE);
    const hourUntil = alignTo(now - GRACE_MS, HOUR);
    const rows: RollupRow[] = [];
    const dirtyM = new Set(this.dirtyMinutes);
    const dirtyH = new Set(this.dirtyHours);
    for (const s of this.series.values()) {
      for (const [start, b] of s.windows.minutes) {
        if ((start >= this.flushed1m && start < minuteUntil) || dirtyM.has(start)) rows.push(this.rollup(s, b, 60));
      }
      for (const [start, b] of s.windows.hours) {
        if ((start >= this.flushed1h && start < hourUntil) || dirtyH.has(start)) rows.push(this.rollup(s, b, 3600));
      }
    }
    const before = [this.flushed1m, this.flushed1h] as const;
    // move the watermarks first: samples arriving while D1 is awaited are then marked dirty, not lost
    this.flushed1m = Math.max(this.flushed1m, minuteUntil);
    this.flushed1h = Math.max(this.flushed1h, hourUntil);
    this.dirtyMinutes.clear();
    this.dirtyHours.clear();
    try {
      if (rows.length) await writeRollups(this.env.DB, rows);
      this.setKv('flushed_1m', this.flushed1m);
      this.setKv('flushed_1h', this.flushed1h);
    } catch (e) {
      [this.flushed1m, this.flushed1h] = before;
      for (const m of dirtyM) this.dirtyMinutes.add(m);
      for (const h of dirtyH) this.dirtyHours.add(h);
      console.error(`rack ${this.meta.rack_id}: rollup flush failed, will retry`, e);
      return;
    }
    for (const s of this.series.values()) s.windows.prune(Math.min(this.flushed1m, now - HOUR), this.flushed1h);
  }

  private rollup(s: SeriesInfo, b: Bucket, step: 60 | 3600): RollupRow {
    const st = statsOf(b)!;
    return {
      rack_id: this.meta!.rack_id,
      server_id: s.server_id ?? 0,
      metric: s.metric,
      labels: canonicalLabels(s.labels),
      step_s: step,
      bucket_start: b.start,
      count: st.count,
      sum: b.sum,
      min: st.min,
      max: st.max,
      last: st.last,
      p95: st.p95,
    };
  }

  /** Forget series silent for a whole retention (their ring rows are stale anyway), so storage stays bounded. */
  private maintain(now: number) {
    this.lastMaintenanceAt = now;
    const cutoff = now - this.cfg.rawRetentionMs;
    for (const s of [...this.series.values()]) {
      if (s.windows.lastTs !== -Infinity || !s.windows.empty) {
        if (s.windows.lastTs >= cutoff) continue;
      } else {
        const last = this.ring.newest(s.id);
        if (last !== null && last >= cutoff) continue;
      }
      this.ctx.storage.transactionSync(() => {
        this.ring.drop(s.id);
        this.ctx.storage.sql.exec('DELETE FROM series WHERE id = ?', s.id);
      });
      this.series.delete(s.key);
      this.byId.delete(s.id);
    }
  }

  // ---- reads -------------------------------------------------------------------------------------------------

  /** Latest value of every series (optionally of some servers only); for tables and /metrics. */
  latest(serverIds?: number[]): {
    meta: RackMeta | null;
    values: LatestValue[];
    summary: RackSummary | null;
    format_totals: Record<string, number>;
  } {
    const want = serverIds ? new Set(serverIds) : null;
    const values: LatestValue[] = [];
    for (const s of this.series.values()) {
      if (s.windows.lastTs === -Infinity) continue;
      if (want && (s.server_id === null || !want.has(s.server_id))) continue;
      values.push({
        server_id: s.server_id,
        metric: s.metric,
        labels: s.labels,
        ts: s.windows.lastTs,
        value: s.windows.last,
      });
    }
    return { meta: this.meta, values, summary: this.summary(Date.now()), format_totals: this.formatTotals };
  }

  /**
   * Recent data of some series for the query API: the 1-minute buckets still in memory from `from` (those not
   * yet in D1, and the current partial minute), and raw samples when `raw` is set.
   */
  range(q: { server_id: number | null; metrics: string[]; from: number; to: number; raw: boolean }): SeriesRange[] {
    const out: SeriesRange[] = [];
    for (const s of this.series.values()) {
      if (s.server_id !== q.server_id || !q.metrics.includes(s.metric)) continue;
      const minutes: RollupPoint[] = [];
      for (const [start, b] of [...s.windows.minutes].sort((x, y) => x[0] - y[0])) {
        if (start < alignTo(q.from, MINUTE) || start > q.to) continue;
        const st = statsOf(b);
        if (st)
          minutes.push({
            ts: start,
            count: st.count,
            sum: b.sum,
            min: st.min,
            max: st.max,
            last: st.last,
            p95: st.p95,
          });
      }
      const raw = q.raw
        ? this.ring
            .range(q.from, q.to, s.id)
            .map(([, ts, value]) => [ts, value] as [number, number])
            .sort((x, y) => x[0] - y[0])
        : [];
      out.push({ server_id: s.server_id, metric: s.metric, labels: s.labels, minutes, raw });
    }
    return out;
  }

  stats(): RackStorageStats {
    let memory = 0;
    for (const s of this.series.values()) {
      memory += 200 + s.key.length * 2;
      for (const b of [...s.windows.minutes.values(), ...s.windows.hours.values()]) {
        memory += 160 + JSON.stringify(b.sketch.toJSON()).length * 2;
      }
    }
    return {
      series: this.series.size,
      memory_estimate_bytes: memory,
      ring_rows: this.ring.count(),
      database_bytes: this.ctx.storage.sql.databaseSize,
      ring_slots_per_series: this.ring.slots,
      samples_total: this.samplesTotal,
      flushed_1m_until: this.flushed1m,
      flushed_1h_until: this.flushed1h,
    };
  }

  /** Used by benchmarks: the cost of reaching this object with a batch, without doing anything with it. */
  noop(samples: IngestSample[]): number {
    return samples.length;
  }

  // ---- live push ---------------------------------------------------------------------------------------------

  private summary(now: number): RackSummary | null {
    if (!this.meta) return null;
    const latest: LatestValue[] = [];
    for (const s of this.series.values()) {
      if (s.windows.lastTs !== -Infinity)
        latest.push({
          server_id: s.server_id,
          metric: s.metric,
          labels: s.labels,
          ts: s.windows.lastTs,
          value: s.windows.last,
        });
    }
    return summarizeRack(this.meta, latest, this.samplesTotal, now);
  }

  private sendSummary(now: number) {
    this.lastSummaryAt = now;
    this.summaryDirty = false;
    const summary = this.summary(now);
    if (!summary) return;
    const dc = this.env.DATACENTER_LIVE.getByName(String(summary.datacenter_id));
    // fire and forget: the datacenter view is a convenience; the next summary a second later repairs a miss
    dc.updateRack(summary).catch((e: unknown) => console.warn(`rack ${summary.rack_id}: summary not delivered`, e));
  }

  private push(now: number) {
    this.lastPushAt = now;
    const points = [...this.pending.values()];
    this.pending = new Map();
    const sockets = this.ctx.getWebSockets();
    if (!sockets.length || !this.meta) return;
    const summary = this.summary(now);
    const all = JSON.stringify({
      type: 'delta',
      rack_id: this.meta.rack_id,
      at: now,
      points,
      summary,
    } satisfies RackMessage);
    for (const ws of sockets) {
      const a = socketAttachment(ws);
      if (!a) continue;
      if (socketExpired(a, now)) {
        ws.close(CLOSE_EXPIRED, 'session expired');
        continue;
      }
      if (zoneRank(a.clearance) < zoneRank(this.meta.zone)) {
        this.revoke(ws);
        continue;
      }
      if (a.server_id == null) {
        ws.send(all);
        continue;
      }
      const mine = points.filter((p) => p.server_id === a.server_id);
      if (mine.length)
        ws.send(
          JSON.stringify({
            type: 'delta',
            rack_id: this.meta.rack_id,
            at: now,
            points: mine,
            summary,
          } satisfies RackMessage),
        );
    }
  }

  private snapshot(a: SocketAttachment, now: number): RackMessage {
    const series: SeriesLive[] = [];
    for (const s of this.series.values()) {
      if (s.windows.lastTs === -Infinity) continue;
      if (a.server_id != null && s.server_id !== a.server_id) continue;
      const windows: SeriesLive['windows'] = {};
      for (const w of WINDOWS) {
        const st = s.windows.window(w, now);
        if (st) windows[w] = st;
      }
      series.push({
        key: s.key,
        server_id: s.server_id,
        metric: s.metric,
        labels: s.labels,
        ts: s.windows.lastTs,
        value: s.windows.last,
        windows,
      });
    }
    return { type: 'snapshot', rack_id: this.meta?.rack_id ?? 0, at: now, series, summary: this.summary(now) };
  }

  /**
   * The WebSocket upgrade, forwarded by the Worker after it authenticated the user and checked clearance
   * (worker/telemetry/live-routes.ts); the attachment carries who it is, so it survives hibernation.
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
      return new Response('expected a WebSocket upgrade', { status: 426 });
    }
    const attachment = JSON.parse(request.headers.get('x-dcp-socket') ?? 'null') as SocketAttachment | null;
    if (!attachment) return new Response('missing identity', { status: 400 });
    if (request.headers.has('x-dcp-rack-meta')) this.updateMeta(JSON.parse(request.headers.get('x-dcp-rack-meta')!));
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(attachment);
    server.send(JSON.stringify(this.snapshot(attachment, Date.now())));
    return new Response(null, { status: 101, webSocket: client });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    // the only request a browser makes besides ping (auto-answered): a fresh snapshot after it missed deltas
    if (message === 'snapshot') {
      const a = socketAttachment(ws);
      if (a) ws.send(JSON.stringify(this.snapshot(a, Date.now())));
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
