import { eq, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { ProblemError, conflict } from '../platform/http/problem';
import { getRow, type Row } from '../platform/http/resource';
import { requireStepUpForZones } from '../platform/identity/step-up';
import { auditUpdatedRow, toStatement } from '../platform/audit/trail';
import { runBatch, type Statement } from '../platform/db/client';
import { requestMigration } from '../virtualization/operations';
import { requestScale } from '../virtualization/workload-operations';
import { addGroupMember } from '../virtualization/scaling-groups';
import { requestHostOperation } from '../virtualization/host-operations';
import { createIncident } from '../alerting/incidents';
import { RUN_AUDIT, runsResource } from './runs';
import { remediationPlaybooks, remediationRuns } from './tables';
import { timelineStatement } from './timeline';
import { outcomeText } from './outcome';
import { blockingGuard } from './guards';
import { ISO, activeWindow, killSwitchOn, recentActions, type AlertFacts, type PlaybookRow } from './facts';
import type { CleanupProposal, GroupProposal, MigrationProposal, RestartProposal, ScaleProposal } from './proposal';

type RunRow = typeof remediationRuns.$inferSelect;

/** Move a run on: its row, an audit entry and a line in its incident's timeline, together. */
export async function transition(ctx: ServiceContext, run: RunRow, set: Partial<RunRow>, note: string) {
  await runBatch(ctx.db, [
    ctx.db
      .update(remediationRuns)
      .set({ ...set, updated_at: ISO(Date.now()) })
      .where(eq(remediationRuns.id, run.id)),
    toStatement(ctx, auditUpdatedRow(ctx, RUN_AUDIT, run.id, run)),
    timelineStatement(ctx, run.alert_id, note),
  ] as Statement[]);
}

const loadRun = async (ctx: ServiceContext, id: number) =>
  (await ctx.db.select().from(remediationRuns).where(eq(remediationRuns.id, id)).get())!;

/**
 * A run that did not fix things goes to people: its alert's incident (a new critical one when it has none),
 * with what was tried and why it failed.
 */
async function fail(ctx: ServiceContext, run: RunRow, reason: string) {
  const alert = await ctx.db.get<{ incident_id: number | null; status: string } | undefined>(
    sql`SELECT incident_id, status FROM alerts WHERE id = ${run.alert_id}`,
  );
  let incidentId = alert?.incident_id ?? null;
  if (!incidentId && alert) {
    const inc = await createIncident(ctx, {
      title: `Remediation failed: ${run.name}${run.target ? ` on ${run.target}` : ''}`.slice(0, 200),
      severity: 'critical',
      datacenter_id: run.datacenter_id,
      rack_id: run.rack_id,
      alert_ids: [run.alert_id],
      note: `Playbook "${run.name}" (run #${run.id}) did not fix alert #${run.alert_id}: ${reason}`.slice(0, 5000),
    });
    incidentId = Number(inc.id);
  }
  await transition(
    ctx,
    run,
    { status: 'failed', reason, finished_at: ISO(Date.now()), incident_id: incidentId },
    `Run #${run.id} of "${run.name}" failed and was escalated: ${reason}`,
  );
}

async function act(ctx: ServiceContext, run: RunRow, key: string) {
  if (run.action === 'vm.migrate') {
    const p = run.proposal as unknown as MigrationProposal;
    return requestMigration(ctx, p.vm_id, { target_host_id: p.to_host_id, live: true }, key);
  }
  if (run.action === 'vm_group.scale_out') {
    const p = run.proposal as unknown as GroupProposal;
    const g = await ctx.db.get<{ id: number; name: string; template_vm_id: number } | undefined>(
      sql`SELECT id, name, template_vm_id FROM vm_scaling_groups WHERE id = ${p.scaling_group_id}`,
    );
    if (!g) throw conflict(`Scaling group ${p.scaling_group_id} no longer exists.`);
    return addGroupMember(ctx, g, p.to_size, key);
  }
  if (run.action === 'host.service_restart') {
    const p = run.proposal as unknown as RestartProposal;
    return requestHostOperation(ctx, p.server_id, 'host.service_restart', { unit: p.unit }, key);
  }
  if (run.action === 'host.disk_cleanup') {
    const { server_id, server: _, ...policy } = run.proposal as unknown as CleanupProposal;
    return requestHostOperation(ctx, server_id, 'host.disk_cleanup', policy, key);
  }
  const p = run.proposal as unknown as ScaleProposal;
  return requestScale(ctx, p.workload_id, { replicas: p.to_replicas }, key);
}

/** Hand the run's action to the site agent (the virtualization operations); a refusal fails the run. */
export async function startAction(ctx: ServiceContext, run: RunRow) {
  const key = `remediation-${run.id}`;
  try {
    const { operation } = await act(ctx, run, key);
    await transition(
      ctx,
      run,
      { status: 'executing', operation_id: Number(operation.id), started_at: run.started_at ?? ISO(Date.now()) },
      `Playbook "${run.name}" started: ${run.target} (operation #${operation.id})`,
    );
  } catch (e) {
    if (!(e instanceof ProblemError)) throw e;
    await fail(ctx, { ...run, started_at: run.started_at ?? ISO(Date.now()) }, `the action was refused: ${e.detail}`);
  }
}

const playbookOf = async (ctx: ServiceContext, id: number) =>
  (await ctx.db.select().from(remediationPlaybooks).where(eq(remediationPlaybooks.id, id)).get()) as
    PlaybookRow | undefined;

/**
 * An operator approves a waiting run: the guards are asked again (the kill switch, a window, the hour's budget
 * and the cooldown may have changed while it waited), a zone with step-up wants a fresh passkey, then it acts.
 */
export async function approveRun(ctx: ServiceContext, id: number): Promise<Row> {
  const row = await getRow(ctx, runsResource, id);
  if (row.status !== 'awaiting_approval') {
    throw conflict(`Run ${id} is ${row.status}: only a run awaiting approval can be approved.`, [
      { field: 'status', message: `is ${row.status}` },
    ]);
  }
  requireStepUpForZones(ctx, [String(row.security_zone)]);
  const run = await loadRun(ctx, id);
  const playbook = await playbookOf(ctx, run.playbook_id);
  const alert: AlertFacts = {
    id: run.alert_id,
    severity: run.severity,
    status: String(row.alert_status),
    datacenter_id: run.datacenter_id,
    rack_id: run.rack_id,
    server_id: run.server_id,
  };
  if (row.alert_status === 'resolved') {
    throw conflict(`Alert ${run.alert_id} has cleared since: run ${id} has nothing left to fix.`, [
      { field: 'alert_id', message: 'the alert is resolved' },
    ]);
  }
  const now = Date.now();
  const blocked = blockingGuard({
    killSwitch: await killSwitchOn(ctx),
    maintenance: await activeWindow(ctx, alert),
    ...(playbook
      ? await recentActions(ctx, playbook, alert, now)
      : { startedLastHour: 0, lastOnTargetAt: null as number | null }),
    maxPerHour: playbook?.max_per_hour ?? Infinity,
    cooldownMin: playbook?.cooldown_min ?? 0,
    now,
  });
  if (blocked) {
    throw conflict(`Run ${id} cannot start now: ${blocked}.`, [{ field: 'status', message: blocked }]);
  }
  const decided = { ...run, decided_by: ctx.actor?.username ?? 'system', decided_at: ISO(now) };
  await transition(
    ctx,
    run,
    { decided_by: decided.decided_by, decided_at: decided.decided_at },
    `${decided.decided_by} approved "${run.name}": ${run.target}`,
  );
  await startAction(ctx, await loadRun(ctx, id));
  return getRow(ctx, runsResource, id, true);
}

export async function rejectRun(ctx: ServiceContext, id: number, reason?: string): Promise<Row> {
  const row = await getRow(ctx, runsResource, id);
  if (row.status !== 'awaiting_approval') {
    throw conflict(`Run ${id} is ${row.status}: only a run awaiting approval can be rejected.`, [
      { field: 'status', message: `is ${row.status}` },
    ]);
  }
  const run = await loadRun(ctx, id);
  const who = ctx.actor?.username ?? 'system';
  await transition(
    ctx,
    run,
    {
      status: 'rejected',
      reason: reason || null,
      decided_by: who,
      decided_at: ISO(Date.now()),
      finished_at: ISO(Date.now()),
    },
    `${who} rejected "${run.name}"${reason ? `: ${reason}` : ''}`,
  );
  return getRow(ctx, runsResource, id, true);
}

/** A column of the run's operation, from the table its action queues into. */
const OPERATION_OF = (column: 'status' | 'error' | 'output') =>
  sql.raw(`CASE WHEN r.action = 'workload.scale' THEN (SELECT o.${column} FROM workload_operations o WHERE o.id = r.operation_id)
    WHEN r.action LIKE 'host.%' THEN (SELECT o.${column} FROM host_operations o WHERE o.id = r.operation_id)
    ELSE (SELECT o.${column} FROM vm_operations o WHERE o.id = r.operation_id) END`);

/**
 * The cron's step over open runs: a waiting run whose alert cleared is dropped; an executing run follows its
 * operation; a finished action is verified: the alert must clear by `verify_by`, or the run failed and escalates.
 */
export async function advanceRuns(ctx: ServiceContext, now = Date.now()) {
  const open = await ctx.db.all<
    RunRow & {
      alert_status: string | null;
      op_status: string | null;
      op_error: string | null;
      op_output: string | null;
      verify_min: number | null;
    }
  >(
    sql`SELECT r.*, a.status AS alert_status, p.verify_min,
          ${OPERATION_OF('status')} AS op_status, ${OPERATION_OF('error')} AS op_error,
          ${OPERATION_OF('output')} AS op_output
        FROM remediation_runs r LEFT JOIN alerts a ON a.id = r.alert_id
        LEFT JOIN remediation_playbooks p ON p.id = r.playbook_id
        WHERE r.status IN ('awaiting_approval', 'executing', 'verifying') ORDER BY r.id LIMIT 200`,
  );
  for (const r of open) {
    const { alert_status, op_status, op_error, op_output, verify_min, ...run } = r;
    run.proposal = typeof run.proposal === 'string' ? JSON.parse(run.proposal) : run.proposal;
    const cleared = alert_status === 'resolved' || alert_status === null;
    if (run.status === 'awaiting_approval') {
      if (cleared)
        await transition(
          ctx,
          run,
          { status: 'skipped', reason: 'the alert cleared before anyone approved', finished_at: ISO(now) },
          `"${run.name}" dropped: the alert cleared before approval`,
        );
    } else if (run.status === 'executing') {
      if (op_status === 'succeeded') {
        const by = ISO(now + (verify_min ?? 15) * 60_000);
        const said = outcomeText(run.action, op_output ? (JSON.parse(op_output) as Record<string, unknown>) : null);
        const did = said ? ` (${said})` : '';
        await transition(
          ctx,
          run,
          { status: cleared ? 'succeeded' : 'verifying', verify_by: by, finished_at: cleared ? ISO(now) : null },
          cleared
            ? `"${run.name}" done${did} and the alert has cleared`
            : `"${run.name}" done${did}: verifying that the alert clears by ${by}`,
        );
      } else if (op_status === 'failed' || op_status === 'cancelled' || op_status === null) {
        await fail(
          ctx,
          run,
          `its operation #${run.operation_id} ${op_status ?? 'is gone'}${op_error ? `: ${op_error}` : ''}`,
        );
      }
    } else if (cleared) {
      await transition(
        ctx,
        run,
        { status: 'succeeded', finished_at: ISO(now) },
        `"${run.name}" verified: the alert cleared`,
      );
    } else if (run.verify_by && Date.parse(run.verify_by) <= now) {
      await fail(ctx, run, `the alert did not clear within ${verify_min ?? 15} min of the action`);
    }
  }
  return open.length;
}
