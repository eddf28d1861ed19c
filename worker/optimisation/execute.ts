import { eq, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { ProblemError, conflict, forbidden } from '../platform/http/problem';
import { getRow, type Row } from '../platform/http/resource';
import { requireStepUpForZones } from '../platform/identity/step-up';
import { auditUpdatedRow, toStatement } from '../platform/audit/trail';
import { runBatch } from '../platform/db/client';
import { requestMigration } from '../virtualization/operations';
import { PLAN_AUDIT, plansResource } from './plans';
import { placementPlans } from './tables';

type Move = {
  vm_id: number;
  vm_name: string;
  from_host_id: number | null;
  to_host_id: number;
  to_host: string;
  temporary?: boolean;
  status: 'pending' | 'queued' | 'done' | 'failed';
  operation_id: number | null;
  error: string | null;
};

const nowIso = () => new Date().toISOString();

/** Write a plan's new state; a change of status is audited (the cron's progress notes are not). */
async function save(ctx: ServiceContext, before: Row, set: Record<string, unknown>, audited: boolean) {
  const update = ctx.db
    .update(placementPlans)
    .set({ ...set, updated_at: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` })
    .where(eq(placementPlans.id, Number(before.id)));
  if (!audited) return void (await update);
  const { hosts: _h, moves: _m, unplaceable: _u, datacenter_name: _d, ...kept } = before;
  await runBatch(ctx.db, [
    update,
    toStatement(ctx, auditUpdatedRow(ctx, PLAN_AUDIT, Number(before.id), kept)),
  ] as const);
}

/**
 * Approve a proposed plan and start it. Whoever asked for it does not approve it too (four eyes), unless an
 * admin; a plan whose VMs have moved since it was made is refused (make a new one); a plan in a zone with
 * step-up asks for a fresh passkey confirmation, as moving one of its VMs would.
 */
export async function approvePlan(ctx: ServiceContext, id: number) {
  const plan = await getRow(ctx, plansResource, id);
  if (plan.status !== 'proposed') {
    throw conflict(`Plan ${id} is ${plan.status}: only a proposed plan can be approved.`, [
      { field: 'status', message: `is ${plan.status}` },
    ]);
  }
  if (plan.requested_by === ctx.actor?.username && ctx.actor?.role !== 'admin') {
    throw forbidden(`You asked for plan ${id}: another operator (or an admin) approves it.`);
  }
  requireStepUpForZones(ctx, [String(plan.security_zone)]);
  const moves = plan.moves as Move[];
  const where = await ctx.db.all<{ id: number; host_server_id: number }>(
    sql`SELECT id, host_server_id FROM vms WHERE id IN (SELECT value FROM json_each(${JSON.stringify(moves.map((m) => m.vm_id))}))`,
  );
  const hostOf = new Map(where.map((v) => [v.id, v.host_server_id]));
  // a VM parked on the way moves twice: where it runs now is the first move's from
  const first = moves.filter((m, i) => moves.findIndex((x) => x.vm_id === m.vm_id) === i);
  const stale = first.filter((m) => hostOf.get(m.vm_id) !== m.from_host_id);
  if (stale.length) {
    throw conflict(
      `The estate changed since plan ${id} was made: ${stale.map((m) => m.vm_name).join(', ')} no longer ${
        stale.length === 1 ? 'runs' : 'run'
      } where the plan found ${stale.length === 1 ? 'it' : 'them'}. Make a new plan.`,
      stale.map((m) => ({ field: 'moves', message: `${m.vm_name} has moved or is gone` })),
    );
  }
  const status = moves.length ? 'executing' : 'completed';
  await save(ctx, plan, { status, decided_by: ctx.actor?.username ?? 'system', decided_at: nowIso() }, true);
  if (moves.length) await advancePlan(ctx, id);
  return getRow(ctx, plansResource, id, true);
}

export async function rejectPlan(ctx: ServiceContext, id: number, reason?: string) {
  const plan = await getRow(ctx, plansResource, id);
  if (plan.status !== 'proposed') {
    throw conflict(`Plan ${id} is ${plan.status}: only a proposed plan can be rejected.`, [
      { field: 'status', message: `is ${plan.status}` },
    ]);
  }
  await save(
    ctx,
    plan,
    { status: 'rejected', decided_by: ctx.actor?.username ?? 'system', decided_at: nowIso(), error: reason ?? null },
    true,
  );
  return getRow(ctx, plansResource, id, true);
}

/**
 * One step of carrying out an approved plan: read back how its queued migrations went, then queue every pending
 * move that fits now (a move into a host another move is emptying waits for it). The plan fails at the first
 * failed migration, or when nothing is in flight and no pending move can start; it completes when all are done.
 */
export async function advancePlan(ctx: ServiceContext, id: number) {
  const plan = await ctx.db.select().from(placementPlans).where(eq(placementPlans.id, id)).get();
  if (!plan || plan.status !== 'executing') return;
  const moves = (plan.moves as Move[]).map((m) => ({ ...m }));
  const opIds = moves.flatMap((m) => (m.operation_id === null ? [] : [m.operation_id]));
  const ops = opIds.length
    ? await ctx.db.all<{ id: number; status: string; error: string | null }>(
        sql`SELECT id, status, error FROM vm_operations WHERE id IN (SELECT value FROM json_each(${JSON.stringify(opIds)}))`,
      )
    : [];
  const opOf = new Map(ops.map((o) => [o.id, o]));
  for (const m of moves) {
    if (m.status !== 'queued' || m.operation_id === null) continue;
    const op = opOf.get(m.operation_id);
    if (op?.status === 'succeeded') m.status = 'done';
    else if (op && (op.status === 'failed' || op.status === 'cancelled')) {
      m.status = 'failed';
      m.error = op.error ?? `the migration was ${op.status}`;
    }
  }
  const failed = moves.find((m) => m.status === 'failed');
  if (!failed) {
    for (const [i, m] of moves.entries()) {
      if (m.status !== 'pending') continue;
      // a VM's later move (on from where it was parked) waits for its earlier one to be done
      const earlier = moves.slice(0, i).filter((x) => x.vm_id === m.vm_id);
      if (earlier.some((x) => x.status !== 'done')) {
        m.error = `waits for ${m.vm_name} to reach ${earlier.at(-1)?.to_host}`;
        continue;
      }
      try {
        const { operation } = await requestMigration(
          ctx,
          m.vm_id,
          { target_host_id: m.to_host_id, live: true },
          earlier.length ? `plan-${id}-vm-${m.vm_id}-${earlier.length + 1}` : `plan-${id}-vm-${m.vm_id}`,
        );
        m.status = 'queued';
        m.operation_id = Number(operation.id);
        m.error = null;
      } catch (e) {
        if (!(e instanceof ProblemError)) throw e;
        // not yet: its target waits for another move to leave, or the VM is busy; the reason is kept
        m.error = e.detail;
        if (e.status === 404) m.status = 'failed';
      }
    }
  }
  const stuck = !failed && !moves.some((m) => m.status === 'queued') && moves.some((m) => m.status === 'pending');
  const broken = moves.find((m) => m.status === 'failed');
  const status = broken || stuck ? 'failed' : moves.every((m) => m.status === 'done') ? 'completed' : 'executing';
  const error = broken
    ? `${broken.vm_name} did not move to ${broken.to_host}: ${broken.error}`
    : stuck
      ? `no remaining move can start: ${moves.find((m) => m.status === 'pending')?.error ?? 'unknown'}`
      : null;
  const before = { ...plan } as unknown as Row;
  await save(ctx, before, { moves, status, error }, status !== plan.status);
}

/** The cron's step over every plan being carried out. */
export async function advancePlans(ctx: ServiceContext) {
  const rows = await ctx.db
    .select({ id: placementPlans.id })
    .from(placementPlans)
    .where(eq(placementPlans.status, 'executing'))
    .all();
  for (const r of rows) await advancePlan(ctx, r.id);
  return rows.length;
}
