// What a playbook would do, worked out from facts the caller loads: pure, so the choice is tested with numbers.

export interface VmCandidate {
  id: number;
  name: string;
  cpu_cores: number;
  ram_gb: number;
}
export interface TargetOption {
  server_id: number;
  name: string;
  allowed: boolean;
  /** free vCPU after overcommit on the target (null: the host records no core count) */
  free_cpu: number | null;
}

export interface MigrationProposal {
  vm_id: number;
  vm_name: string;
  cpu_cores: number;
  from_host_id: number;
  from_host: string;
  to_host_id: number;
  to_host: string;
  to_free_cpu: number | null;
}

/**
 * The move that relieves a hot host most: the VM with the most vCPU that some other host may take (ties: less
 * RAM, as it migrates sooner), to the allowed host with the most free vCPU. Null when no VM can move anywhere.
 */
export function chooseMigration(
  from: { id: number; name: string },
  vms: VmCandidate[],
  targetsOf: (vmId: number) => TargetOption[],
): MigrationProposal | null {
  const order = [...vms].sort((a, b) => b.cpu_cores - a.cpu_cores || a.ram_gb - b.ram_gb || a.id - b.id);
  for (const vm of order) {
    const allowed = targetsOf(vm.id).filter((t) => t.allowed);
    if (!allowed.length) continue;
    const best = allowed.reduce((a, b) => ((b.free_cpu ?? Infinity) > (a.free_cpu ?? Infinity) ? b : a));
    return {
      vm_id: vm.id,
      vm_name: vm.name,
      cpu_cores: vm.cpu_cores,
      from_host_id: from.id,
      from_host: from.name,
      to_host_id: best.server_id,
      to_host: best.name,
      to_free_cpu: best.free_cpu,
    };
  }
  return null;
}

export interface ScaleProposal {
  workload_id: number;
  workload: string;
  from_replicas: number;
  to_replicas: number;
}

/** `step` more replicas, capped at `max`; null when the workload is already at its cap. */
export function chooseScale(
  w: { id: number; name: string; replicas_desired: number },
  step: number,
  max: number | null,
): ScaleProposal | null {
  const to = max === null ? w.replicas_desired + step : Math.min(max, w.replicas_desired + step);
  if (to <= w.replicas_desired) return null;
  return { workload_id: w.id, workload: w.name, from_replicas: w.replicas_desired, to_replicas: to };
}

export interface GroupProposal {
  scaling_group_id: number;
  group: string;
  from_size: number;
  to_size: number;
}

/** One more member, unless the group is already at its max_size. */
export function chooseGroupGrowth(g: {
  id: number;
  name: string;
  size: number;
  max_size: number;
}): GroupProposal | null {
  if (g.size >= g.max_size) return null;
  return { scaling_group_id: g.id, group: g.name, from_size: g.size, to_size: g.size + 1 };
}

export interface RestartProposal {
  server_id: number;
  server: string;
  unit: string;
}

export interface CleanupPolicy {
  journal_max_size_mb: number | null;
  journal_max_age_days: number | null;
  temp_dirs: string[];
  temp_max_age_days: number;
  image_prune: 'off' | 'dangling' | 'unused';
}
export interface CleanupProposal extends CleanupPolicy {
  server_id: number;
  server: string;
}

/** "journal to 500 MB and 14 days, 2 temp dirs (files > 7 days), unused images": what a cleanup will try. */
export function cleanupSummary(p: CleanupPolicy): string {
  const journal = [
    p.journal_max_size_mb != null ? `${p.journal_max_size_mb} MB` : null,
    p.journal_max_age_days != null ? `${p.journal_max_age_days} days` : null,
  ].filter(Boolean);
  const parts = [
    journal.length ? `journal to ${journal.join(' and ')}` : null,
    p.temp_dirs.length
      ? `${p.temp_dirs.length === 1 ? p.temp_dirs[0] : `${p.temp_dirs.length} temp dirs`} (files > ${p.temp_max_age_days} days)`
      : null,
    p.image_prune !== 'off' ? `${p.image_prune} images` : null,
  ].filter(Boolean);
  return parts.join(', ');
}

/** The playbook's cleanup policy for the alert's server, as the agent's host driver takes it. */
export function chooseCleanup(server: { id: number; name: string }, p: CleanupPolicy): CleanupProposal {
  return {
    server_id: server.id,
    server: server.name,
    journal_max_size_mb: p.journal_max_size_mb,
    journal_max_age_days: p.journal_max_age_days,
    temp_dirs: [...p.temp_dirs],
    temp_max_age_days: p.temp_max_age_days,
    image_prune: p.image_prune,
  };
}
