import { WINDOWS, type RackSummary, type SeriesLive } from '../../worker/telemetry/protocol';
import { summarizeRack, type LatestValue } from '../../worker/telemetry/rack-summary';
import { alignTo, statsOf } from '../../worker/telemetry/aggregate/bucket';
import { MINUTE } from '../../worker/telemetry/aggregate/series-windows';
import type { SeriesRegistry } from './series-registry';
import type { RollingAggregates } from './rolling';
import type { RackState } from './rack-state';
import type { RollupPoint } from './types';

/** Read-only views of a rack object's memory: latest values, its summary, live snapshots, recent minutes. */
export class RackViews {
  constructor(
    private readonly series: SeriesRegistry,
    private readonly rolling: RollingAggregates,
    private readonly state: RackState,
  ) {}

  latest(serverIds?: number[]): LatestValue[] {
    const want = serverIds ? new Set(serverIds) : null;
    const values: LatestValue[] = [];
    for (const s of this.series.all()) {
      const w = this.rolling.of(s.id);
      if (!w || w.lastTs === -Infinity) continue;
      if (want && (s.server_id === null || !want.has(s.server_id))) continue;
      values.push({ server_id: s.server_id, metric: s.metric, labels: s.labels, ts: w.lastTs, value: w.last });
    }
    return values;
  }

  summary(now: number): RackSummary | null {
    if (!this.state.meta) return null;
    return summarizeRack(this.state.meta, this.latest(), this.state.samplesTotal, now);
  }

  /** Every series with a value (of one server only when `serverId` is set), with its rolling windows. */
  live(serverId: number | null | undefined, now: number): SeriesLive[] {
    const out: SeriesLive[] = [];
    for (const s of this.series.all()) {
      const w = this.rolling.of(s.id);
      if (!w || w.lastTs === -Infinity) continue;
      if (serverId != null && s.server_id !== serverId) continue;
      const windows: SeriesLive['windows'] = {};
      for (const name of WINDOWS) {
        const st = w.window(name, now);
        if (st) windows[name] = st;
      }
      out.push({
        key: s.key,
        server_id: s.server_id,
        metric: s.metric,
        labels: s.labels,
        ts: w.lastTs,
        value: w.last,
        windows,
      });
    }
    return out;
  }

  /** The 1-minute buckets in memory of one series from `from` to `to`, oldest first. */
  minutes(seriesId: number, from: number, to: number): RollupPoint[] {
    const w = this.rolling.of(seriesId);
    if (!w) return [];
    const out: RollupPoint[] = [];
    for (const [start, b] of [...w.minutes].sort((x, y) => x[0] - y[0])) {
      if (start < alignTo(from, MINUTE) || start > to) continue;
      const st = statsOf(b);
      if (st)
        out.push({ ts: start, count: st.count, sum: b.sum, min: st.min, max: st.max, last: st.last, p95: st.p95 });
    }
    return out;
  }
}
