import type { SampleObserver } from '../../durable-objects/telemetry/observers';
import type { RackMeta, SeriesRef } from '../../durable-objects/telemetry/types';
import { SlidingWindow, initialPhase, step, type MetricCondition, type PhaseState } from './evaluate';
import { firingStatements, resolvedStatements } from './record';
import { inScope } from './scope';

/** The rack's PDU reading (a rack series, kW) */
const RACK_POWER = 'power_kw';
/**
 * Derived in the rack object from each rack `power_kw` sample and the rack's capacity: percent of capacity in
 * use. Rules name it like any metric (the shipped "Rack power above 80 % / 95 % of capacity" do).
 */
export const RACK_POWER_PCT = 'rack_power_pct';

/** A metric rule as the rack object holds it (read from D1 by `loadRackRules`). */
export interface RackRule {
  id: number;
  /** metric: the samples' values; anomaly: their anomaly scores in [0, 1] (see AnomalyScorer) */
  kind: 'metric' | 'anomaly';
  name: string;
  severity: string;
  metric: string;
  condition: MetricCondition;
  scope_type: string;
  scope_value: string | null;
  labels: Record<string, string>;
  message: string;
  auto_acknowledge: boolean;
}

/**
 * The anomaly score of an accepted sample, in [0, 1], or null when the series has none. Anomaly rules compare it
 * with their threshold exactly as metric rules compare values. Each rack object hands its own detector
 * (worker/ai/rack-anomalies.ts, a sample observer registered before the alerts) to its RackAlerts; with an
 * explanation for the alert when one fires.
 */
export interface AnomalyScorer {
  score(series: SeriesRef, ts: number, value: number): number | null;
  explain?(seriesId: number): object | null;
}
/** Tests replace every object's scorer with a stub of theirs (null: each object's own again). */
let scorerOverride: AnomalyScorer | null = null;
export const useAnomalyScorer = (scorer: AnomalyScorer | null) => void (scorerOverride = scorer);

/** A window shared by the rules that read it; `seq` is the evaluation that last fed it, `fresh` what add said. */
interface SharedWindow {
  w: SlidingWindow;
  seq: number;
  fresh: boolean;
}
/** A rule's state for one series: its (shared) window and its phase (the same objects as in the keyed maps). */
interface RuleState {
  window: SharedWindow;
  phase: PhaseState;
}
/** the rule does not apply to the series (scope) */
const OUT = 0;

/** A transition waiting to reach D1 (table alert_outbox, written in the ingest's transaction). */
export interface OutboxEntry {
  to: 'firing' | 'resolved';
  ts: number;
  value: number;
  rule_id: number;
  rule_name: string;
  severity: string;
  metric: string;
  threshold: number;
  message: string;
  auto_acknowledge: boolean;
  server_id: number | null;
  series_labels: Record<string, string>;
  labels: Record<string, string>;
  rack_id: number;
  datacenter_id: number;
  rack_name: string;
  /** anomaly rules: why the detector scored the value as it did (expected band, the parts that fired...) */
  details?: Record<string, unknown> | null;
}

const canonical = (labels: Record<string, string>) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',');

/** One open alert per rule + device + labels. */
export const fingerprintOf = (e: Pick<OutboxEntry, 'rule_id' | 'server_id' | 'rack_id' | 'series_labels'>) =>
  `rule:${e.rule_id}|${e.server_id === null ? `rack:${e.rack_id}` : `server:${e.server_id}`}|${canonical(e.series_labels)}`;

/**
 * The rack object's alert evaluation: a sample observer that runs every enabled metric rule matching the
 * sample's series (by metric and scope), once per accepted sample, with the state it needs kept here:
 * - the window of each (rule, series) in memory, refilled from the raw ring when the object starts again;
 * - each (rule, series)'s phase (pending since, firing since) in table alert_phase, written only when it changes;
 * - transitions in table alert_outbox, in the ingest's transaction, until D1 has them (`delivered`).
 */
