import { eq } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch } from '../platform/db/client';
import type { ResourceDef } from '../platform/http/resource';
import { datacenters, racks } from '../dcim/tables';
import { rackEntity } from '../dcim/access';
import { visibleWhere } from '../platform/access/entities';
import { exposedFamily } from '../telemetry/metrics-endpoint';
import { prometheusRuleFile, type ExportRule } from './prometheus-export';
import { unprocessable } from '../platform/http/problem';
import { alertRules } from './tables';
import { AlertRule, AlertRuleCreate, AlertRuleUpdate, RULE_KINDS, SEVERITIES } from './schemas/alert-rule';
import { ruleProblems } from './rule-checks';
import { pushRules } from './push';

export const alertRulesResource: ResourceDef = {
  path: '/alert-rules',
  entity: 'alert_rule',
  label: 'Alert rule',
  tag: 'Alerting',
  table: alertRules,
  schemas: { create: AlertRuleCreate, update: AlertRuleUpdate, output: AlertRule },
  filters: {
    kind: { type: 'string', values: RULE_KINDS },
    severity: { type: 'string', values: SEVERITIES },
    enabled: { type: 'bool' },
    metric: { type: 'string' },
  },
  sortable: ['id', 'name', 'kind', 'severity', 'metric', 'enabled', 'created_at', 'updated_at'],
  defaultSort: 'name',
  searchable: ['name', 'description', 'metric', 'message'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  access: { read: 'alerts:read', write: 'alerts:configure' },
  description:
    'Alert rules: a metric condition evaluated in the rack objects as samples arrive (aggregate over a window, ' +
    '`for` duration, clear threshold for hysteresis, keep_firing_for), an anomaly-score condition, or an ' +
    'inventory check run by cron; severity, scope, labels and a message template.',
  afterWrite: async (ctx) => void (await pushRules(ctx.env)),
  async check(_ctx, changes) {
    const errors = changes.flatMap((c) => ruleProblems(c.after, c.prefix));
    if (errors.length) throw unprocessable(errors, 'The rule does not hold together.');
    for (const c of changes) {
      // shipped rules are tuned or disabled, never redefined into something else
      if (c.before?.builtin && c.after.kind !== c.before.kind) {
        throw unprocessable([{ field: `${c.prefix}kind`, message: 'a built-in rule keeps its kind' }]);
      }
    }
  },
};

/** The enabled metric rules as a Prometheus rule file (worker/alerting/prometheus-export.ts). */
export async function exportPrometheusRules(ctx: ServiceContext): Promise<string> {
  const [rules, dcs, rks] = await runBatch(ctx.db, [
    ctx.db.select().from(alertRules).where(eq(alertRules.enabled, true)).orderBy(alertRules.id),
    ctx.db.select({ id: datacenters.id, name: datacenters.name }).from(datacenters),
    // a rule scoped to a rack the caller may not see is exported as "no /metrics label", not with its name
    ctx.db.select({ id: racks.id, name: racks.name }).from(racks).where(visibleWhere(ctx, rackEntity)),
  ]);
  return prometheusRuleFile(
    rules as ExportRule[],
    exposedFamily,
    { datacenters: new Map(dcs.map((d) => [d.id, d.name])), racks: new Map(rks.map((r) => [r.id, r.name])) },
    new Date(),
  );
}
