import type { ServiceContext } from '../platform/context';
import { ProblemError, conflict, unprocessable } from '../platform/http/problem';
import { auditEvent, toStatement } from '../platform/audit/trail';
import { toD1 } from '../platform/db/client';
import { normalise } from './netbox/normalise';
import { mapNetbox } from './netbox/map';
import { loadSnapshot } from './netbox/load';
import { planStatements } from './netbox/apply';
import type { ImportReport } from './netbox/plan';

export interface ImportResult {
  run_id: number;
  dry_run: boolean;
  status: 'dry_run' | 'applied' | 'failed';
  duration_ms: number;
  report: ImportReport;
}

const runInsert = (
  d1: D1Database,
  id: number,
  ctx: ServiceContext,
  dry: boolean,
  status: string,
  report: unknown,
  ms: number,
) =>
  d1
    .prepare(
      "INSERT INTO import_runs (id, source, dry_run, status, requested_by, report, duration_ms) VALUES (?, 'netbox', ?, ?, ?, ?, ?)",
    )
    .bind(id, dry ? 1 : 0, status, ctx.actor?.username ?? null, JSON.stringify(report), ms);

/**
 * Import a NetBox export. Everything is written in one D1 batch (one transaction): the rows, the links that
 * make a re-import update them, the run record and ONE summary audit entry. An entry per row would double the
 * statements of a 10,000-device import; the run's report says what changed instead.
 */
export async function importNetbox(ctx: ServiceContext, body: unknown, dryRun: boolean): Promise<ImportResult> {
  const started = Date.now();
  const { data, errors } = normalise(body);
  if (errors.length) throw unprocessable(errors, 'The body is not a NetBox export NetBox could have written.');
  const total =
    data.sites.length +
    data.racks.length +
    data.deviceTypes.length +
    data.devices.length +
    data.powerFeeds.length +
    data.vms.length;
  if (total === 0 && data.interfaces.length + data.cables.length + data.clusters.length === 0) {
    throw unprocessable(
      [
        {
          field: '(body)',
          message: 'holds no NetBox sites, racks, device types, devices, feeds, interfaces, cables, clusters or VMs',
        },
      ],
      'Nothing to import.',
    );
  }
  const snap = await loadSnapshot(ctx);
  const plan = mapNetbox(data, snap);
  const report = plan.report;
  const runId = snap.nextId.import_runs ?? 1;
  const d1 = ctx.db.$client;
  if (dryRun) {
    const ms = Date.now() - started;
    await d1.batch([runInsert(d1, runId, ctx, true, 'dry_run', report, ms)]);
    return { run_id: runId, dry_run: true, status: 'dry_run', duration_ms: ms, report };
  }
  const statements = planStatements(plan.writes, plan.links, snap.links).map((s) =>
    d1.prepare(s.sql).bind(...s.params),
  );
  const summary = Object.fromEntries(
    Object.entries(report.summary).map(([k, c]) => [k, { created: c.created, updated: c.updated }]),
  );
  const audit = toD1(
    ctx.db,
    toStatement(
      ctx,
      auditEvent(ctx, {
        action: 'import',
        entityType: 'import_run',
        entityId: runId,
        entityName: 'NetBox import',
        details: { source: 'netbox', summary },
      }),
    ),
  );
  try {
    await d1.batch([...statements, runInsert(d1, runId, ctx, false, 'applied', report, Date.now() - started), audit]);
  } catch (e) {
    const msg = String((e as Error)?.message ?? e);
    // nothing was written: keep a record of the attempt, then answer as the constraint that failed says
    await d1
      .batch([runInsert(d1, runId, ctx, false, 'failed', { ...report, error: msg }, Date.now() - started)])
      .catch(() => undefined);
    if (e instanceof ProblemError || /UNIQUE constraint|placement_conflict|FOREIGN KEY/.test(msg)) throw e;
    throw conflict(`The import could not be written, nothing was changed: ${msg}`);
  }
  return { run_id: runId, dry_run: false, status: 'applied', duration_ms: Date.now() - started, report };
}
