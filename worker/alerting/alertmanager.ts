import * as v from 'valibot';
import type { ServiceContext } from '../platform/context';
import { resolveDevices } from '../telemetry/resolve';
import type { DeviceRef } from '../telemetry/samples';
import { firingStatements, resolvedStatements, stillFiringStatement } from './record';
import { SEVERITIES, type AlertmanagerAlerts } from './schemas/alert-rule';
import { alertsChanged } from '../../durable-objects/alert-hub-client';

type AmAlert = v.InferOutput<typeof AlertmanagerAlerts>[number];

/** Alertmanager's identity of an alert: its label set (sorted), so a resend lands on the same alert. */
export const alertmanagerFingerprint = (labels: Record<string, string>) =>
  `am:${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}`;

/** The device an alert's labels name: `instance` (host[:port]), `device` or `server`, else `rack`, `datacenter`. */
const deviceRef = (l: Record<string, string>): DeviceRef => ({
  server: l.device ?? l.server,
  instance: l.instance,
  rack: l.rack,
  datacenter: l.datacenter,
});

/**
 * Alerts from a Prometheus that uses the platform as its Alertmanager (POST /api/v2/alerts). Each gets the
 * lifecycle of our own: one open alert per label set, refreshed by resends, matched to a device by its labels
 * (so it is as secret as that device, and unmatched ones only reach callers cleared for every zone). An alert
 * whose `endsAt` has passed is resolved: at once when Prometheus sends the resolution, or by the minute cron when
 * Prometheus simply stops resending (`expireAlertmanagerAlerts`).
 */
export async function receiveAlertmanager(ctx: ServiceContext, alerts: AmAlert[], now = Date.now()) {
  const targets = await resolveDevices(
    ctx.env.DB,
    alerts.map((a) => deviceRef(a.labels)),
    ctx.actor?.clearance ?? null,
    now,
  );
  const db = ctx.env.DB;
  const fingerprints = alerts.map((a) => alertmanagerFingerprint(a.labels));
  const { results: open } = await db
    .prepare(
      `SELECT fingerprint FROM alerts WHERE status <> 'resolved' AND fingerprint IN (SELECT value FROM json_each(?))`,
    )
    .bind(JSON.stringify(fingerprints))
    .all<{ fingerprint: string }>();
  const isOpen = new Set(open.map((o) => o.fingerprint));
  const statements: D1PreparedStatement[] = [];
  let firing = 0;
  let resolved = 0;
  alerts.forEach((a, i) => {
    const fingerprint = fingerprints[i]!;
    const endsAt = a.endsAt ? Date.parse(a.endsAt) : NaN;
    if (Number.isFinite(endsAt) && endsAt <= now) {
      if (isOpen.has(fingerprint))
        statements.push(...resolvedStatements(db, fingerprint, endsAt, null, 'alertmanager'));
      resolved++;
      return;
    }
    firing++;
    const ends = Number.isFinite(endsAt) ? new Date(endsAt).toISOString() : null;
    if (isOpen.has(fingerprint)) {
      statements.push(stillFiringStatement(db, fingerprint, now, null, ends));
      return;
    }
    isOpen.add(fingerprint); // the same label set twice in one request is one alert
    const t = targets[i];
    const rack = t && t.kind !== 'datacenter' ? t.rack : null;
    const severity = (SEVERITIES as readonly string[]).includes(a.labels.severity ?? '')
      ? a.labels.severity!
      : 'warning';
    const started = a.startsAt ? Date.parse(a.startsAt) : now;
    statements.push(
      ...firingStatements(db, {
        fingerprint,
        ts: Number.isFinite(started) && started <= now ? started : now,
        value: null,
        rule: {
          id: null,
          name: a.labels.alertname!,
          severity,
          threshold: null,
          message: a.annotations?.summary ?? a.annotations?.description ?? a.labels.alertname!,
        },
        source: 'alertmanager',
        ends_at: ends,
        auto_acknowledge: false,
        device: a.labels.instance ?? a.labels.device ?? '',
        rack_name: rack?.name ?? null,
        metric: null,
        rack_id: rack?.rack_id ?? null,
        datacenter_id: t?.kind === 'datacenter' ? t.datacenter_id : (rack?.datacenter_id ?? null),
        server_id: t?.kind === 'server' ? t.server_id : null,
        labels: { ...a.labels, ...(a.generatorURL ? { generator_url: a.generatorURL } : {}) },
      }),
    );
  });
  for (let i = 0; i < statements.length; i += 90) await db.batch(statements.slice(i, i + 90));
  if (statements.length) await alertsChanged(ctx.env);
  return { received: alerts.length, firing, resolved };
}

/** Alertmanager alerts Prometheus stopped resending: resolved once their `endsAt` passed (the minute cron). */
export async function expireAlertmanagerAlerts(db: D1Database, now = Date.now()): Promise<number> {
  const at = new Date(now).toISOString();
  const { results } = await db
    .prepare(
      `SELECT fingerprint, ends_at FROM alerts WHERE source = 'alertmanager' AND status <> 'resolved' AND ends_at IS NOT NULL AND ends_at <= ?`,
    )
    .bind(at)
    .all<{ fingerprint: string; ends_at: string }>();
  const statements = results.flatMap((r) =>
    resolvedStatements(db, r.fingerprint, Date.parse(r.ends_at), null, 'alertmanager'),
  );
  for (let i = 0; i < statements.length; i += 90) await db.batch(statements.slice(i, i + 90));
  return results.length;
}
