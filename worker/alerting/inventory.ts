import type { Env } from '../env';
import { createDb } from '../platform/db/client';
import { verifyAuditTrail } from '../platform/audit/verify';
import { compare, type Comparison } from './evaluate';
import { firingStatements, resolvedStatements, stillFiringStatement } from './record';
import { inScope } from './scope';
import { RACK_MOUNT_SQL } from '../dcim/mounted';

/** One device (or the site) and the measured value an inventory check compares with the rule's threshold. */
export interface Finding {
  key: string;
  device: string;
  value: number;
  rack_name: string | null;
  rack_id: number | null;
  datacenter_id: number | null;
  server_id: number | null;
}

interface InventoryRule {
  id: number;
  name: string;
  severity: string;
  inventory_check: string;
  comparison: Comparison;
  threshold: number;
  scope_type: string;
  scope_value: string | null;
  labels: string;
  message: string;
  auto_acknowledge: number;
}

const MINUTE = 60_000;
const AUDIT_VERIFY_EVERY_MS = 15 * MINUTE;
let lastAuditVerdict: { at: number; problems: number } | null = null;

/** Tests: the next audit_chain check verifies again. */
export const forgetAuditVerdict = () => void (lastAuditVerdict = null);
const DAY = 86_400_000;

type Row = Record<string, any>;
const serverFinding = (r: Row, value: number): Finding => ({
  key: `server:${r.server_id}`,
  device: r.name,
  value,
  rack_name: r.rack_name,
  rack_id: r.rack_id,
  datacenter_id: r.datacenter_id,
  server_id: r.server_id,
});
const rackFinding = (r: Row, value: number): Finding => ({
  key: `rack:${r.rack_id}`,
  device: r.rack_name,
  value,
  rack_name: r.rack_name,
  rack_id: r.rack_id,
  datacenter_id: r.datacenter_id,
  server_id: null,
});

/**
 * Hours from `now` to the first forecast hour at or above `limit` (100 %: full; 0 when already past it); null
 * when none is. The server page reads CPU forecasts against 90 % with the same rule.
 */
export function hoursUntilFull(
  start: number,
  points: [number, number, number][],
  now: number,
  limit = 100,
): number | null {
  const i = points.findIndex((p) => p[0] >= limit);
  if (i < 0) return null;
  return Math.max(0, Math.round((start + i * 3_600_000 - now) / 360_000) / 10);
}

/**
 * What each check measures, for every device it applies to (the rule's comparison and threshold are applied by
 * the caller). Values are in the unit the rule's threshold is written in: days, percent, minutes, problems.
 */
export async function measure(env: Env, check: string, now: number): Promise<Finding[]> {
  const db = env.DB;
  switch (check) {
    case 'warranty_expiring': {
      // expiring, not expired: days left until the warranty ends (the dashboard counts expired ones)
      const { results } = await db
        .prepare(
          `SELECT s.id AS server_id, s.name, s.rack_id, r.name AS rack_name, r.datacenter_id, s.warranty_expires
             FROM servers s JOIN racks r ON r.id = s.rack_id
            WHERE s.status <> 'decommissioned' AND s.warranty_expires >= ?`,
        )
        .bind(new Date(now).toISOString().slice(0, 10))
        .all<Row>();
      return results.map((r) => serverFinding(r, Math.floor((Date.parse(r.warranty_expires) - now) / DAY) + 1));
    }
    case 'rack_power_allocation':
    case 'rack_space': {
      const { results } = await db
        .prepare(
          // every kind in the rack (storage, switches, PDUs), counted as the rack list counts them
          `SELECT racks.id AS rack_id, racks.name AS rack_name, racks.datacenter_id, racks.u_capacity,
                  racks.power_capacity_kw, ${RACK_MOUNT_SQL.allocated_w} AS allocated_w, ${RACK_MOUNT_SQL.used_u} AS used_u
             FROM racks`,
        )
        .all<Row>();
      return results.map((r) =>
        rackFinding(
          r,
          check === 'rack_space'
            ? (100 * r.used_u) / Math.max(1, r.u_capacity)
            : (100 * r.allocated_w) / Math.max(1, r.power_capacity_kw * 1000),
        ),
      );
    }
    case 'no_data': {
      // servers that reported in the last day: minutes since the end of their newest flushed minute
      const { results } = await db
        .prepare(
          `SELECT m.server_id, max(m.bucket_start) AS last, s.name, s.rack_id, r.name AS rack_name, r.datacenter_id
             FROM metric_rollups m JOIN servers s ON s.id = m.server_id JOIN racks r ON r.id = s.rack_id
            WHERE m.step_s = 60 AND m.server_id > 0 AND m.bucket_start > ? AND s.status = 'active'
            GROUP BY m.server_id`,
        )
        .bind(now - DAY)
        .all<Row>();
      return results.map((r) => serverFinding(r, Math.max(0, Math.floor((now - (r.last + MINUTE)) / MINUTE))));
    }
    case 'audit_chain': {
      // verifying re-hashes the whole trail: every AUDIT_VERIFY_EVERY_MS, the last verdict in between
      if (!lastAuditVerdict || now - lastAuditVerdict.at >= AUDIT_VERIFY_EVERY_MS || now < lastAuditVerdict.at) {
        const ctx = { db: createDb(db), env, actor: null, requestId: 'cron', clientIp: null, system: true };
        const v = await verifyAuditTrail(ctx);
        lastAuditVerdict = { at: now, problems: (v.first_broken ? 1 : 0) + v.checkpoints.problems.length };
      }
      const problems = lastAuditVerdict.problems;
      return [
        {
          key: 'site',
          device: 'audit chain',
          value: problems,
          rack_name: null,
          rack_id: null,
          datacenter_id: null,
          server_id: null,
        },
      ];
    }
    case 'disk_full_forecast': {
      // hours until the nightly forecast of a server's disk_pct reaches 100 %; servers whose week of forecast
      // stays under it have no finding (a rule "< 24" fires a day ahead, and clears when a new forecast relents)
      const { results } = await db
        .prepare(
          `SELECT f.server_id, f.start, f.points, s.name, s.rack_id, r.name AS rack_name, r.datacenter_id
             FROM series_forecasts f JOIN servers s ON s.id = f.server_id JOIN racks r ON r.id = s.rack_id
            WHERE f.metric = 'disk_pct' AND f.server_id > 0 AND s.status <> 'decommissioned'`,
        )
        .all<Row>();
      return results.flatMap((r) => {
        const hours = hoursUntilFull(r.start, JSON.parse(r.points), now);
        return hours === null ? [] : [serverFinding(r, hours)];
      });
    }
    default:
      return [];
  }
}

