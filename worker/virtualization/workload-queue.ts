// The workload half of the site queue (site-queue.ts routes here by the `wl:` key prefix): claiming, results,
// rollout steps and observed workloads, as plain functions over a D1 binding that the site object serialises.
import type { Operation, ObservedWorkload } from './agent-protocol';
import type { Probe } from './tables';

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

interface ClaimedRow {
  id: number;
  kind: string;
  params: string;
  idempotency_key: string;
  paused: number;
  namespace: string;
  name: string;
  cluster_name: string;
  cluster_kind: string;
}

const SELECT_TARGET = `w.namespace, w.name, c.name AS cluster_name, c.kind AS cluster_kind
  FROM workload_operations o JOIN workloads w ON w.id = o.workload_id JOIN clusters c ON c.id = w.cluster_id`;

function toOperation(row: ClaimedRow): Operation & { paused: boolean } {
  return {
    id: row.id,
    key: row.idempotency_key,
    kind: row.kind as Operation['kind'],
    // Podman serves the Docker Engine API: one driver for both
    target: {
      kind: 'workload',
      driver: row.cluster_kind === 'kubernetes' ? 'kubernetes' : 'docker',
      cluster: row.cluster_name,
      namespace: row.namespace,
      name: row.name,
    },
    params: JSON.parse(row.params) as Record<string, unknown>,
    paused: !!row.paused,
  };
}

export async function claimWorkloadOperation(db: D1Database, id: number) {
  const claimed = await db
    .prepare(
      `UPDATE workload_operations SET status = 'running', attempts = attempts + 1,
         started_at = coalesce(started_at, ${NOW}), updated_at = ${NOW}
       WHERE id = ? AND status = 'queued' RETURNING id`,
    )
    .bind(id)
    .first<{ id: number }>();
  return claimed ? runningWorkloadOperation(db, claimed.id) : null;
}

export async function runningWorkloadOperation(db: D1Database, id: number) {
  const row = await db
    .prepare(
      `SELECT o.id, o.kind, o.params, o.idempotency_key, o.paused, ${SELECT_TARGET} WHERE o.id = ? AND o.status = 'running'`,
    )
    .bind(id)
    .first<ClaimedRow>();
  return row ? toOperation(row) : null;
}

export const requeueWorkloadOperation = (db: D1Database, id: number) =>
  db
    .prepare(
      `UPDATE workload_operations SET status = 'queued', updated_at = ${NOW} WHERE id = ? AND status = 'running'`,
    )
    .bind(id)
    .run();

/**
 * The agent's answer: the operation's end, the workload's new declared state (a scale's replica count, a rollout's
 * image; a failed rollout was rolled back on site, so the image stays) and the audit entry, in one batch.
 */
export async function recordWorkloadResult(
  db: D1Database,
  result: { id: number; key: string; ok: boolean; output?: Record<string, unknown>; error?: string },
  agent: string,
): Promise<boolean> {
  const op = await db
    .prepare(
      `SELECT o.id, o.workload_id, o.kind, o.params, w.namespace, w.name, w.cluster_id FROM workload_operations o
       JOIN workloads w ON w.id = o.workload_id WHERE o.id = ? AND o.idempotency_key = ? AND o.status = 'running'`,
    )
    .bind(result.id, result.key)
    .first<{
      id: number;
      workload_id: number;
      kind: string;
      params: string;
      namespace: string;
      name: string;
      cluster_id: number;
    }>();
  if (!op) return false;
  const params = JSON.parse(op.params) as Record<string, unknown>;
  const dryRun = result.output?.dry_run === true;
  const statements: D1PreparedStatement[] = [
    db
      .prepare(
        `UPDATE workload_operations SET status = ?, output = ?, error = ?, paused = 0, finished_at = ${NOW}, updated_at = ${NOW}
         WHERE id = ? AND status = 'running'`,
      )
      .bind(
        result.ok ? 'succeeded' : 'failed',
        result.output ? JSON.stringify(result.output) : null,
        result.ok ? null : (result.error ?? 'failed without a reason'),
        op.id,
      ),
  ];
  if (result.ok && !dryRun) {
    if (op.kind === 'workload.scale') {
      statements.push(
        db
          .prepare(`UPDATE workloads SET replicas_desired = ?, updated_at = ${NOW} WHERE id = ?`)
          .bind(Number(params.replicas), op.workload_id),
      );
    } else if (op.kind === 'workload.set_image') {
      statements.push(
        db
          .prepare(`UPDATE workloads SET image = ?, updated_at = ${NOW} WHERE id = ?`)
          .bind(String(params.image), op.workload_id),
      );
    }
  }
  const outcome = dryRun ? 'dry_run' : result.ok ? 'succeeded' : 'failed';
  statements.push(
    db
      .prepare(
        `INSERT INTO audit_log (actor_id, actor, action, entity_type, entity_id, entity_name, before, after, request_id, client_ip)
         VALUES (NULL, ?, ?, 'workload', ?, ?, NULL, json(?), NULL, NULL)`,
      )
      .bind(
        agent,
        `workload_${op.kind.slice(9)}_${outcome}`,
        String(op.workload_id),
        `${op.namespace}/${op.name}`,
        JSON.stringify({
          operation_id: op.id,
          cluster_id: op.cluster_id,
          ...(result.ok ? {} : { error: result.error ?? null }),
        }),
      ),
  );
  await db.batch(statements);
  return true;
}

