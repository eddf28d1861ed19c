import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { clearanceCovers } from '../platform/access/zones';
import { auditInsertedRow, toStatement } from '../platform/audit/trail';
import { runBatch, type Statement } from '../platform/db/client';
import { remediationRuns } from './tables';
import { RUN_AUDIT } from './runs';
import { timelineStatement } from './timeline';
import { decide } from './guards';
import { ISO, guardFacts, propose, type AlertFacts, type PlaybookRow } from './facts';
import { startAction } from './execute';

const RANK = `CASE %s WHEN 'info' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END`;
const rank = (col: string) => RANK.replace('%s', col);

const NOTE: Record<string, string> = {
  would_run: 'would have run (dry run)',
  skipped: 'was held back',
  awaiting_approval: 'waits for approval',
  executing: 'acts on its own',
};

/**
 * The cron's look for work: every open alert (suppressed ones too, so a maintenance window shows as the guard that
 * held a playbook back) of an enabled playbook's rule, in its datacenter and at its severity, that has no run of
 * that playbook yet. Each gets one run, decided by the guards; an auto run that may act starts at once.
 */
export async function triggerPlaybooks(ctx: ServiceContext, now = Date.now()) {
  const pairs = await ctx.db.all<{ playbook_id: number; alert_id: number }>(
    sql.raw(`SELECT p.id AS playbook_id, a.id AS alert_id
      FROM remediation_playbooks p JOIN alerts a ON a.rule_id = p.trigger_rule_id
      WHERE p.enabled = 1 AND a.status IN ('firing', 'acknowledged', 'suppressed')
        AND (p.datacenter_id IS NULL OR p.datacenter_id = a.datacenter_id)
        AND ${rank('a.severity')} >= ${rank('p.min_severity')}
        AND (p.after_min = 0
          OR a.started_at <= strftime('%Y-%m-%dT%H:%M:%fZ', ${now / 1000}, 'unixepoch', '-' || p.after_min || ' minutes'))
        AND NOT EXISTS (SELECT 1 FROM remediation_runs r WHERE r.playbook_id = p.id AND r.alert_id = a.id)
      ORDER BY a.id, p.id LIMIT 50`),
  );
  let made = 0;
  for (const { playbook_id, alert_id } of pairs) {
    const p = (await ctx.db.get(sql`SELECT * FROM remediation_playbooks WHERE id = ${playbook_id}`)) as PlaybookRow;
    const a = (await ctx.db.get(
      sql`SELECT id, severity, status, datacenter_id, rack_id, server_id FROM alerts WHERE id = ${alert_id}`,
    )) as AlertFacts;
    if (await startRun(ctx, p, a, now)) made++;
  }
  return made;
}

async function startRun(ctx: ServiceContext, p: PlaybookRow, a: AlertFacts, now: number) {
  const proposed = await propose(ctx, p, a);
  const facts = await guardFacts(ctx, p, a, proposed.zone, clearanceCovers(p.auto_max_zone, proposed.zone), now);
  const decision = proposed.ok ? decide(facts) : { status: 'skipped' as const, reason: proposed.reason };
  const counted = decision.status === 'would_run' || decision.status === 'executing';
  const values = {
    playbook_id: p.id,
    name: p.name,
    action: p.action,
    mode: p.mode,
    alert_id: a.id,
    severity: a.severity,
    datacenter_id: a.datacenter_id,
    rack_id: a.rack_id,
    server_id: a.server_id,
    security_zone: proposed.zone,
    target: proposed.ok ? proposed.target : null,
    // an auto run is recorded as approved by policy until its action is handed over (startAction)
    status: decision.status === 'executing' ? 'awaiting_approval' : decision.status,
    reason: decision.reason,
    proposal: (proposed.ok ? proposed.proposal : {}) as Record<string, unknown>,
    decided_by: decision.status === 'executing' ? 'policy' : null,
    decided_at: decision.status === 'executing' ? ISO(now) : null,
    started_at: counted ? ISO(now) : null,
    finished_at: decision.status === 'skipped' || decision.status === 'would_run' ? ISO(now) : null,
  };
  const what = proposed.ok ? `: ${proposed.target}` : '';
  try {
    await runBatch(ctx.db, [
      ctx.db.insert(remediationRuns).values(values),
      toStatement(ctx, auditInsertedRow(ctx, RUN_AUDIT)),
      timelineStatement(
        ctx,
        a.id,
        `Playbook "${p.name}" ${NOTE[decision.status]}${what}${decision.reason ? ` (${decision.reason})` : ''}`,
      ),
    ] as Statement[]);
  } catch (e) {
    // another cron step made this run a moment ago: the unique (playbook, alert) says so, and the batch undid itself
    if (/UNIQUE/i.test(String((e as Error).message))) return false;
    throw e;
  }
  if (decision.status === 'executing') {
    const run = await ctx.db
      .select()
      .from(remediationRuns)
      .where(sql`${remediationRuns.playbook_id} = ${p.id} AND ${remediationRuns.alert_id} = ${a.id}`)
      .get();
    if (run) await startAction(ctx, run);
  }
  return true;
}
