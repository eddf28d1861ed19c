import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env';
import { canonicalLabels, seriesKey, telemetryConfig, type TelemetryConfig } from '../worker/telemetry/config';
import { HOUR, MINUTE, SeriesWindows } from '../worker/telemetry/aggregate/series-windows';
import { alignTo, mergeBuckets, statsOf, type Bucket } from '../worker/telemetry/aggregate/bucket';
import {
  WINDOWS,
  type LivePoint,
  type RackMessage,
  type RackSummary,
  type SeriesLive,
} from '../worker/telemetry/protocol';
import { summarizeRack, type LatestValue } from '../worker/telemetry/rack-summary';
import { readWatermark, writeRollups, type RollupRow } from '../worker/telemetry/rollups';
import { clearanceCovers, zoneRises } from '../worker/platform/access/zones';
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
  /** the last hour, for rolling windows and the query API's latest minutes */
  windows: SeriesWindows;
  /** what D1 does not have yet: 1-minute and 1-hour buckets of the samples since the last flush */
  delta1m: Map<number, Bucket>;
  delta1h: Map<number, Bucket>;
}

/** A 1-minute bucket is final this long after its end (room for samples in flight). */
const GRACE_MS = 15_000;
/** How often completed buckets go to D1 (and the datacenter summary at most this often, too). */
const FLUSH_EVERY_MS = 60_000;
const SUMMARY_EVERY_MS = 1_000;
/** Buckets waiting for D1 beyond which the next alarm flushes at once (~10 MB of aggregates). */
const MAX_DELTA_BUCKETS = 40_000;
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
  /** some series holds buckets not yet written to D1 */
  private unflushed = false;
  /** how many such buckets: a backlog (a day sent in a minute) flushes early instead of filling memory */
  private deltaBuckets = 0;
  private nextFlushAt = 0;
  private pending = new Map<string, LivePoint>();
  private lastPushAt = 0;
  private lastSummaryAt = 0;
  private summaryDirty = false;
  private lastMaintenanceAt = 0;
  /** the alarm as last set by this instance (undefined: not read yet since it started) */
  private armedAt: number | null | undefined = undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.cfg = telemetryConfig(env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
    ctx.blockConcurrencyWhile(() => this.load());
  }

  private async load() {
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
        delta1m: new Map(),
        delta1h: new Map(),
      };
      this.series.set(r.key, info);
      this.byId.set(r.id, info);
    }
    if (this.meta && this.series.size) {
      // D1 records how far this rack's rollups go, in the same batch as the rollups: the samples after it are
      // exactly the ones still to flush
      const mark = await readWatermark(this.env.DB, this.meta.rack_id);
      this.flushed1m = mark.flushed_1m;
      this.flushed1h = mark.flushed_1h;
      this.rebuild(Date.now());
    }
  }

  /**
   * After an eviction memory is empty but the ring is not: the last hour back into the rolling windows, the
   * samples after D1's watermarks back into the buckets still to flush (at most one retention back).
   */
  private rebuild(now: number) {
    const recent = now - HOUR - MINUTE;
    const from = Math.max(
      now - this.cfg.rawRetentionMs + this.cfg.rawResolutionMs,
      Math.min(this.flushed1m, this.flushed1h, recent),
    );
    for (const [, ts, value, id] of this.ring.range(from, now + this.cfg.maxFutureSkewMs)) {
      const info = this.byId.get(id);
      if (!info) continue;
      if (ts >= recent) info.windows.add(ts, value);
      else info.windows.noteLast(ts, value);
      if (ts >= this.flushed1m) info.windows.addTo(info.delta1m, MINUTE, ts, value);
      if (ts >= this.flushed1h) info.windows.addTo(info.delta1h, HOUR, ts, value);
      if (ts >= this.flushed1m || ts >= this.flushed1h) this.unflushed = true;
    }
    for (const info of this.series.values()) this.deltaBuckets += info.delta1m.size + info.delta1h.size;
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
    if (before && zoneRises(before.zone, meta.zone)) {
      for (const ws of this.ctx.getWebSockets()) {
        const a = socketAttachment(ws);
        if (a && !clearanceCovers(a.clearance, meta.zone)) this.revoke(ws);
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
          delta1m: new Map(),
          delta1h: new Map(),
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
    const recent = Date.now() - HOUR - MINUTE;
    for (const [, id, ts, value] of rows) {
      const info = this.byId.get(id)!;
      // late and backfilled samples only reach the buckets still to flush; D1 merges them into what it has
      if (ts >= recent) info.windows.add(ts, value);
      else info.windows.noteLast(ts, value);
      const held = info.delta1m.size + info.delta1h.size;
      info.windows.addTo(info.delta1m, MINUTE, ts, value);
      info.windows.addTo(info.delta1h, HOUR, ts, value);
      this.deltaBuckets += info.delta1m.size + info.delta1h.size - held;
      const prev = this.pending.get(info.key);
      if (!prev || ts >= prev.ts) {
        this.pending.set(info.key, { key: info.key, server_id: info.server_id, metric: info.metric, ts, value });
      }
    }
    this.summaryDirty = accepted > 0;
    if (accepted) this.unflushed = true;
    if (this.deltaBuckets > MAX_DELTA_BUCKETS) this.nextFlushAt = 0;
    this.afterIngest();
    return { accepted, rejected, samples_total: this.samplesTotal };
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
    if (this.unflushed) due.push(this.nextFlushAt === 0 ? now : Math.max(this.nextFlushAt, now + 1000));
    if (due.length === 0) return;
    const at = Math.max(now + 10, Math.min(...due));
    if (this.armedAt === undefined) this.armedAt = await this.ctx.storage.getAlarm();
    if (this.armedAt === null || this.armedAt > at) {
      this.armedAt = at;
      await this.ctx.storage.setAlarm(at);
    }
  }

  override async alarm() {
    const now = Date.now();
    this.armedAt = null;
    if (this.pending.size) this.push(now);
    if (this.summaryDirty) this.sendSummary(now);
    // the alarm also serves pushes every 250 ms: D1 gets the rollups once a minute
    if (this.unflushed && now >= this.nextFlushAt) {
      this.nextFlushAt = now + FLUSH_EVERY_MS;
      await this.flush(now);
    }
    if (now - this.lastMaintenanceAt > MAINTENANCE_EVERY_MS) this.maintain(now);
    const next: number[] = [];
    if (this.pending.size) next.push(now + this.cfg.pushIntervalMs);
    if (this.summaryDirty) next.push(now + SUMMARY_EVERY_MS);
    if (this.unflushed) next.push(Math.max(this.nextFlushAt, now + 1000));
    if (next.length) {
      this.armedAt = Math.min(...next);
      await this.ctx.storage.setAlarm(this.armedAt);
    }
  }

  /**
   * Write the completed buckets still to flush (every complete minute and hour, late samples included) to D1
   * with the new watermarks, in one batch. Buckets are taken out before D1 is awaited, so samples arriving
   * meanwhile start new ones; on failure the taken buckets are merged back and the next flush tries again.
   */
  async flush(now: number) {
    if (!this.meta) return;
    const minuteUntil = alignTo(now - GRACE_MS, MINUTE);
    const hourUntil = alignTo(now - GRACE_MS, HOUR);
    const rows: RollupRow[] = [];
    const taken: [Map<number, Bucket>, Bucket][] = [];
    for (const s of this.series.values()) {
      for (const [map, until, step] of [
        [s.delta1m, minuteUntil, 60],
        [s.delta1h, hourUntil, 3600],
      ] as const) {
        for (const [start, b] of map) {
          if (start >= until) continue;
          rows.push(this.rollup(s, b, step));
          taken.push([map, b]);
          map.delete(start);
        }
      }
    }
    const mark = {
      rack_id: this.meta.rack_id,
      flushed_1m: Math.max(this.flushed1m, minuteUntil),
      flushed_1h: Math.max(this.flushed1h, hourUntil),
    };
    try {
      await writeRollups(this.env.DB, rows, mark);
      this.flushed1m = mark.flushed_1m;
      this.flushed1h = mark.flushed_1h;
    } catch (e) {
      for (const [map, b] of taken) {
        const newer = map.get(b.start);
        map.set(b.start, newer ? mergeBuckets([b, newer], b.start, b.width) : b);
      }
      console.error(`rack ${this.meta.rack_id}: rollup flush failed, will retry`, e);
    }
    let left = 0;
    for (const s of this.series.values()) {
      s.windows.prune(now - HOUR - MINUTE, alignTo(now, HOUR) - HOUR);
      left += s.delta1m.size + s.delta1h.size;
    }
    this.deltaBuckets = left;
    this.unflushed = left > 0;
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
      last_ts: b.last_ts,
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
      const buckets = [s.windows.minutes, s.windows.hours, s.delta1m, s.delta1h].flatMap((m) => [...m.values()]);
      for (const b of buckets) {
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
      if (!clearanceCovers(a.clearance, this.meta.zone)) {
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