export class RackAlerts implements SampleObserver {
  readonly name = 'alerts';
  private sql!: SqlStorage;
  private byMetric = new Map<string, RackRule[]>();
  private serverTypes = new Map<number, string>();
  /**
   * Sample windows by series, span and what they aggregate: rules that look at the same series over the same
   * span share one (a hundred rules on a metric rarely use more than a few spans), fed once per sample.
   */
  private windows = new Map<string, SharedWindow>();
  private seq = 0;
  private phases = new Map<string, PhaseState>();
  /** by series id (negated for a metric derived from it): its rules' states, see evaluate */
  private hot = new Map<number, (RuleState | null | typeof OUT)[]>();
  private hotDatacenter = 0;

  constructor(
    private readonly meta: () => RackMeta | null,
    /** raw samples of a series in (from, to], oldest first: refills a window after a restart */
    private readonly history: (seriesId: number, from: number, to: number) => [number, number][],
    /** this rack's anomaly detector (null: anomaly rules stay quiet) */
    private readonly scorer: AnomalyScorer | null = null,
  ) {}

  init(sql: SqlStorage): void {
    this.sql = sql;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS alert_rules_cache (k INTEGER PRIMARY KEY, rules TEXT NOT NULL, server_types TEXT NOT NULL)`,
    );
    sql.exec(`CREATE TABLE IF NOT EXISTS alert_phase (rule_id INTEGER NOT NULL, series_id INTEGER NOT NULL,
      phase TEXT NOT NULL, since INTEGER NOT NULL, active_at INTEGER NOT NULL, PRIMARY KEY (rule_id, series_id))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS alert_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT NOT NULL)`);
    const cached = sql
      .exec<{ rules: string; server_types: string }>('SELECT rules, server_types FROM alert_rules_cache')
      .toArray()[0];
    if (cached) this.apply(JSON.parse(cached.rules), JSON.parse(cached.server_types));
    for (const p of sql
      .exec<{ rule_id: number; series_id: number; phase: string; since: number; active_at: number }>(
        'SELECT * FROM alert_phase',
      )
      .toArray()) {
      this.phases.set(`${p.rule_id}:${p.series_id}`, {
        phase: p.phase as PhaseState['phase'],
        since: p.since,
        active_at: p.active_at,
      });
    }
  }

  get ruleCount(): number {
    let n = 0;
    for (const list of this.byMetric.values()) n += list.length;
    return n;
  }

  /** New rules (and this rack's server types, for server_type scopes); state of rules that changed starts over. */
  setRules(rules: RackRule[], serverTypes: Record<string, string>): void {
    const before = new Map([...this.byMetric.values()].flat().map((r) => [r.id, JSON.stringify(r)]));
    const kept = new Set(rules.filter((r) => before.get(r.id) === JSON.stringify(r)).map((r) => r.id));
    const sameRules = kept.size === rules.length && before.size === rules.length;
    const sameTypes = JSON.stringify(serverTypes) === JSON.stringify(Object.fromEntries(this.serverTypes));
    // the once-a-minute re-read usually finds nothing new: windows and cached scopes stay as they are
    if (sameRules && sameTypes) return;
    this.sql.exec(
      'INSERT OR REPLACE INTO alert_rules_cache (k, rules, server_types) VALUES (1, ?, ?)',
      JSON.stringify(rules),
      JSON.stringify(serverTypes),
    );
    for (const key of [...this.phases.keys()]) {
      const ruleId = Number(key.split(':')[0]);
      if (kept.has(ruleId)) continue;
      this.phases.delete(key);
      this.sql.exec('DELETE FROM alert_phase WHERE rule_id = ?', ruleId);
    }
    // windows hold samples, not verdicts: when rules change, the ones no rule uses go and the others refill from
    // the ring as their rules next see a sample
    if (!sameRules) this.windows.clear();
    this.apply(rules, serverTypes);
  }

  private apply(rules: RackRule[], serverTypes: Record<string, string>) {
    this.hot.clear();
    this.byMetric = new Map();
    for (const r of rules) this.byMetric.set(r.metric, [...(this.byMetric.get(r.metric) ?? []), r]);
    this.serverTypes = new Map(Object.entries(serverTypes).map(([id, t]) => [Number(id), t]));
  }

  private applies(r: RackRule, s: SeriesRef, meta: RackMeta): boolean {
    return inScope(r, {
      datacenter_id: meta.datacenter_id,
      rack_id: meta.rack_id,
      server_id: s.server_id,
      server_type: s.server_id === null ? null : this.serverTypes.get(s.server_id),
    });
  }

  observe(series: SeriesRef, ts: number, value: number): void {
    const meta = this.meta();
    if (!meta) return;
    this.evaluate(series.metric, series, ts, value, meta);
    // the rack's measured power as a share of its capacity: what "rack power above 80 %" rules watch
    if (series.metric === RACK_POWER && series.server_id === null && meta.power_capacity_kw > 0) {
      const pct = (kw: number) => (kw / meta.power_capacity_kw) * 100;
      this.evaluate(RACK_POWER_PCT, series, ts, pct(value), meta, pct);
    }
  }

  /** `derive`: how the series' stored samples become this metric's values (refilling a window from the ring) */
  private evaluate(
    metric: string,
    series: SeriesRef,
    ts: number,
    value: number,
    meta: RackMeta,
    derive: (v: number) => number = (v) => v,
  ): void {
    const rules = this.byMetric.get(metric);
    if (!rules) return;
    // the hot path: per series, each rule's state (or OUT of scope) in the order of the metric's rules, so a
    // sample costs no string keys, map lookups or scope checks per rule
    if (this.hotDatacenter !== meta.datacenter_id) {
      this.hot.clear();
      this.hotDatacenter = meta.datacenter_id;
    }
    const cacheKey = metric === series.metric ? series.id : -series.id;
    let states = this.hot.get(cacheKey);
    if (!states) {
      states = rules.map((r) => (this.applies(r, series, meta) ? null : OUT));
      this.hot.set(cacheKey, states);
    }
    const seq = ++this.seq;
    for (let i = 0; i < rules.length; i++) {
      let st = states[i];
      if (st === OUT) continue;
      const r = rules[i]!;
      if (!st) {
        const key = `${r.id}:${series.id}`;
        const span = r.condition.window_s;
        const agg = span > 0 ? r.condition.aggregate : 'last';
        const wkey = `${series.id}|${metric}|${r.kind}|${span}|${agg}`;
        let w = this.windows.get(wkey);
        if (!w) {
          w = { w: new SlidingWindow(span * 1000, agg), seq: 0, fresh: false };
          // a restarted object picks the window up where the ring has it (this sample is not in the ring yet)
          if (span > 0 && r.kind !== 'anomaly')
            for (const [t, v] of this.history(series.id, ts - span * 1000, ts - 1)) w.w.add(t, derive(v));
          this.windows.set(wkey, w);
        }
        let phase = this.phases.get(key);
        if (!phase) {
          phase = initialPhase();
          this.phases.set(key, phase);
        }
        st = states[i] = { window: w, phase };
      }
      const sw = st.window;
      if (sw.seq !== seq) {
        sw.seq = seq;
        const x = r.kind === 'anomaly' ? (scorerOverride ?? this.scorer)?.score(series, ts, value) : value;
        // older than what the window holds: a late sample changes no verdict
        sw.fresh = x !== null && x !== undefined && Number.isFinite(x) && sw.w.add(ts, x);
      }
      if (!sw.fresh) continue;
      const w = sw.w;
      const phase = st.phase;
      const wasPhase = phase.phase;
      const wasSince = phase.since;
      const t = step(r.condition, phase, ts, w.value(r.condition.aggregate));
      if (phase.phase !== wasPhase || phase.since !== wasSince) {
        this.sql.exec(
          'INSERT OR REPLACE INTO alert_phase (rule_id, series_id, phase, since, active_at) VALUES (?, ?, ?, ?, ?)',
          r.id,
          series.id,
          phase.phase,
          phase.since,
          phase.active_at,
        );
      }
      if (!t) continue;
      const entry: OutboxEntry = {
        to: t.to,
        ts: t.ts,
        value: t.value,
        rule_id: r.id,
        rule_name: r.name,
        severity: r.severity,
        metric: r.metric,
        threshold: r.condition.threshold,
        message: r.message,
        auto_acknowledge: r.auto_acknowledge,
        server_id: series.server_id,
        series_labels: series.labels,
        labels: r.labels,
        rack_id: meta.rack_id,
        datacenter_id: meta.datacenter_id,
        rack_name: meta.name,
      };
      if (r.kind === 'anomaly' && t.to === 'firing') {
        const why = (scorerOverride ?? this.scorer)?.explain?.(series.id);
        if (why) entry.details = { ...why, observed: value };
      }
      this.sql.exec('INSERT INTO alert_outbox (entry) VALUES (?)', JSON.stringify(entry));
    }
  }

  /** Transitions not yet in D1, oldest first. */
  outbox(limit = 200): { id: number; entry: OutboxEntry }[] {
    return this.sql
      .exec<{ id: number; entry: string }>('SELECT id, entry FROM alert_outbox ORDER BY id LIMIT ?', limit)
      .toArray()
      .map((r) => ({ id: r.id, entry: JSON.parse(r.entry) as OutboxEntry }));
  }

  delivered(upTo: number): void {
    this.sql.exec('DELETE FROM alert_outbox WHERE id <= ?', upTo);
  }
}

/** The D1 statements that record `entries` (transitions of one rack), with devices named from `names`. */
export function alertStatements(
  db: D1Database,
  entries: OutboxEntry[],
  names: Map<number, string>,
): D1PreparedStatement[] {
  return entries.flatMap((e) => {
    const fingerprint = fingerprintOf(e);
    const device = e.server_id === null ? e.rack_name : (names.get(e.server_id) ?? `server ${e.server_id}`);
    if (e.to === 'resolved') return resolvedStatements(db, fingerprint, e.ts, e.value);
    return firingStatements(db, {
      fingerprint,
      ts: e.ts,
      value: e.value,
      rule: { id: e.rule_id, name: e.rule_name, severity: e.severity, threshold: e.threshold, message: e.message },
      auto_acknowledge: e.auto_acknowledge,
      device,
      rack_name: e.rack_name,
      metric: e.metric,
      rack_id: e.rack_id,
      datacenter_id: e.datacenter_id,
      server_id: e.server_id,
      labels: { ...e.series_labels, ...e.labels },
      details: e.details ?? null,
    });
  });
}

/** Enabled metric rules and this rack's server types, as `setRules` takes them. */
export async function loadRackRules(
  db: D1Database,
  rackId: number,
): Promise<{ rules: RackRule[]; serverTypes: Record<string, string> }> {
  const [rules, servers] = await db.batch([
    db.prepare(
      `SELECT * FROM alert_rules WHERE enabled = 1 AND kind IN ('metric', 'anomaly') AND metric IS NOT NULL ORDER BY id`,
    ),
    db.prepare('SELECT id, server_type FROM servers WHERE rack_id = ?').bind(rackId),
    // from now on rule changes are pushed to this rack's object
    db
      .prepare('INSERT OR IGNORE INTO alert_rule_racks (rack_id, since) VALUES (?, ?)')
      .bind(rackId, new Date().toISOString()),
  ]);
  return {
    rules: (rules.results as Record<string, any>[]).map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      severity: r.severity,
      metric: r.metric,
      condition: {
        aggregate: r.aggregate,
        window_s: r.window_s,
        comparison: r.comparison,
        threshold: r.threshold,
        clear_threshold: r.clear_threshold,
        for_s: r.for_s,
        keep_firing_for_s: r.keep_firing_for_s,
      },
      scope_type: r.scope_type,
      scope_value: r.scope_value,
      labels: JSON.parse(r.labels ?? '{}'),
      message: r.message,
      auto_acknowledge: !!r.auto_acknowledge,
    })),
    serverTypes: Object.fromEntries(
      (servers.results as { id: number; server_type: string }[]).map((s) => [String(s.id), s.server_type]),
    ),
  };
}
