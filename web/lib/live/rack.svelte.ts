// Live state of one rack (GET /api/live/racks/{id}[?server_id=N]): the last value and rolling windows of every
// series from the snapshot, moved on by the deltas, plus a bounded history per (device, metric) for charts,
// seeded from the metrics API and extended by every live point.
import { api } from '$lib/api';
import { LiveSocket } from './socket.svelte';
import type { MetricSeries, Pt, RackMessage, RackSummary, SeriesLive, WindowStats } from './types';

/** "12|cpu_pct" for a server series, "rack|power_kw" for a rack-level one */
export const seriesId = (serverId: number | null, metric: string) => `${serverId ?? 'rack'}|${metric}`;

export interface RackLiveOptions {
  /** only this server's series (the server page) */
  serverId?: number;
  /** how much history to keep per series */
  keepMs?: number;
  maxPoints?: number;
}

export class RackLive {
  readonly rackId: number;
  readonly socket: LiveSocket<RackMessage>;
  summary = $state.raw<RackSummary | null>(null);
  /** Unix ms of the last snapshot (null until the first one) */
  snapshotAt = $state<number | null>(null);
  /** Unix ms of the newest frame applied */
  updatedAt = $state<number | null>(null);
  /** bumped on every change: readers of the plain maps below depend on it */
  version = $state(0);
  /** bumped at most once a second: chart data depends on it (deltas may come four times a second) */
  chartVersion = $state(0);
  #chartTimer: ReturnType<typeof setTimeout> | undefined;

  /** series by (device, metric): several labelled series of one metric (fans) keep the first key seen */
  #series = new Map<string, SeriesLive>();
  #history = new Map<string, Pt[]>();
  /** points received live (raw samples), for the rolling statistics */
  #live = new Map<string, Pt[]>();
  #keepMs: number;
  #maxPoints: number;

  constructor(rackId: number, opts: RackLiveOptions = {}) {
    this.rackId = rackId;
    this.#keepMs = opts.keepMs ?? 60 * 60_000;
    this.#maxPoints = opts.maxPoints ?? 2000;
    const q = opts.serverId ? `?server_id=${opts.serverId}` : '';
    this.socket = new LiveSocket<RackMessage>({
      path: `/live/racks/${rackId}${q}`,
      onMessage: (m) => this.#apply(m),
      probe: () => api.get(opts.serverId ? `/servers/${opts.serverId}` : `/racks/${rackId}`),
    });
    this.socket.start();
  }

