// The site queue as D1 sees it: what the site object (durable-objects/site-agent.ts) reads and writes while it
// hands operations to its agent (VM operations here; workload and host ones in workload-queue.ts and
// host-queue.ts). Plain functions over a D1 binding; the object serialises the calls.
import type { Operation, ObservedVm } from './agent-protocol';
import { createDb, toD1 } from '../platform/db/client';
import { outcomeEffects } from './outcomes';
import {
  claimWorkloadOperation,
  recordWorkloadResult,
  requeueWorkloadOperation,
  runningWorkloadOperation,
} from './workload-queue';
import { claimHostOperation, recordHostResult, requeueHostOperation, runningHostOperation } from './host-queue';

/** Workload operations' keys start with this (worker/virtualization/workload-operations.ts). */
const isWorkload = (key: string) => key.startsWith('wl:');
/** Host operations' keys start with this (worker/virtualization/host-operations.ts). */
const isHost = (key: string) => key.startsWith('host:');

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;

interface ClaimedRow {
  id: number;
  vm_id: number;
  kind: string;
  params: string;
  idempotency_key: string;
  attempts: number;
  vm_name: string;
  hypervisor: string;
  host_name: string;
}

/**
 * Claim the oldest queued operation of the site, VM or workload: queued → running in one statement (so a second
 * claimer gets nothing), with the names the agent needs. `null` when the queue is empty.
 */
export async function claimNext(db: D1Database, datacenterId: number): Promise<Operation | null> {
  const next = await db
    .prepare(
      `SELECT * FROM (
         SELECT 'vm' AS t, id, created_at FROM vm_operations WHERE datacenter_id = ?1 AND status = 'queued'
         UNION ALL
         SELECT 'wl' AS t, id, created_at FROM workload_operations WHERE datacenter_id = ?1 AND status = 'queued'
         UNION ALL
         SELECT 'host' AS t, id, created_at FROM host_operations WHERE datacenter_id = ?1 AND status = 'queued'
       ) ORDER BY created_at, t, id LIMIT 1`,
    )
    .bind(datacenterId)
    .first<{ t: 'vm' | 'wl' | 'host'; id: number }>();
  if (!next) return null;
  if (next.t === 'wl') return claimWorkloadOperation(db, next.id);
  if (next.t === 'host') return claimHostOperation(db, next.id);
  const row = await db
    .prepare(
      `UPDATE vm_operations SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, ${NOW}), updated_at = ${NOW}
       WHERE id = ? AND status = 'queued'
       RETURNING id, vm_id, kind, params, idempotency_key, attempts,
         (SELECT v.name FROM vms v WHERE v.id = vm_operations.vm_id) AS vm_name,
         (SELECT v.hypervisor FROM vms v WHERE v.id = vm_operations.vm_id) AS hypervisor,
         (SELECT s.name FROM vms v JOIN servers s ON s.id = v.host_server_id WHERE v.id = vm_operations.vm_id) AS host_name`,
    )
    .bind(next.id)
    .first<ClaimedRow>();
  return row ? toOperation(row) : null;
}

/** An operation already running (held by an agent that went away): the same message again, same key. */
export async function runningOperation(db: D1Database, held: { id: number; key: string }): Promise<Operation | null> {
  if (isWorkload(held.key)) return runningWorkloadOperation(db, held.id);
  if (isHost(held.key)) return runningHostOperation(db, held.id);
  const row = await db
    .prepare(
      `SELECT o.id, o.vm_id, o.kind, o.params, o.idempotency_key, o.attempts, v.name AS vm_name, v.hypervisor,
         s.name AS host_name
       FROM vm_operations o JOIN vms v ON v.id = o.vm_id JOIN servers s ON s.id = v.host_server_id
       WHERE o.id = ? AND o.status = 'running'`,
    )
    .bind(held.id)
    .first<ClaimedRow>();
  return row ? toOperation(row) : null;
}

function toOperation(row: ClaimedRow): Operation {
  const params = JSON.parse(row.params) as Record<string, unknown>;
  return {
    id: row.id,
    key: row.idempotency_key,
    kind: row.kind as Operation['kind'],
    // every hypervisor we list has a libvirt driver (qemu, esx, hyperv, xen; Proxmox VE is qemu underneath)
    target: { kind: 'vm', driver: 'libvirt', name: row.vm_name, host: row.host_name },
    params,
  };
}

/** A lease that ran out with no agent to finish it: back in the queue, first in line (its id is oldest). */
export const requeue = (db: D1Database, held: { id: number; key: string }) =>
  isWorkload(held.key)
    ? requeueWorkloadOperation(db, held.id)
    : isHost(held.key)
      ? requeueHostOperation(db, held.id)
      : db
          .prepare(
            `UPDATE vm_operations SET status = 'queued', updated_at = ${NOW} WHERE id = ? AND status = 'running'`,
          )
          .bind(held.id)
          .run();

/**
 * The agent's answer: the operation succeeded or failed, the VM's record follows (a migrated VM moves, a failed
 * migration goes back), and the audit trail says so, all in one batch. An answer for an operation that is no
 * longer running (already recorded: a duplicate after a reconnect) changes nothing. Returns whether it counted.
 */
