import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../worker/env';
import { telemetryConfig, type TelemetryConfig } from '../worker/telemetry/config';
import { HOUR } from '../worker/telemetry/aggregate/series-windows';
import type { RackSummary } from '../worker/telemetry/protocol';
import type { LatestValue } from '../worker/telemetry/rack-summary';
import { zoneRises } from '../worker/platform/access/zones';
import { socketAttachment, type SocketAttachment } from '../worker/platform/live/sockets';
import { RawRing } from './telemetry/raw-ring';
import { SeriesRegistry } from './telemetry/series-registry';
import { RollingAggregates } from './telemetry/rolling';
import { RollupFlusher } from './telemetry/rollup-flusher';
import { LiveFanout } from './telemetry/live-fanout';
import { RackViews } from './telemetry/rack-views';
import { RackState } from './telemetry/rack-state';
import { ObserverChain, type SampleObserver } from './telemetry/observers';
import { forgetSilentSeries } from './telemetry/maintenance';
import { RackAlerts, alertStatements, loadRackRules } from '../worker/alerting/rack-alerts';
import { alertsChanged } from './alert-hub-client';
import { RackAnomalies } from '../worker/ai/rack-anomalies';
import type {
  IngestResult,
  IngestSample,
  RackMeta,
  RackStorageStats,
  SeriesAnomalies,
  SeriesRange,
  SeriesRef,
} from './telemetry/types';

export type {
  IngestResult,
  IngestSample,
  RackMeta,
  RackStorageStats,
  RollupPoint,
  SeriesRange,
} from './telemetry/types';

/** How often D1 gets the completed rollups (a backlog flushes again at once). */
const FLUSH_EVERY_MS = 60_000;
const MAINTENANCE_EVERY_MS = HOUR;
/** Rules are re-read this often on ingest (at once after `rulesChanged`), so a missed push heals itself. */
const RULES_REFRESH_MS = 60_000;
/** A transition D1 did not take is tried again this soon. */
const ALERT_RETRY_MS = 5_000;

/**
 * One rack's live telemetry (named by rack id); a coordinator over modules with one job each
 * (durable-objects/telemetry/): the series registry and the raw ring (storage), rolling aggregates (memory),
 * the rollup flusher (D1), per-sample observers, live fan-out, maintenance.
 *
 * A batch is acknowledged when `ingest` returns: its ring rows, the rollup buckets it made dirty, the
 * observers' state and the alarm that will flush those buckets are in this object's durable storage by then
 * (the runtime holds the reply until they are confirmed).
 */
