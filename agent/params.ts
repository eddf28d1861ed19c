// What each operation kind needs in `params` (the protocol leaves them a loose record): checked here so a bad
// operation fails with the field's name instead of a driver's confusing error halfway through.
import * as v from 'valibot';
import type { OperationKind } from '../worker/virtualization/agent-protocol.ts';

const name = v.pipe(v.string(), v.minLength(1));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));

export const PARAMS = {
  'vm.create': v.object({
    cpu_cores: v.pipe(v.number(), v.integer(), v.minValue(1)),
    ram_gb: v.pipe(v.number(), v.minValue(0.25)),
    disk_gb: v.optional(v.nullable(v.pipe(v.number(), v.minValue(0)))),
    os: v.optional(v.nullable(v.string())),
    network_type: v.optional(v.nullable(v.string())),
    vlan: v.optional(v.nullable(v.pipe(v.union([v.string(), v.number()]), v.transform(String)))),
  }),
  'vm.delete': v.object({}),
  'vm.start': v.object({}),
  'vm.stop': v.object({}),
  'vm.restart': v.object({}),
  'vm.migrate': v.object({ target_host: name, live: v.optional(v.boolean(), true) }),
  'vm.snapshot.create': v.object({ snapshot: name }),
  'vm.snapshot.revert': v.object({ snapshot: name }),
  'vm.snapshot.delete': v.object({ snapshot: name }),
  'vm.clone': v.object({
    clone_name: name,
    snapshot: v.optional(v.nullable(name)),
    /** start the clone once made (a scaling group's new member) */
    start: v.optional(v.boolean()),
  }),
  'workload.scale': v.object({ replicas: count }),
  'workload.set_image': v.object({
    image: name,
    container: v.optional(v.nullable(name)),
    max_unavailable: v.optional(count, 0),
    max_surge: v.optional(count, 1),
    batch_size: v.optional(v.pipe(count, v.minValue(1)), 1),
  }),
  'host.service_restart': v.object({ unit: name }),
  'host.disk_cleanup': v.object({
    journal_max_size_mb: v.optional(v.nullable(v.pipe(count, v.minValue(1)))),
    journal_max_age_days: v.optional(v.nullable(v.pipe(count, v.minValue(1)))),
    temp_dirs: v.optional(v.array(name), []),
    temp_max_age_days: v.optional(v.pipe(count, v.minValue(1)), 7),
    image_prune: v.optional(v.picklist(['off', 'dangling', 'unused']), 'off'),
  }),
} satisfies Record<OperationKind, v.GenericSchema>;

export type Params<K extends OperationKind> = v.InferOutput<(typeof PARAMS)[K]>;

export function parseParams<K extends OperationKind>(kind: K, params: Record<string, unknown>): Params<K> {
  const r = v.safeParse(PARAMS[kind], params);
  if (r.success) return r.output as Params<K>;
  const issue = r.issues[0];
  const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
  throw new Error(`${kind}: invalid params${path ? `.${path}` : ''}: ${issue.message}`);
}
