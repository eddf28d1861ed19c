// Which playbook fields each action needs, and which it does not take: pure, so the API's 422 and the tests agree.

type Fields = Record<string, unknown>;
export interface FieldProblem {
  field: string;
  message: string;
}

/** the host actions' own fields, when set to something that would act (defaults and empties do not count) */
const HOST_FIELDS: Record<string, { of: string; set: (v: unknown) => boolean; says: string }> = {
  unit: { of: 'host.service_restart', set: (v) => v != null, says: 'only a service-restart playbook names a unit' },
  journal_max_size_mb: {
    of: 'host.disk_cleanup',
    set: (v) => v != null,
    says: 'only a disk-cleanup playbook vacuums the journal',
  },
  journal_max_age_days: {
    of: 'host.disk_cleanup',
    set: (v) => v != null,
    says: 'only a disk-cleanup playbook vacuums the journal',
  },
  temp_dirs: {
    of: 'host.disk_cleanup',
    set: (v) => Array.isArray(v) && v.length > 0,
    says: 'only a disk-cleanup playbook removes temp files',
  },
  image_prune: {
    of: 'host.disk_cleanup',
    set: (v) => v != null && v !== 'off',
    says: 'only a disk-cleanup playbook prunes images',
  },
};

/**
 * What is wrong with a playbook's action and its fields: `after` is the playbook as it would be, `given` the
 * fields this request set (a field of another action given in the same request is refused, not silently kept).
 */
export function actionProblems(after: Fields, given: Fields): FieldProblem[] {
  const action = after.action;
  const out: FieldProblem[] = [];
  if (action === 'workload.scale' && after.workload_id == null)
    out.push({ field: 'workload_id', message: 'a scaling playbook names the workload it scales' });
  if (action === 'vm_group.scale_out' && after.scaling_group_id == null)
    out.push({ field: 'scaling_group_id', message: 'a scale-out playbook names the VM scaling group it grows' });
  if (action === 'host.service_restart' && !after.unit)
    out.push({ field: 'unit', message: 'a service-restart playbook names the systemd unit it restarts' });
  if (action === 'host.disk_cleanup') {
    const dirs = Array.isArray(after.temp_dirs) ? after.temp_dirs : [];
    const prune = after.image_prune != null && after.image_prune !== 'off';
    if (after.journal_max_size_mb == null && after.journal_max_age_days == null && !dirs.length && !prune)
      out.push({
        field: 'temp_dirs',
        message: 'a disk-cleanup playbook does something: a journal size or age, temp directories, or image prune',
      });
  }
  for (const [field, f] of Object.entries(HOST_FIELDS)) {
    if (field in given && f.of !== action && f.set(given[field])) out.push({ field, message: f.says });
  }
  return out;
}