export async function recordResult(
  db: D1Database,
  result: { id: number; key: string; ok: boolean; output?: Record<string, unknown>; error?: string },
  agent: string,
): Promise<boolean> {
  if (isWorkload(result.key)) return recordWorkloadResult(db, result, agent);
  if (isHost(result.key)) return recordHostResult(db, result, agent);
  const op = await db
    .prepare(
      `SELECT o.id, o.vm_id, o.kind, o.params, v.name AS vm_name, v.host_server_id FROM vm_operations o
       JOIN vms v ON v.id = o.vm_id WHERE o.id = ? AND o.idempotency_key = ? AND o.status = 'running'`,
    )
    .bind(result.id, result.key)
    .first<{ id: number; vm_id: number; kind: string; params: string; vm_name: string; host_server_id: number }>();
  if (!op) return false;
  const params = JSON.parse(op.params) as Record<string, unknown>;
  // a dry-run agent only says what it would have done: the VM's record stays as it was before the request (no
  // pretend success), and what the request reserved (a migrating status, a clone's name) is given back
  const dryRun = result.output?.dry_run === true;
  const outcome = dryRun ? 'dry_run' : result.ok ? 'succeeded' : 'failed';
  const statements: D1PreparedStatement[] = [
    db
      .prepare(
        `UPDATE vm_operations SET status = ?, output = ?, error = ?, finished_at = ${NOW}, updated_at = ${NOW}
         WHERE id = ? AND status = 'running'`,
      )
      .bind(
        result.ok ? 'succeeded' : 'failed',
        result.output ? JSON.stringify(result.output) : null,
        result.ok ? null : (result.error ?? 'failed without a reason'),
        op.id,
      ),
  ];
  const d = createDb(db);
  for (const effect of outcomeEffects({ vm_id: op.vm_id, kind: op.kind, params }, outcome, result.output)) {
    statements.push(toD1(d, d.run(effect) as never));
  }
  statements.push(
    db
      .prepare(
        `INSERT INTO audit_log (actor_id, actor, action, entity_type, entity_id, entity_name, before, after, request_id, client_ip)
         VALUES (NULL, ?, ?, 'vm', ?, ?, NULL, json(?), NULL, NULL)`,
      )
      .bind(
        agent,
        `vm_${op.kind.slice(3).replaceAll('.', '_')}_${dryRun ? 'dry_run' : result.ok ? 'succeeded' : 'failed'}`,
        String(op.vm_id),
        op.vm_name,
        // host_server_id places the entry in the VM's zone for the audit trail's clearance filter
        JSON.stringify({
          operation_id: op.id,
          host_server_id: op.host_server_id,
          ...(result.ok ? {} : { error: result.error ?? null }),
        }),
      ),
  );
  await db.batch(statements);
  return true;
}

/**
 * What the agent sees now, written beside the record (never over it): each VM of the site it reports gets its
 * observed state and host. VMs it does not report keep their last observation.
 */
export async function recordObserved(db: D1Database, datacenterId: number, vms: ObservedVm[]) {
  if (!vms.length) return;
  const stmt = db.prepare(
    `UPDATE vms SET observed_status = ?, observed_host = ?, observed_at = ${NOW}
     WHERE lower(name) = lower(?) AND host_server_id IN
       (SELECT s.id FROM servers s JOIN racks r ON r.id = s.rack_id WHERE r.datacenter_id = ?)`,
  );
  for (let i = 0; i < vms.length; i += 50) {
    await db.batch(vms.slice(i, i + 50).map((v) => stmt.bind(v.state, v.host, v.name, datacenterId)));
  }
}

/** The site's agent row for the UI (connect, hello, disconnect, holding an operation). */
export function recordAgent(
  db: D1Database,
  datacenterId: number,
  fields: Partial<{
    connected: boolean;
    hostname: string | null;
    version: string | null;
    drivers: string[];
    dry_run: boolean;
    operation_id: number | null;
    unreachable: { driver: string; target: string; error: string }[];
    event: 'connected' | 'disconnected' | 'seen';
  }>,
) {
  const { event, ...rest } = fields;
  const cols: Record<string, unknown> = { ...rest };
  if ('connected' in cols) cols.connected = cols.connected ? 1 : 0;
  if ('dry_run' in cols) cols.dry_run = cols.dry_run ? 1 : 0;
  if ('drivers' in cols) cols.drivers = JSON.stringify(cols.drivers);
  if ('unreachable' in cols) cols.unreachable = JSON.stringify(cols.unreachable);
  const stamps = [
    'last_seen_at',
    ...(event === 'connected' ? ['connected_at'] : []),
    ...(event === 'disconnected' ? ['disconnected_at'] : []),
  ];
  const names = Object.keys(cols);
  const all = [...names, ...stamps];
  return db
    .prepare(
      `INSERT INTO site_agents (datacenter_id, ${all.join(', ')})
       VALUES (?${names.map(() => ', ?').join('')}${stamps.map(() => `, ${NOW}`).join('')})
       ON CONFLICT (datacenter_id) DO UPDATE SET ${all.map((n) => `${n} = excluded.${n}`).join(', ')}`,
    )
    .bind(datacenterId, ...names.map((n) => cols[n] as string | number | null))
    .run();
}
