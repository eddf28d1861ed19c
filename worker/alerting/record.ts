import { renderMessage } from './evaluate';

/** A condition found true (by a rack object or by the inventory cron), as an alert needs it. */
export interface Firing {
  fingerprint: string;
  ts: number;
  /** the measured value (null: the sender gave none, as Alertmanager alerts) */
  value: number | null;
  rule: { id: number | null; name: string; severity: string; threshold: number | null; message: string };
  /** rule (ours) or alertmanager (POST /api/v2/alerts) */
  source?: 'rule' | 'alertmanager';
  /** Alertmanager alerts: when it ends unless sent again */
  ends_at?: string | null;
  auto_acknowledge: boolean;
  /** the device's name, for the message */
  device: string;
  rack_name: string | null;
  metric: string | null;
  rack_id: number | null;
  datacenter_id: number | null;
  server_id: number | null;
  labels: Record<string, string>;
  /** why it fired, when the rule can say more than the value (anomaly rules: the detector's explanation) */
  details?: Record<string, unknown> | null;
}

/**
 * Record a firing condition: a new alert, or (while one is open for the fingerprint) a second sighting of it,
 * with the step in its history. The partial unique index on open fingerprints makes this an upsert.
 */
export function firingStatements(db: D1Database, f: Firing): D1PreparedStatement[] {
  const at = new Date(f.ts).toISOString();
  const message = renderMessage(f.rule.message, {
    device: f.device,
    rack: f.rack_name,
    rule: f.rule.name,
    metric: f.metric,
    value: f.value,
    threshold: f.rule.threshold,
    severity: f.rule.severity,
  });
  const labels = f.source === 'alertmanager' ? f.labels : { ...f.labels, rule: f.rule.name, severity: f.rule.severity };
  const out = [
    db
      .prepare(
        // an approved maintenance window over the device, its rack or its datacenter at that moment: recorded
        // as suppressed (kept, not sent; escalation delays count from `notify_from`). A rule that acknowledges
        // its alerts, or a server whose status is `maintenance` (someone is working on it): acknowledged at once,
        // by "rule" or by "maintenance".
        `INSERT INTO alerts (fingerprint, rule_id, source, severity, status, message, datacenter_id, rack_id, server_id,
           metric, value, threshold, labels, started_at, last_seen_at, acknowledged_at, acknowledged_by, ends_at, notify_from,
           details)
         SELECT ?1, ?2, ?3, ?4, CASE WHEN x.suppressed THEN 'suppressed' WHEN x.by IS NOT NULL THEN 'acknowledged' ELSE 'firing' END,
           ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14,
           CASE WHEN x.suppressed OR x.by IS NULL THEN NULL ELSE ?14 END,
           CASE WHEN x.suppressed THEN NULL ELSE x.by END, ?15, ?14, json(?16)
           FROM (SELECT
             EXISTS (SELECT 1 FROM maintenance_windows m WHERE m.approval = 'approved'
               AND m.starts_at <= ?14 AND m.ends_at > ?14
               AND ((m.target_type = 'server' AND m.target_id = ?9) OR (m.target_type = 'rack' AND m.target_id = ?8)
                 OR (m.target_type = 'datacenter' AND m.target_id = ?7))) AS suppressed,
             CASE WHEN ?5 THEN 'rule'
               WHEN ?9 IS NOT NULL AND (SELECT status FROM servers WHERE id = ?9) = 'maintenance' THEN 'maintenance' END AS by) x
         WHERE true
         ON CONFLICT (fingerprint) WHERE status <> 'resolved'
         DO UPDATE SET count = count + 1, last_seen_at = excluded.last_seen_at, value = excluded.value,
           message = excluded.message, ends_at = excluded.ends_at, updated_at = excluded.last_seen_at,
           details = coalesce(excluded.details, details)`,
      )
      .bind(
        f.fingerprint,
        f.rule.id,
        f.source ?? 'rule',
        f.rule.severity,
        f.auto_acknowledge ? 1 : 0,
        message,
        f.datacenter_id,
        f.rack_id,
        f.server_id,
        f.metric,
        f.value,
        f.rule.threshold,
        JSON.stringify(labels),
        at,
        f.ends_at ?? null,
        f.details ? JSON.stringify(f.details) : null,
      ),
    db
      .prepare(
        `INSERT INTO alert_events (alert_id, ts, type, value)
         SELECT id, ?, CASE WHEN count > 1 THEN 'refired' WHEN status = 'suppressed' THEN 'suppressed' ELSE 'fired' END, ?
           FROM alerts WHERE fingerprint = ? AND status <> 'resolved'`,
      )
      .bind(at, f.value, f.fingerprint),
    // the acknowledgment made for it, as a step of its own (only when it was just opened acknowledged)
    db
      .prepare(
        `INSERT INTO alert_events (alert_id, ts, type, actor, note)
         SELECT id, ?1, 'auto_acknowledged', acknowledged_by,
           CASE acknowledged_by WHEN 'rule' THEN ?2 ELSE 'the device is in maintenance' END
           FROM alerts WHERE fingerprint = ?3 AND status = 'acknowledged' AND count = 1
             AND acknowledged_at = ?1 AND acknowledged_by IN ('rule', 'maintenance')`,
      )
      .bind(at, `rule ${f.rule.name} acknowledges its alerts`, f.fingerprint),
  ];
  return out;
}

/**
 * A still-true condition seen again (inventory checks, an Alertmanager resend): the open alert's last sighting,
 * value and end, no new step in its history.
 */
export function stillFiringStatement(
  db: D1Database,
  fingerprint: string,
  ts: number,
  value: number | null,
  endsAt: string | null = null,
) {
  const at = new Date(ts).toISOString();
  return db
    .prepare(
      `UPDATE alerts SET last_seen_at = ?, value = coalesce(?, value), ends_at = coalesce(?, ends_at), updated_at = ?
         WHERE fingerprint = ? AND status <> 'resolved'`,
    )
    .bind(at, value, endsAt, at, fingerprint);
}

/** The condition cleared: the open alert of the fingerprint resolves itself, with the step in its history. */
export function resolvedStatements(
  db: D1Database,
  fingerprint: string,
  ts: number,
  value: number | null,
  by: 'rule' | 'alertmanager' = 'rule',
) {
  const at = new Date(ts).toISOString();
  return [
    db
      .prepare(
        `INSERT INTO alert_events (alert_id, ts, type, actor, value) SELECT id, ?, 'auto_resolved', ?, ?
           FROM alerts WHERE fingerprint = ? AND status <> 'resolved'`,
      )
      .bind(at, by, value, fingerprint),
    db
      .prepare(
        `UPDATE alerts SET status = 'resolved', resolved_at = ?, resolved_by = ?, value = coalesce(?, value), updated_at = ?
           WHERE fingerprint = ? AND status <> 'resolved'`,
      )
      .bind(at, by, value, at, fingerprint),
  ];
}
