import type { ServiceContext } from '../platform/context';
import { rawVisibleClause } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';
import { SlidingWindow, initialPhase, step, type MetricCondition } from './evaluate';
import { inScope } from './scope';
import { RACK_POWER_PCT } from './rack-alerts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MAX_SERIES = 5_000;

/** A rule as the preview takes it: the condition and where it applies. */
export interface PreviewRule extends MetricCondition {
  metric: string;
  scope_type: string;
  scope_value: string | null;
}

/**
 * Replay a condition over one series of one-minute points (oldest first): when it would have started firing.
 * A minute's point is the bucket's value for the rule's aggregate (its average for `avg`, its minimum for `min`,
 * ...), so windows shorter than a minute behave as one minute: the preview is a close reading, not the rack
 * object's per-sample one.
 */
export function replay(c: MetricCondition, points: { ts: number; value: number }[]): number[] {
  const w = new SlidingWindow(Math.max(c.window_s * 1000, MINUTE));
  const phase = initialPhase();
  const fired: number[] = [];
  for (const p of points) {
    if (!w.add(p.ts, p.value)) continue;
    const t = step(c, phase, p.ts, w.value(c.aggregate));
    if (t?.to === 'firing') fired.push(t.ts);
  }
  return fired;
}

const column: Record<string, string> = { last: 'last', avg: 'sum / count', min: 'min', max: 'max' };

/**
 * How often a rule would have fired over the last 24 h of one-minute rollups, on the devices the caller can see:
 * per device and per hour. `rack_power_pct` is derived from the racks' `power_kw` and capacity, as the rack
 * objects do.
 */
export async function previewRule(ctx: ServiceContext, rule: PreviewRule, now = Date.now()) {
  const from = Math.floor((now - 24 * HOUR) / MINUTE) * MINUTE;
  const derived = rule.metric === RACK_POWER_PCT;
  const vis = rawVisibleClause(ctx.actor, rackEntity, 'r', '?4');
  const value = derived
    ? `(m.${column[rule.aggregate] ?? 'last'}) * 100.0 / r.power_capacity_kw`
    : `m.${column[rule.aggregate] ?? 'last'}`;
  const { results } = await ctx.env.DB.prepare(
    `SELECT m.rack_id, m.server_id, m.labels, m.bucket_start AS ts, ${value} AS value, r.name AS rack, r.datacenter_id,
            s.name AS server, s.server_type
       FROM metric_rollups m JOIN racks r ON r.id = m.rack_id LEFT JOIN servers s ON s.id = m.server_id AND m.server_id <> 0
      WHERE m.step_s = 60 AND m.metric = ?1 AND m.bucket_start >= ?2 AND m.bucket_start <= ?3
        ${derived ? 'AND m.server_id = 0 AND r.power_capacity_kw > 0' : ''}${vis ? ` AND ${vis.sql}` : ''}
      ORDER BY m.rack_id, m.server_id, m.labels, m.bucket_start`,
  )
    .bind(derived ? 'power_kw' : rule.metric, from, now, ...(vis?.bind ?? []))
    .all<Record<string, any>>();
  const series = new Map<
    string,
    { device: string; rack: string; points: { ts: number; value: number }[]; target: Record<string, any> }
  >();
  for (const r of results) {
    const target = {
      datacenter_id: r.datacenter_id,
      rack_id: r.rack_id,
      server_id: r.server_id || null,
      server_type: r.server_type,
    };
    if (!inScope(rule, target)) continue;
    const key = `${r.rack_id}|${r.server_id}|${r.labels}`;
    let s = series.get(key);
    if (!s) {
      if (series.size >= MAX_SERIES) continue;
      s = { device: r.server ?? r.rack, rack: r.rack, points: [], target };
      series.set(key, s);
    }
    if (Number.isFinite(r.value)) s.points.push({ ts: r.ts, value: r.value });
  }
  const hours = new Map<number, number>();
  for (let h = Math.floor(from / HOUR) * HOUR; h <= now; h += HOUR) hours.set(h, 0);
  const devices: { device: string; rack: string; times: number; first_at: string }[] = [];
  let firings = 0;
  for (const s of series.values()) {
    const fired = replay(rule, s.points);
    if (!fired.length) continue;
    firings += fired.length;
    for (const t of fired) {
      const h = Math.floor(t / HOUR) * HOUR;
      hours.set(h, (hours.get(h) ?? 0) + 1);
    }
    devices.push({ device: s.device, rack: s.rack, times: fired.length, first_at: new Date(fired[0]!).toISOString() });
  }
  devices.sort((a, b) => b.times - a.times || a.device.localeCompare(b.device));
  return {
    from: new Date(from).toISOString(),
    to: new Date(now).toISOString(),
    series: series.size,
    firings,
    devices_firing: devices.length,
    devices: devices.slice(0, 20),
    hours: [...hours].map(([h, n]) => ({ hour: new Date(h).toISOString(), firings: n })),
  };
}