  close() {
    clearTimeout(this.#chartTimer);
    this.socket.close();
  }

  #bumpCharts() {
    if (this.#chartTimer !== undefined) return;
    this.#chartTimer = setTimeout(() => {
      this.#chartTimer = undefined;
      this.chartVersion++;
    }, 1000);
  }

  get state() {
    return this.socket.state;
  }

  /** Every series of the snapshot (one per device and metric). */
  get series(): SeriesLive[] {
    void this.version;
    return [...this.#series.values()];
  }

  /** The live series of a device's metric (null server = the rack's own sensors). */
  get(serverId: number | null, metric: string): SeriesLive | undefined {
    void this.version;
    return this.#series.get(seriesId(serverId, metric));
  }

  /** Current value, or null when the device has not reported the metric. */
  value(serverId: number | null, metric: string): number | null {
    return this.get(serverId, metric)?.value ?? null;
  }

  /** The chartable history of a device's metric (a fresh array, ts ascending). */
  points(serverId: number | null, metric: string): Pt[] {
    void this.chartVersion;
    return [...(this.#history.get(seriesId(serverId, metric)) ?? [])];
  }

  /** Servers that report anything. */
  get serverIds(): number[] {
    void this.version;
    const ids = new Set<number>();
    for (const s of this.#series.values()) if (s.server_id !== null) ids.add(s.server_id);
    return [...ids];
  }

  /**
   * Statistics of the last five minutes: the snapshot's window, widened by the raw points received since;
   * once the socket has been up for five minutes, exactly the points received.
   */
  stats5m(serverId: number | null, metric: string, now = Date.now()): WindowStats | null {
    void this.version;
    const id = seriesId(serverId, metric);
    const since = now - 5 * 60_000;
    const pts = (this.#live.get(id) ?? []).filter((p) => p.ts >= since).map((p) => p.value);
    const w = this.#series.get(id)?.windows['5m'];
    const snapshotCovers = this.snapshotAt !== null && this.snapshotAt > since && w;
    if (!pts.length) return w ?? null;
    const sorted = [...pts].sort((a, b) => a - b);
    const local: WindowStats = {
      count: pts.length,
      last: pts[pts.length - 1],
      min: sorted[0],
      max: sorted[sorted.length - 1],
      avg: pts.reduce((s, v) => s + v, 0) / pts.length,
      p95: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)],
    };
    if (!snapshotCovers || !w) return local;
    const count = w.count + local.count;
    return {
      count,
      last: local.last,
      min: Math.min(w.min, local.min),
      max: Math.max(w.max, local.max),
      avg: (w.avg * w.count + local.avg * local.count) / count,
      p95: Math.max(w.p95, local.p95),
    };
  }

  /**
   * Put history from the metrics API under the live points (the averages of each step). Points at or after
   * the first live point are dropped, so the two never interleave.
   */
  seed(rows: MetricSeries[]) {
    const seen = new Set<string>();
    for (const r of rows) {
      const id = seriesId(r.server_id, r.metric);
      // one series per device and metric: further labelled ones (fan 2, fan 3…) are not charted here
      if (seen.has(id)) continue;
      seen.add(id);
      const have = this.#history.get(id) ?? [];
      const firstLive = have.length ? have[0].ts : Infinity;
      const old = r.points.filter((p) => p.ts < firstLive).map((p) => ({ ts: p.ts, value: p.avg }));
      this.#history.set(id, this.#trim([...old, ...have]));
    }
    this.version++;
    this.chartVersion++;
  }

  #apply(m: RackMessage) {
    if (m.rack_id !== this.rackId) return;
    if (m.type === 'revoked') {
      this.socket.fail('Your clearance no longer covers this rack.', 4403);
      return;
    }
    if (m.type === 'snapshot') {
      this.#series.clear();
      for (const s of m.series) {
        const id = seriesId(s.server_id, s.metric);
        if (this.#series.has(id)) continue;
        this.#series.set(id, s);
        this.#push(id, { ts: s.ts, value: s.value }, false);
      }
      this.snapshotAt = m.at;
    } else {
      for (const p of m.points) {
        const id = seriesId(p.server_id, p.metric);
        const s = this.#series.get(id);
        if (s && s.key !== p.key) continue; // another labelled series of the metric
        if (s) {
          if (p.ts >= s.ts) this.#series.set(id, { ...s, ts: p.ts, value: p.value });
        } else {
          this.#series.set(id, {
            key: p.key,
            server_id: p.server_id,
            metric: p.metric,
            labels: {},
            ts: p.ts,
            value: p.value,
            windows: {},
          });
        }
        this.#push(id, { ts: p.ts, value: p.value }, true);
      }
    }
    if (m.summary) this.summary = m.summary;
    this.updatedAt = m.at;
    this.version++;
    if (m.type === 'snapshot') this.chartVersion++;
    else this.#bumpCharts();
  }

  #push(id: string, p: Pt, live: boolean) {
    const h = this.#history.get(id) ?? [];
    const last = h[h.length - 1];
    if (!last || p.ts > last.ts) h.push(p);
    else if (p.ts === last.ts) h[h.length - 1] = p;
    else return; // out of order: the charts keep time ascending
    this.#history.set(id, this.#trim(h));
    if (live) {
      const l = this.#live.get(id) ?? [];
      l.push(p);
      const since = p.ts - 5 * 60_000;
      while (l.length && l[0].ts < since) l.shift();
      this.#live.set(id, l);
    }
  }

  #trim(h: Pt[]): Pt[] {
    const newest = h.length ? h[h.length - 1].ts : 0;
    let i = 0;
    while (i < h.length && h[i].ts < newest - this.#keepMs) i++;
    if (h.length - i > this.#maxPoints) i = h.length - this.#maxPoints;
    return i ? h.slice(i) : h;
  }
}

/**
 * Several devices' series as one (the rack's power as the sum of its servers', its hottest inlet as the max):
 * time is cut in `stepMs` buckets and each device keeps its last value until it reports again.
 */
export function combineSeries(list: Pt[][], op: 'sum' | 'max', stepMs = 10_000): Pt[] {
  const buckets = new Set<number>();
  for (const pts of list) for (const p of pts) buckets.add(Math.floor(p.ts / stepMs) * stepMs);
  const times = [...buckets].sort((a, b) => a - b);
  const idx = list.map(() => 0);
  const last: (number | null)[] = list.map(() => null);
  const out: Pt[] = [];
  for (const t of times) {
    list.forEach((pts, k) => {
      while (idx[k] < pts.length && pts[idx[k]].ts < t + stepMs) last[k] = pts[idx[k]++].value;
    });
    const vals = last.filter((v) => v !== null);
    if (!vals.length) continue;
    out.push({ ts: t, value: op === 'sum' ? vals.reduce((s, v) => s + v, 0) : Math.max(...vals) });
  }
  return out;
}