export class RackTelemetry extends DurableObject<Env> {
  private readonly cfg: TelemetryConfig;
  private ring!: RawRing;
  private series!: SeriesRegistry;
  private state!: RackState;
  private flusher!: RollupFlusher;
  private observers!: ObserverChain;
  private alerts!: RackAlerts;
  private detector!: RackAnomalies;
  private rulesAt = 0;
  private views!: RackViews;
  private fanout!: LiveFanout;
  private readonly rolling = new RollingAggregates();
  private nextFlushAt = 0;
  private lastMaintenanceAt = 0;
  /** the alarm as set in storage (null: none) */
  private armedAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.cfg = telemetryConfig(env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('ping', 'pong'));
    ctx.blockConcurrencyWhile(() => this.load());
  }

  private async load() {
    const sql = this.ctx.storage.sql;
    this.series = new SeriesRegistry(sql);
    this.ring = new RawRing(sql, this.cfg.rawResolutionMs, this.cfg.rawRetentionMs);
    this.state = new RackState(sql);
    this.flusher = new RollupFlusher(sql, this.ring, this.series);
    this.observers = new ObserverChain(sql);
    const history = (id: number, from: number, to: number) =>
      this.ring
        .range(from, to, id)
        .map(([, ts, value]) => [ts, value] as [number, number])
        .sort((a, b) => a[0] - b[0]);
    // the detector first: a sample's anomaly score exists when the alert rules look at it
    const detect = (this.env.AI_ANOMALY_DETECTION ?? 'on').toLowerCase() !== 'off';
    this.detector = new RackAnomalies((from) =>
      this.ring
        .range(from, Date.now() + this.cfg.maxFutureSkewMs)
        .map(([, ts, value, id]) => [id, ts, value] as [number, number, number])
        .sort((a, b) => a[1] - b[1]),
    );
    if (detect) this.observers.register(this.detector);
    this.alerts = new RackAlerts(() => this.state.meta, history, detect ? this.detector : null);
    this.observers.register(this.alerts);
    this.views = new RackViews(this.series, this.rolling, this.state);
    this.fanout = new LiveFanout(this.ctx, this.env, this.cfg.pushIntervalMs, this.views, this.state);
    const now = Date.now();
    if (this.series.size) this.rolling.rebuild(this.ring, now, this.cfg.maxFutureSkewMs, (id) => !!this.series.get(id));
    this.armedAt = await this.ctx.storage.getAlarm();
    // dirty rollups left by an earlier instance (or process) get an alarm set anew: one stored before a crash
    // is not trusted to be scheduled
    if (this.flusher.dueAt !== Infinity) this.armedAt = null;
    await this.arm(now);
  }

  /** Add a per-sample observer (alert rules, anomaly scores); see telemetry/observers.ts. */
  registerObserver(o: SampleObserver): void {
    this.observers.register(o);
  }

  /** Ingest one batch (all samples of this rack from one request). */
  async ingest(meta: RackMeta, samples: IngestSample[], format = 'json'): Promise<IngestResult> {
    const now = Date.now();
    this.applyMeta(meta, now, false);
    if (now - this.rulesAt > RULES_REFRESH_MS) await this.refreshRules(now);
    const rows: [number, number, number, number][] = [];
    const accepted: [SeriesRef, number, number][] = [];
    const fresh: SeriesRef[] = [];
    let rejected = 0;
    for (const s of samples) {
      const r = this.series.resolve(s, this.cfg.maxSeriesPerRack);
      if (!r) {
        rejected++;
        continue;
      }
      if (r.fresh) fresh.push(r.ref);
      rows.push([this.ring.slotOf(s.ts), r.ref.id, s.ts, s.value]);
      accepted.push([r.ref, s.ts, s.value]);
    }
    try {
      this.ctx.storage.transactionSync(() => {
        this.series.persist(fresh);
        this.ring.write(rows);
        this.flusher.mark(rows);
        this.state.count(accepted.length, format);
        this.observers.observe(accepted);
      });
    } catch (e) {
      this.series.unpersisted(fresh);
      throw e;
    }
    // memory and pushes only after the write succeeded, so they never run ahead of storage
    for (const [ref, ts, value] of accepted) {
      this.rolling.add(ref.id, ts, value, now);
      this.fanout.note(ref, ts, value);
    }
    this.fanout.tick(now);
    // a transition reaches D1 before the batch is acknowledged when it can (seconds matter to an operator);
    // when D1 does not take it, it waits in the outbox for the alarm
    if (this.alerts.outbox(1).length) await this.deliverAlerts();
    if (accepted.length) await this.arm(now);
    return { accepted: accepted.length, rejected, samples_total: this.state.samplesTotal };
  }

  /** The alert rules changed (worker/alerting/rules.ts): read them again now. */
  async rulesChanged(): Promise<number> {
    await this.refreshRules(Date.now());
    return this.alerts.ruleCount;
  }

  private async refreshRules(now: number) {
    const meta = this.state.meta;
    if (!meta) return;
    this.rulesAt = now;
    try {
      const { rules, serverTypes } = await loadRackRules(this.env.DB, meta.rack_id);
      this.alerts.setRules(rules, serverTypes);
    } catch (e) {
      // the cached rules keep evaluating; the next ingest after RULES_REFRESH_MS tries again
      console.error(`rack ${meta.rack_id}: reading alert rules failed`, e);
    }
  }

  /** Write the outbox's transitions to D1 (alerts and their history); false when D1 refused. */
  private async deliverAlerts(): Promise<boolean> {
    let recorded = false;
    try {
      for (;;) {
        const batch = this.alerts.outbox();
        if (!batch.length) break;
        const ids = [...new Set(batch.map((b) => b.entry.server_id).filter((id): id is number => id !== null))];
        const names = new Map<number, string>();
        if (ids.length) {
          const { results } = await this.env.DB.prepare(
            'SELECT id, name FROM servers WHERE id IN (SELECT value FROM json_each(?))',
          )
            .bind(JSON.stringify(ids))
            .all<{ id: number; name: string }>();
          for (const r of results) names.set(r.id, r.name);
        }
        await this.env.DB.batch(
          alertStatements(
            this.env.DB,
            batch.map((b) => b.entry),
            names,
          ),
        );
        this.alerts.delivered(batch[batch.length - 1]!.id);
        recorded = true;
      }
    } catch (e) {
      console.error(`rack ${this.state.meta?.rack_id}: recording alerts failed, will retry`, e);
      return false;
    } finally {
      // browsers and notifications learn of it now (the hub reads D1, so only after the write)
      if (recorded) await alertsChanged(this.env);
    }
    return true;
  }

  /** Metadata from an ingest or an upgrade (`fromInventory`: from a rack or server write, authoritative). */
  private applyMeta(meta: RackMeta, now: number, fromInventory: boolean): number {
    const before = this.state.update(meta, now, fromInventory);
    // the rack moved to a more sensitive zone: sockets of users not cleared for it stop here
    if (before && zoneRises(before.zone, meta.zone)) return this.fanout.revokeBelow(meta.zone);
    return 0;
  }

  /**
   * The inventory changed (called by the Worker in the request that wrote it, worker/telemetry/inventory.ts):
   * the rack's new metadata (sockets its zone no longer admits are closed), or a server that LEFT this rack for
   * a rack of a higher `zone` (the sockets following that server below that zone are closed). Returns how many
   * sockets were closed.
   */
  async inventoryChanged(change: {
    meta?: RackMeta;
    server_left?: { server_id: number; zone: string };
  }): Promise<number> {
    const now = Date.now();
    let closed = 0;
    if (change.meta) {
      closed += this.applyMeta(change.meta, now, true);
      // the datacenter's viewers filter racks by the zone in this summary
      if (this.series.size) await this.fanout.sendSummary(now);
    }
    if (change.server_left) closed += this.fanout.revokeBelow(change.server_left.zone, change.server_left.server_id);
    return closed;
  }

  /** Set the alarm for whatever is due next: a push, a summary, a rollup flush. */
  private async arm(now: number) {
    const due = Math.min(
      this.fanout.dueAt(),
      this.alerts.outbox(1).length ? now + ALERT_RETRY_MS : Infinity,
      this.flusher.dueAt === Infinity ? Infinity : Math.max(this.flusher.dueAt, this.nextFlushAt),
    );
    if (due === Infinity) return;
    const at = Math.max(now + 10, due);
    if (this.armedAt === null || this.armedAt > at) {
      this.armedAt = at;
      await this.ctx.storage.setAlarm(at);
    }
  }

  override async alarm() {
    const now = Date.now();
    this.armedAt = null;
    this.fanout.tick(now);
    if (this.alerts.outbox(1).length) await this.deliverAlerts();
    if (now >= this.flusher.dueAt && now >= this.nextFlushAt) {
      this.nextFlushAt = now + FLUSH_EVERY_MS;
      try {
        // a backlog (a day sent in a minute) flushes again at once
        if (await this.flush(now, false)) this.nextFlushAt = 0;
      } catch (e) {
        console.error(`rack ${this.state.meta?.rack_id}: rollup flush failed, will retry`, e);
      }
    }
    if (now - this.lastMaintenanceAt > MAINTENANCE_EVERY_MS) {
      this.lastMaintenanceAt = now;
      const { series, ring, rolling, flusher } = this;
      forgetSilentSeries(this.ctx.storage, { series, ring, rolling, flusher }, now, this.cfg.rawRetentionMs);
    }
    this.rolling.prune(now);
    await this.arm(Date.now());
  }

  /**
   * Write the completed dirty rollups to D1 (all of them when `all`, else one flush's worth); returns whether
   * completed work remains. Public for tests and benchmarks; the alarm calls it once a minute.
   */
  async flush(now: number, all = true): Promise<boolean> {
    const meta = this.state.meta;
    if (!meta) return false;
    let more = await this.flusher.flush(this.env.DB, meta.rack_id, now);
    while (all && more) more = await this.flusher.flush(this.env.DB, meta.rack_id, now);
    return more;
  }

  // ---- reads -------------------------------------------------------------------------------------------------

  /** Latest value of every series (optionally of some servers only); for tables and /metrics. */
  latest(serverIds?: number[]): {
    meta: RackMeta | null;
    values: LatestValue[];
    summary: RackSummary | null;
    format_totals: Record<string, number>;
  } {
    return {
      meta: this.state.meta,
      values: this.views.latest(serverIds),
      summary: this.views.summary(Date.now()),
      format_totals: this.state.formatTotals,
    };
  }

  /**
   * Recent data of some series for the query API: the 1-minute buckets in memory from `from` (the last hour,
   * the current partial minute included), and raw samples when `raw` is set.
   */
  range(q: { server_id: number | null; metrics: string[]; from: number; to: number; raw: boolean }): SeriesRange[] {
    const out: SeriesRange[] = [];
    for (const s of this.series.all()) {
      if (s.server_id !== q.server_id || !q.metrics.includes(s.metric)) continue;
      const raw = q.raw
        ? this.ring
            .range(q.from, q.to, s.id)
            .map(([, ts, value]) => [ts, value] as [number, number])
            .sort((x, y) => x[0] - y[0])
        : [];
      out.push({
        server_id: s.server_id,
        metric: s.metric,
        labels: s.labels,
        minutes: this.views.minutes(s.id, q.from, q.to),
        raw,
      });
    }
    return out;
  }

  /**
   * Anomaly scores of a device's series (server, or the rack's own sensors with null): the highest score of each
   * minute in [from, to] (kept a day), and why the last sample scored what it did.
   */
  anomalies(q: { server_id: number | null; from: number; to: number }): SeriesAnomalies[] {
    const mine = [...this.series.all()].filter((s) => s.server_id === q.server_id);
    const minutes = this.detector.minutes(
      mine.map((s) => s.id),
      q.from,
      q.to,
    );
    return mine.map((s) => ({
      metric: s.metric,
      labels: s.labels,
      minutes: minutes.get(s.id) ?? [],
      last: this.detector.explain(s.id),
    }));
  }

  stats(): RackStorageStats {
    return {
      series: this.series.size,
      memory_estimate_bytes: this.rolling.memoryEstimate(),
      ring_rows: this.ring.count(),
      database_bytes: this.ctx.storage.sql.databaseSize,
      ring_slots_per_series: this.ring.slots,
      samples_total: this.state.samplesTotal,
      rollups_pending: this.flusher.count(),
    };
  }

  /** Used by benchmarks: the cost of reaching this object with a batch, without doing anything with it. */
  noop(samples: IngestSample[]): number {
    return samples.length;
  }

  // ---- live --------------------------------------------------------------------------------------------------

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
    const now = Date.now();
    if (request.headers.has('x-dcp-rack-meta'))
      this.applyMeta(JSON.parse(request.headers.get('x-dcp-rack-meta')!), now, false);
    return new Response(null, { status: 101, webSocket: this.fanout.accept(attachment, now) });
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) {
    // the only request a browser makes besides ping (auto-answered): a fresh snapshot after it missed deltas
    if (message === 'snapshot') {
      const a = socketAttachment(ws);
      if (a) ws.send(this.fanout.snapshot(a, Date.now()));
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
