import * as v from 'valibot';
import { id, int, name, oneOf, optionalText, timestampsOut, SECURITY_ZONES } from '../../platform/schemas/common';
import { SEVERITIES } from '../../alerting/schemas/alert-rule';

// Only valibot here (and constants): the UI's playbook form validates with PlaybookCreate.

export const PLAYBOOK_ACTIONS = [
  'vm.migrate',
  'vm_group.scale_out',
  'workload.scale',
  'host.service_restart',
  'host.disk_cleanup',
] as const;
export const HOST_ACTIONS = ['host.service_restart', 'host.disk_cleanup'] as const;
export const IMAGE_PRUNE = ['off', 'dangling', 'unused'] as const;

/** what systemd accepts as a unit name (and never an option: no leading dash) */
export const UNIT_NAME = /^[A-Za-z0-9][A-Za-z0-9:_.@\\-]{0,255}$/;

export const unitName = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.minLength(1, 'is required'),
  v.maxLength(256, 'must be at most 256 characters'),
  v.regex(UNIT_NAME, 'must be a systemd unit name such as nginx.service (letters, digits and :_.@\\-)'),
);

/** a directory on the server, as the agent will compare it with its allow-listed roots */
export const tempDir = v.pipe(
  v.string('must be text'),
  v.trim(),
  v.minLength(1, 'is required'),
  v.maxLength(255, 'must be at most 255 characters'),
  v.startsWith('/', 'must be an absolute path (starting with /)'),
  v.check((p) => !/[\0\r\n]/.test(p), 'must be one line'),
  v.check(
    (p) =>
      p.length > 1 &&
      !p.split('/').some((seg, i, all) => seg === '.' || seg === '..' || (seg === '' && i > 0 && i < all.length - 1)),
    'must be a plain absolute path other than / (no . or .. or //)',
  ),
);
export const tempDirs = v.pipe(
  v.array(tempDir, 'must be a list of directories'),
  v.maxLength(16, 'must list at most 16 directories'),
);
export const PLAYBOOK_MODES = ['dry_run', 'approval', 'auto'] as const;
export const APPROVAL_SEVERITIES = [...SEVERITIES, 'never'] as const;

export const PlaybookCreate = v.object({
  name: name(100),
  description: optionalText(500),
  enabled: v.optional(v.boolean('must be true or false')),
  action: v.pipe(
    oneOf(PLAYBOOK_ACTIONS),
    v.description(
      "vm.migrate: move a VM off the alert's server to the host with the most room (workload balancing); " +
        'vm_group.scale_out: one more member of a VM auto-scaling group; workload.scale: more replicas of a workload; ' +
        "host.service_restart: restart a systemd unit on the alert's server; host.disk_cleanup: vacuum its journal, " +
        "remove old temp files, prune container images (both through the site agent's host driver, which only " +
        'touches the units and directories its own config allows)',
    ),
  ),
  trigger_rule_id: v.pipe(id, v.description('The alert rule whose alerts trigger it (metric, anomaly or inventory)')),
  min_severity: v.optional(oneOf(SEVERITIES)),
  after_min: v.optional(
    v.pipe(int(0, 1440), v.description('Only alerts firing for at least this many minutes (default 0)')),
  ),
  datacenter_id: v.optional(v.nullable(id)),
  mode: v.optional(
    v.pipe(
      oneOf(PLAYBOOK_MODES),
      v.description('dry_run (default): only record what it would do; approval: wait for an operator; auto: act'),
    ),
  ),
  approval_severity: v.optional(
    v.pipe(oneOf(APPROVAL_SEVERITIES), v.description('auto mode: alerts at or above it still wait for approval')),
  ),
  auto_max_zone: v.optional(
    v.pipe(oneOf(SECURITY_ZONES), v.description('auto mode: targets in a zone above it still wait for approval')),
  ),
  max_per_hour: v.optional(
    v.pipe(int(1, 1000), v.description('Blast radius: actions per datacenter in any hour (default 3)')),
  ),
  cooldown_min: v.optional(
    v.pipe(int(0, 10_080), v.description('No second action on the same target within this time (default 30)')),
  ),
  verify_min: v.optional(
    v.pipe(int(1, 1440), v.description('The alert must clear within this time after the action (default 15)')),
  ),
  scaling_group_id: v.optional(v.nullable(id)),
  workload_id: v.optional(v.nullable(id)),
  scale_step: v.optional(int(1, 100)),
  max_replicas: v.optional(v.nullable(int(1, 1000))),
  unit: v.optional(v.nullable(v.pipe(unitName, v.description('host.service_restart: the systemd unit restarted')))),
  journal_max_size_mb: v.optional(
    v.nullable(v.pipe(int(1, 1_000_000), v.description('host.disk_cleanup: vacuum the journal to this size (MB)'))),
  ),
  journal_max_age_days: v.optional(
    v.nullable(v.pipe(int(1, 3650), v.description('host.disk_cleanup: drop journal entries older than this (days)'))),
  ),
  temp_dirs: v.optional(
    v.pipe(
      tempDirs,
      v.description("host.disk_cleanup: directories whose old regular files are removed (within the agent's roots)"),
    ),
  ),
  temp_max_age_days: v.optional(
    v.pipe(int(1, 3650), v.description('host.disk_cleanup: temp files older than this are removed (default 7)')),
  ),
  image_prune: v.optional(
    v.pipe(
      oneOf(IMAGE_PRUNE),
      v.description(
        'host.disk_cleanup: off (default), dangling (untagged layers) or unused (any image no container uses)',
      ),
    ),
  ),
});
export const PlaybookUpdate = v.partial(PlaybookCreate);

export const Playbook = v.object({
  ...timestampsOut,
  name: v.string(),
  description: v.nullable(v.string()),
  enabled: v.boolean(),
  action: v.picklist(PLAYBOOK_ACTIONS),
  trigger_rule_id: v.number(),
  trigger_rule_name: v.nullable(v.string()),
  min_severity: v.picklist(SEVERITIES),
  after_min: v.number(),
  datacenter_id: v.nullable(v.number()),
  datacenter_name: v.nullable(v.string()),
  mode: v.picklist(PLAYBOOK_MODES),
  approval_severity: v.picklist(APPROVAL_SEVERITIES),
  auto_max_zone: v.picklist(SECURITY_ZONES),
  max_per_hour: v.number(),
  cooldown_min: v.number(),
  verify_min: v.number(),
  scaling_group_id: v.nullable(v.number()),
  scaling_group_name: v.nullable(v.string()),
  workload_id: v.nullable(v.number()),
  workload_name: v.nullable(v.string()),
  scale_step: v.number(),
  max_replicas: v.nullable(v.number()),
  unit: v.nullable(v.string()),
  journal_max_size_mb: v.nullable(v.number()),
  journal_max_age_days: v.nullable(v.number()),
  temp_dirs: v.array(v.string()),
  temp_max_age_days: v.number(),
  image_prune: v.picklist(IMAGE_PRUNE),
  /** runs in the last 24 hours, by status */
  runs_24h: v.number(),
});
