// The host half of the site queue (site-queue.ts routes here by the `host:` key prefix): claiming, re-handing,
// requeueing and recording host operations, as plain functions over a D1 binding that the site object serialises.
import type { Operation } from './agent-protocol';

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

interface ClaimedRow {
  id: number;
  kind: string;
  params: string;
  idempotency_key: string;
  server_name: string;
}

const toOperation = (row: ClaimedRow): Operation => ({
  id: row.id,
  key: row.idempotency_key,
  kind: row.kind as Operation['kind'],
  target: { kind: 'host', driver: 'host', host: row.server_name },
  params: JSON.parse(row.params) as Record<string, unknown>,
});

export async function claimHostOperation(db: D1Database, id: number) {
  const claimed = await db
    .prepare(
      `UPDATE host_operations SET status = 'running', attempts = attempts + 1,
         started_at = coalesce(started_at, ${NOW}), updated_at = ${NOW}
       WHERE id = ? AND status = 'queued' RETURNING id`,
    )
    .bind(id)
    .first<{ id: number }>();
  return claimed ? runningHostOperation(db, claimed.id) : null;
}

export async function runningHostOperation(db: D1Database, id: number) {
  const row = await db
    .prepare(
      `SELECT o.id, o.kind, o.params, o.idempotency_key, s.name AS server_name
       FROM host_operations o JOIN servers s ON s.id = o.server_id WHERE o.id = ? AND o.status = 'running'`,
    )
    .bind(id)
    .first<ClaimedRow>();
  return row ? toOperation(row) : null;
}

export const requeueHostOperation = (db: D1Database, id: number) =>
  db
    .prepare(`UPDATE host_operations SET status = 'queued', updated_at = ${NOW} WHERE id = ? AND status = 'running'`)
    .bind(id)
    .run();

/**
 * The agent's answer: the operation's end with what the driver reported (a unit's state, bytes freed) and an
 * audit entry on the server, in one batch. A duplicate answer (the operation is no longer running) changes nothing.
 */
export async function recordHostResult(
  db: D1Database,
  result: { id: number; key: string; ok: boolean; output?: Record<string, unknown>; error?: string },
  agent: string,
): Promise<boolean> {
  const op = await db
    .prepare(
      `SELECT o.id, o.server_id, o.kind, s.name AS server_name FROM host_operations o
       JOIN servers s ON s.id = o.server_id WHERE o.id = ? AND o.idempotency_key = ? AND o.status = 'running'`,
    )
    .bind(result.id, result.key)
    .first<{ id: number; server_id: number; kind: string; server_name: string }>();
  if (!op) return false;
  const outcome = result.output?.dry_run === true ? 'dry_run' : result.ok ? 'succeeded' : 'failed';
  await db.batch([
    db
      .prepare(
        `UPDATE host_operations SET status = ?, output = ?, error = ?, finished_at = ${NOW}, updated_at = ${NOW}
         WHERE id = ? AND status = 'running'`,
      )
      .bind(
        result.ok ? 'succeeded' : 'failed',
        result.output ? JSON.stringify(result.output) : null,
        result.ok ? null : (result.error ?? 'failed without a reason'),
        op.id,
      ),
    db
      .prepare(
        `INSERT INTO audit_log (actor_id, actor, action, entity_type, entity_id, entity_name, before, after, request_id, client_ip)
         VALUES (NULL, ?, ?, 'server', ?, ?, NULL, json(?), NULL, NULL)`,
      )
      .bind(
        agent,
        `${op.kind.replace('.', '_')}_${outcome}`,
        String(op.server_id),
        op.server_name,
        JSON.stringify({
          operation_id: op.id,
          ...(result.ok ? (result.output ?? {}) : { error: result.error ?? null }),
        }),
      ),
  ]);
  return true;
}
