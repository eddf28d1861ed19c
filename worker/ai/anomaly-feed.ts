import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { andVisible } from '../platform/access/entities';
import { alertEntity } from '../alerting/access';
import { canonicalLabels } from '../telemetry/config';
import { querySeries, visibleRack } from '../telemetry/query';

const MINUTE = 60_000;
/** the context drawn around each anomaly: half an hour either side, minute by minute */
const CONTEXT_MS = 30 * MINUTE;

/**
 * Minute means of the series from CONTEXT_MS before `at` to CONTEXT_MS after, as the query API reads them (D1
 * for what was flushed, the rack object's memory for the last minutes). Empty when the caller may not read them
 * here (a zone that needs a step-up): the feed still lists the anomaly.
 */
async function around(ctx: ServiceContext, r: Row, series: string, at: number): Promise<[number, number][]> {
  try {
    const rack = await visibleRack(ctx, r.rack_id!);
    const found = await querySeries(
      ctx,
      { server_id: r.server_id, rack },
      { metrics: [r.metric!], from: at - CONTEXT_MS, to: at + CONTEXT_MS, step: 60 },
    );
    const s = found.find((x) => canonicalLabels(x.labels) === series);
    return (s?.points ?? []).map((p) => [p.ts, Math.round(p.avg * 1000) / 1000]);
  } catch {
    return [];
  }
}

/**
 * The series' own labels, as the rollups key them: an alert's `labels` add the rule's, but its fingerprint
 * (`rule:<id>|<device>|<canonical series labels>`, worker/alerting/rack-alerts.ts) carries them exactly.
 */
const seriesLabels = (fingerprint: string) => fingerprint.split('|').slice(2).join('|');

interface Row {
  id: number;
  rule_id: number;
  rule: string;
  severity: string;
  status: string;
  message: string;
  datacenter_id: number | null;
  rack_id: number | null;
  server_id: number | null;
  server: string | null;
  metric: string | null;
  value: number | null;
  labels: string;
  fingerprint: string;
  details: string | null;
  started_at: string;
}

/**
 * Anomaly alerts (raised by `anomaly` rules from the rack objects' detector), newest first, each with its
 * explanation and the minute means of its series around it, to see the anomaly in its context.
 */
export async function anomalyFeed(ctx: ServiceContext, q: { datacenter_id?: number; limit: number; offset: number }) {
  const inDc = q.datacenter_id === undefined ? sql`` : sql` AND a.datacenter_id = ${q.datacenter_id}`;
  const where = sql`FROM alerts a JOIN alert_rules r ON r.id = a.rule_id AND r.kind = 'anomaly'
    WHERE 1 = 1${andVisible(ctx, alertEntity, 'a')}${inDc}`;
  const [rows, [count]] = await Promise.all([
    ctx.db.all<Row>(
      sql`SELECT a.id AS id, a.rule_id AS rule_id, r.name AS rule, a.severity AS severity, a.status AS status,
            a.message AS message, a.datacenter_id AS datacenter_id, a.rack_id AS rack_id, a.server_id AS server_id,
            (SELECT s.name FROM servers s WHERE s.id = a.server_id) AS server, a.metric AS metric,
            a.value AS value, a.labels AS labels, a.fingerprint AS fingerprint, a.details AS details, a.started_at AS started_at
          ${where} ORDER BY a.started_at DESC, a.id DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
    ),
    ctx.db.all<{ n: number }>(sql`SELECT count(*) AS n ${where}`),
  ]);
  const items = await Promise.all(
    rows.map(async (r) => {
      const labels = JSON.parse(r.labels || '{}') as Record<string, string>;
      const details = r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null;
      // the sample that scored (a backfilled anomaly is older than its alert), else when the alert started
      const at = typeof details?.ts === 'number' ? details.ts : Date.parse(r.started_at);
      const series = seriesLabels(r.fingerprint);
      const context = r.rack_id !== null && r.metric ? await around(ctx, r, series, at) : [];
      const { fingerprint: _, ...rest } = r;
      return {
        ...rest,
        labels,
        details,
        at,
        series_labels: series,
        context,
      };
    }),
  );
  return { total: count?.n ?? 0, items };
}
