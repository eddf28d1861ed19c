// What an operation's end does to the records it acts on, as SQL that goes into the same batch as the operation's
// own status and its audit entry: the site object's result (site-queue.ts) and a user's cancel (operations.ts)
// both end operations, and neither may leave a half-written change.
import { sql, type SQL } from 'drizzle-orm';
import { vmChangeFor } from './vm-change';

/** dry_run: the agent only said what it would have done, so everything the request reserved is given back. */
export type Outcome = 'succeeded' | 'failed' | 'cancelled' | 'dry_run';

interface EndingOperation {
  vm_id: number;
  kind: string;
  params: Record<string, unknown>;
}

const NOW = sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
const OBSERVABLE = ['running', 'stopped', 'suspended'];

const snapshotId = (op: EndingOperation) =>
  sql`(SELECT s.id FROM vm_snapshots s WHERE s.vm_id = ${op.vm_id} AND s.name = ${String(op.params.snapshot)})`;

export function outcomeEffects(op: EndingOperation, outcome: Outcome, output?: Record<string, unknown>): SQL[] {
  const ok = outcome === 'succeeded';
  const effects: SQL[] = [];
  const change = vmChangeFor(op, ok, output);
  if (change) {
    const sets = Object.entries(change).map(([k, v]) => sql`${sql.raw(k)} = ${v as string | number}`);
    effects.push(sql`UPDATE vms SET ${sql.join(sets, sql`, `)}, updated_at = ${NOW} WHERE id = ${op.vm_id}`);
  }
  const reported = typeof output?.state === 'string' && OBSERVABLE.includes(output.state) ? output.state : null;
  switch (op.kind) {
    case 'vm.snapshot.create': {
      if (!ok) {
        effects.push(sql`DELETE FROM vm_snapshots WHERE id = ${snapshotId(op)} AND status = 'creating'`);
        break;
      }
      const size = typeof output?.size_gb === 'number' ? output.size_gb : null;
      effects.push(
        sql`UPDATE vm_snapshots SET status = 'ready', size_gb = coalesce(${size}, size_gb), updated_at = ${NOW}
            WHERE id = ${snapshotId(op)}`,
        sql`UPDATE vms SET current_snapshot_id = ${snapshotId(op)}, updated_at = ${NOW} WHERE id = ${op.vm_id}`,
      );
      break;
    }
    case 'vm.snapshot.revert':
      effects.push(sql`UPDATE vm_snapshots SET status = 'ready', updated_at = ${NOW} WHERE id = ${snapshotId(op)}`);
      if (ok) {
        effects.push(
          sql`UPDATE vms SET current_snapshot_id = ${snapshotId(op)}, status = coalesce(${reported}, status),
              updated_at = ${NOW} WHERE id = ${op.vm_id}`,
        );
      }
      break;
    case 'vm.snapshot.delete': {
      if (!ok) {
        effects.push(sql`UPDATE vm_snapshots SET status = 'ready', updated_at = ${NOW} WHERE id = ${snapshotId(op)}`);
        break;
      }
      // the tree closes over the gap: its children hang from its parent, and so does the VM if it was there
      const parent = sql`(SELECT s.parent_id FROM vm_snapshots s WHERE s.id = ${snapshotId(op)})`;
      effects.push(
        sql`UPDATE vm_snapshots SET parent_id = ${parent} WHERE parent_id = ${snapshotId(op)}`,
        sql`UPDATE vms SET current_snapshot_id = ${parent} WHERE id = ${op.vm_id} AND current_snapshot_id = ${snapshotId(op)}`,
        // clones keep the record of the snapshot they came from by id only; it no longer exists
        sql`DELETE FROM vm_snapshots WHERE id = ${snapshotId(op)}`,
      );
      break;
    }
    case 'vm.delete': {
      if (!ok) break;
      // a scaling group's member leaves no hole in the operations log: its operations fold into the group's
      // template (same host, so the same zone); the VM itself, and its place in any cluster, go
      const template = sql`(SELECT g.template_vm_id FROM vm_scaling_groups g JOIN vms v ON v.scaling_group_id = g.id
                              WHERE v.id = ${op.vm_id})`;
      effects.push(
        sql`UPDATE vm_operations SET vm_id = ${template} WHERE vm_id = ${op.vm_id} AND ${template} IS NOT NULL`,
        sql`DELETE FROM cluster_nodes WHERE vm_id = ${op.vm_id}`,
        sql`DELETE FROM vms WHERE id = ${op.vm_id}`,
      );
      break;
    }
    case 'vm.clone': {
      const clone = String(op.params.clone_name);
      effects.push(
        ok
          ? sql`UPDATE vms SET status = ${reported ?? 'stopped'}, updated_at = ${NOW}
                WHERE name = ${clone} AND status = 'provisioning'`
          : sql`DELETE FROM vms WHERE name = ${clone} AND status = 'provisioning'`,
      );
      break;
    }
  }
  return effects;
}
