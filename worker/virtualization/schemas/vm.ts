import * as v from 'valibot';
import { id, int, name, num, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';

// Only valibot here (and constants): the UI bundles this file to validate its VM forms with the API's rules.

export const HYPERVISORS = ['KVM', 'VMware ESXi', 'Hyper-V', 'Xen', 'Proxmox VE'] as const;
/** provisioning: a clone the site agent is still making */
export const VM_STATUSES = ['running', 'stopped', 'suspended', 'migrating', 'provisioning', 'error'] as const;
/** what may be recorded when a VM that already exists is registered (migrating only happens through an operation) */
export const REGISTERED_STATUSES = ['running', 'stopped', 'suspended', 'error'] as const;
export const NETWORK_TYPES = ['Bridged', 'NAT', 'Routed', 'Isolated', 'VLAN', 'Overlay'] as const;

const tag = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.minLength(1, 'may not be empty'),
  v.maxLength(40, 'at most 40 characters'),
);

const editable = {
  name: name(64),
  hypervisor: v.optional(oneOf(HYPERVISORS)),
  os: optionalText(100),
  os_version: optionalText(64),
  cpu_cores: int(1, 512),
  ram_gb: num(0.25, 24_576),
  disk_gb: v.optional(num(0, 1_000_000)),
  network_type: v.optional(v.nullable(oneOf(NETWORK_TYPES))),
  vlan: v.optional(
    v.nullable(
      v.pipe(
        v.union([v.string(), v.number()], 'must be a VLAN id'),
        v.transform(String),
        v.trim(),
        v.regex(/^(?:[1-9]\d{0,2}|[1-3]\d{3}|40[0-8]\d|409[0-4])$/, 'must be a VLAN id from 1 to 4094'),
      ),
    ),
  ),
  tags: v.optional(v.pipe(v.array(tag, 'must be a list of tags'), v.maxLength(20, 'at most 20 tags'))),
  owner: optionalText(100),
  anti_affinity_group: optionalText(64),
};

/** The spec's example (name, host_server_id, os, cpu_cores, ram_gb, disk_gb, network_type, vlan) is a valid body. */
export const VmCreate = v.object({
  ...editable,
  host_server_id: id,
  status: v.optional(oneOf(REGISTERED_STATUSES)),
});
/** The host changes by migration (POST /vms/{id}/migrate), the status by operations: neither is patched. */
export const VmUpdate = v.partial(v.object(editable));

export const Vm = v.object({
  ...timestampsOut,
  name: v.string(),
  host_server_id: v.number(),
  hypervisor: v.picklist(HYPERVISORS),
  os: v.nullable(v.string()),
  os_version: v.nullable(v.string()),
  cpu_cores: v.number(),
  ram_gb: v.number(),
  disk_gb: v.number(),
  network_type: v.nullable(v.string()),
  vlan: v.nullable(v.string()),
  status: v.picklist(VM_STATUSES),
  tags: v.array(v.string()),
  owner: v.nullable(v.string()),
  anti_affinity_group: v.nullable(v.string()),
  cloned_from_vm_id: v.nullable(v.number()),
  cloned_from_snapshot_id: v.nullable(v.number()),
  current_snapshot_id: v.nullable(v.number()),
  /** the auto-scaling group that made it */
  scaling_group_id: v.nullable(v.number()),
  /** the VM it was cloned from, by name (null when it is no clone, or its source is gone or out of sight) */
  cloned_from_vm_name: v.nullable(v.string()),
  observed_status: v.nullable(v.string()),
  observed_host: v.nullable(v.string()),
  observed_at: v.nullable(v.string()),
  host_name: v.string(),
  datacenter_id: v.number(),
  datacenter_name: v.string(),
  /** the recorded state differs from what the site agent last saw */
  drift: v.boolean(),
  /** queued or running operations */
  pending_operations: v.number(),
});

export const OvercommitBody = v.object({
  cpu_ratio: num(0.1, 64),
  ram_ratio: num(0.1, 8),
  disk_ratio: num(0.1, 16),
});

export const CAPACITY_RESOURCES = ['cpu', 'ram', 'disk'] as const;
export const ResourceCapacity = v.object({
  resource: v.picklist(CAPACITY_RESOURCES),
  /** false: the host records no amount of it (disk on shared storage), so it is not checked */
  limited: v.boolean(),
  unit: v.string(),
  physical: v.number(),
  ratio: v.number(),
  /** physical × ratio: what may be promised */
  capacity: v.number(),
  allocated: v.number(),
  free: v.number(),
  /** allocated / capacity, in % (0 when the host has none of it) */
  used_pct: v.number(),
});
export const HostCapacity = v.object({
  server_id: v.number(),
  name: v.string(),
  status: v.string(),
  datacenter_id: v.number(),
  /** the ratios are this host's own (true) or the defaults */
  custom_ratios: v.boolean(),
  resources: v.array(ResourceCapacity),
  vm_count: v.number(),
});

export const MigrateBody = v.object({
  target_host_id: id,
  live: v.optional(v.boolean('must be true or false'), true),
});

/** A host a VM could move to, or why not. */
export const MigrationTarget = v.object({
  server_id: v.number(),
  name: v.string(),
  datacenter_id: v.number(),
  allowed: v.boolean(),
  reasons: v.array(v.string()),
  resources: v.array(ResourceCapacity),
});
