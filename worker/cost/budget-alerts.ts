import type { Env } from '../env';
import { createDb } from '../platform/db/client';
import type { ServiceContext } from '../platform/context';
import { firingStatements, resolvedStatements, stillFiringStatement } from '../alerting/record';
import { budgetStatuses } from './budget-status';

const PREFIX = 'budget:';

/**
 * Raise an alert for each budget whose forecast (or actual) reached its alert_at_pct, through the alerting
 * domain's own statements (maintenance windows, history, notifications as for any alert); resolve the alert of a
 * budget that no longer does. One alert per budget and period: the fingerprint carries the period's start.
 */
export async function checkBudgets(env: Env, now = Date.now()) {
  const ctx: ServiceContext = {
    db: createDb(env.DB),
    env,
    actor: null,
    requestId: 'cron',
    clientIp: null,
    system: true,
  };
  const statuses = (await budgetStatuses(ctx, now)).filter((s) => s.alert_at_pct !== null);
  const { results: open } = await env.DB.prepare(
    `SELECT fingerprint FROM alerts WHERE fingerprint LIKE 'budget:%' AND status <> 'resolved'`,
  ).all<{ fingerprint: string }>();
  const openSet = new Set(open.map((o) => o.fingerprint));
  const firing = new Set<string>();
  const statements: D1PreparedStatement[] = [];
  for (const s of statuses) {
    if (!s.alerting) continue;
    const fingerprint = `${PREFIX}${s.budget_id}|${s.period_start}`;
    firing.add(fingerprint);
    if (openSet.has(fingerprint)) {
      statements.push(stillFiringStatement(env.DB, fingerprint, now, s.forecast));
      continue;
    }
    const threshold = Math.round(s.amount * s.alert_at_pct!) / 100;
    statements.push(
      ...firingStatements(env.DB, {
        fingerprint,
        ts: now,
        value: s.forecast,
        rule: {
          id: null,
          name: `budget ${s.name}`,
          severity: s.state === 'over' ? 'critical' : 'warning',
          threshold,
          message:
            s.state === 'over'
              ? `Budget ${s.name} is spent: ${s.actual} of ${s.amount} ${s.currency} this ${s.period}`
              : `Budget ${s.name}: this ${s.period} is forecast at ${s.forecast} ${s.currency} (alert at ${s.alert_at_pct} % of ${s.amount})`,
        },
        auto_acknowledge: false,
        device: s.scope_name ?? s.name,
        rack_name: null,
        metric: null,
        // a rack- or server-scoped budget's alert is as secret as its rack (the alert's zone comes from rack_id)
        rack_id: s.scope_type === 'rack' ? s.scope_id : null,
        datacenter_id: s.scope_type === 'datacenter' ? s.scope_id : null,
        server_id: s.scope_type === 'server' ? s.scope_id : null,
        labels: { budget: s.name, scope: s.scope_type, period: s.period, currency: s.currency },
        details: {
          actual: s.actual,
          forecast: s.forecast,
          amount: s.amount,
          elapsed_pct: s.elapsed_pct,
          formula: s.formula,
        },
      }),
    );
  }
  for (const fp of openSet) if (!firing.has(fp)) statements.push(...resolvedStatements(env.DB, fp, now, null));
  for (let i = 0; i < statements.length; i += 90) await env.DB.batch(statements.slice(i, i + 90));
  return { budgets: statuses.length, firing: firing.size };
}