/**
 * A step of a running operation, appended to its record (the live rollout view reads them). 'paused' and
 * 'resumed' are the agent confirming; a batch's counts update the workload's replica columns as they move.
 */
export async function recordWorkloadProgress(
  db: D1Database,
  m: { id: number; key: string; step: string; detail?: Record<string, unknown> },
) {
  const step = JSON.stringify({
    at: new Date().toISOString(),
    step: m.step,
    ...(m.detail ? { detail: m.detail } : {}),
  });
  const statements = [
    // a paused rollout sends a heartbeat now and then: one 'paused' step is enough in its story
    db
      .prepare(
        `UPDATE workload_operations SET steps = json_insert(steps, '$[#]', json(?)), updated_at = ${NOW}
         WHERE id = ? AND idempotency_key = ? AND status = 'running'
           AND NOT (? = 'paused' AND json_extract(steps, '$[#-1].step') = 'paused')`,
      )
      .bind(step, m.id, m.key, m.step),
  ];
  const d = m.detail ?? {};
  const updated = typeof d.updated === 'number' ? d.updated : null;
  const ready = typeof d.ready === 'number' ? d.ready : null;
  if (updated !== null || ready !== null) {
    statements.push(
      db
        .prepare(
          `UPDATE workloads SET replicas_updated = coalesce(?, replicas_updated), replicas_ready = coalesce(?, replicas_ready)
           WHERE id = (SELECT workload_id FROM workload_operations WHERE id = ? AND idempotency_key = ?)`,
        )
        .bind(updated, ready, m.id, m.key),
    );
  }
  await db.batch(statements);
}

/** What the agent sees now, beside the record: ready and updated replicas, the running image. */
export async function recordObservedWorkloads(db: D1Database, datacenterId: number, observed: ObservedWorkload[]) {
  if (!observed.length) return;
  const stmt = db.prepare(
    `UPDATE workloads SET replicas_ready = ?, replicas_updated = coalesce(?, replicas_updated), observed_image = ?,
       observed_at = ${NOW}
     WHERE namespace = ? AND name = ? AND cluster_id IN (SELECT c.id FROM clusters c WHERE c.name = ? AND c.datacenter_id = ?)`,
  );
  await recordProbeResults(db, datacenterId, observed);
  for (let i = 0; i < observed.length; i += 50) {
    await db.batch(
      observed
        .slice(i, i + 50)
        .map((w) =>
          stmt.bind(
            w.replicas_ready,
            w.replicas_updated ?? null,
            w.image,
            w.namespace,
            w.name,
            w.cluster,
            datacenterId,
          ),
        ),
    );
  }
}

/** Probe results land on the declared probes of their type (an undeclared kind has nowhere to go). */
async function recordProbeResults(db: D1Database, datacenterId: number, observed: ObservedWorkload[]) {
  const reported = observed.filter((w) => w.probes?.length);
  if (!reported.length) return;
  const at = new Date().toISOString();
  const updates: D1PreparedStatement[] = [];
  for (const w of reported) {
    const row = await db
      .prepare(
        `SELECT w.id, w.probes FROM workloads w JOIN clusters c ON c.id = w.cluster_id
         WHERE w.namespace = ? AND w.name = ? AND c.name = ? AND c.datacenter_id = ?`,
      )
      .bind(w.namespace, w.name, w.cluster, datacenterId)
      .first<{ id: number; probes: string }>();
    if (!row) continue;
    const probes = JSON.parse(row.probes) as Probe[];
    for (const r of w.probes!) {
      const fields = { last_result: r.result, last_message: r.message ?? null, last_checked_at: at };
      for (const p of probes) if (p.type === r.type) Object.assign(p, fields);
    }
    updates.push(db.prepare('UPDATE workloads SET probes = ? WHERE id = ?').bind(JSON.stringify(probes), row.id));
  }
  if (updates.length) await db.batch(updates);
}