/**
 * Evaluate every enabled inventory rule: a finding over the threshold raises (or keeps) its alert, an open alert
 * whose condition no longer holds resolves itself. One batch per rule, so a rule's alerts move together.
 */
export async function evaluateInventoryRules(env: Env, now = Date.now()): Promise<{ rules: number; firing: number }> {
  const { results: rules } = await env.DB.prepare(
    `SELECT * FROM alert_rules WHERE enabled = 1 AND kind = 'inventory' AND inventory_check IS NOT NULL ORDER BY id`,
  ).all<InventoryRule>();
  const measured = new Map<string, Finding[]>();
  let firing = 0;
  for (const rule of rules) {
    if (!measured.has(rule.inventory_check))
      measured.set(rule.inventory_check, await measure(env, rule.inventory_check, now));
    const hits = measured
      .get(rule.inventory_check)!
      .filter((f) => inScope(rule, f) && compare(rule.comparison, f.value, rule.threshold));
    const { results: open } = await env.DB.prepare(
      `SELECT fingerprint FROM alerts WHERE rule_id = ? AND status <> 'resolved'`,
    )
      .bind(rule.id)
      .all<{ fingerprint: string }>();
    const openSet = new Set(open.map((o) => o.fingerprint));
    const fp = (f: Finding) => `rule:${rule.id}|${f.key}`;
    const statements: D1PreparedStatement[] = [];
    for (const f of hits) {
      const fingerprint = fp(f);
      if (openSet.has(fingerprint)) {
        statements.push(stillFiringStatement(env.DB, fingerprint, now, f.value));
        continue;
      }
      statements.push(
        ...firingStatements(env.DB, {
          fingerprint,
          ts: now,
          value: Math.round(f.value * 100) / 100,
          rule: {
            id: rule.id,
            name: rule.name,
            severity: rule.severity,
            threshold: rule.threshold,
            message: rule.message,
          },
          auto_acknowledge: !!rule.auto_acknowledge,
          device: f.device,
          rack_name: f.rack_name,
          metric: null,
          rack_id: f.rack_id,
          datacenter_id: f.datacenter_id,
          server_id: f.server_id,
          labels: { ...JSON.parse(rule.labels || '{}'), check: rule.inventory_check },
        }),
      );
    }
    const still = new Set(hits.map(fp));
    for (const fingerprint of openSet)
      if (!still.has(fingerprint)) statements.push(...resolvedStatements(env.DB, fingerprint, now, null));
    firing += hits.length;
    // D1 takes up to 100 statements per batch comfortably; a rule's changes go in order, chunked
    for (let i = 0; i < statements.length; i += 90) await env.DB.batch(statements.slice(i, i + 90));
  }
  return { rules: rules.length, firing };
}
