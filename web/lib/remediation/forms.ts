// The playbook form, validated by the API's own schema (worker/remediation/schemas/playbook.ts).
import * as v from 'valibot';
import {
  APPROVAL_SEVERITIES,
  IMAGE_PRUNE,
  PLAYBOOK_ACTIONS,
  PLAYBOOK_MODES,
  PlaybookCreate,
  PlaybookUpdate,
  tempDirs,
} from '$worker/remediation/schemas/playbook';
import { SECURITY_ZONES } from '$worker/platform/schemas/common';
import { SEVERITIES } from '$worker/alerting/schemas/alert-rule';
import type { Section, Values } from '../forms';
import type { RemediationRun } from './types';

export const ACTION_LABELS: Record<(typeof PLAYBOOK_ACTIONS)[number], string> = {
  'vm.migrate': 'Migrate a VM off the hot host',
  'vm_group.scale_out': 'Add a member to a VM scaling group',
  'workload.scale': 'Scale a workload out',
  'host.service_restart': "Restart a service on the alert's server",
  'host.disk_cleanup': "Clean up the alert's server's disk",
};
export const IMAGE_PRUNE_LABELS: Record<(typeof IMAGE_PRUNE)[number], string> = {
  off: 'No image prune',
  dangling: 'Dangling images (untagged layers)',
  unused: 'Every image no container uses',
};

/** The temp directories as the form holds them: one per line. */
const dirLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

// The form edits temp_dirs as text; these are the API's schemas with that one field read line by line, so an error
// in any directory lands on the field with the API's own message.
// (cleared on edit, the field sends null: no directories)
const tempDirsText = v.optional(v.nullable(v.pipe(v.string('must be text'), v.transform(dirLines), tempDirs)));
export const PlaybookForm = v.object({ ...PlaybookCreate.entries, temp_dirs: tempDirsText });
export const PlaybookEditForm = v.object({ ...PlaybookUpdate.entries, temp_dirs: tempDirsText });

/** The request body from the form's payload: the temp directories as a list. */
export function playbookBody(payload: Values): Values {
  if (payload.temp_dirs === null) return { ...payload, temp_dirs: [] };
  return typeof payload.temp_dirs === 'string' ? { ...payload, temp_dirs: dirLines(payload.temp_dirs) } : payload;
}

/** A playbook as the form shows it (its directories one per line). */
export const playbookValues = <P extends { temp_dirs: string[] }>(p: P) => ({
  ...p,
  temp_dirs: p.temp_dirs.join('\n'),
});
export const MODE_LABELS: Record<(typeof PLAYBOOK_MODES)[number], string> = {
  dry_run: 'Dry run: only record what it would do',
  approval: 'Approval: wait for an operator',
  auto: 'Auto: act within the guards',
};

export const PLAYBOOK_DEFAULTS: Values = {
  enabled: true,
  action: 'vm.migrate',
  mode: 'dry_run',
  min_severity: 'warning',
  after_min: '0',
  approval_severity: 'critical',
  auto_max_zone: 'Internal',
  max_per_hour: '3',
  cooldown_min: '30',
  verify_min: '15',
  scale_step: '1',
  temp_max_age_days: '7',
  image_prune: 'off',
};

interface Named {
  id: number;
  name: string;
}

export const playbookSections = (o: {
  rules: Named[];
  datacenters: Named[];
  workloads: Named[];
  groups: Named[];
}): Section[] => [
  {
    title: 'When',
    description:
      'An alert of this rule (a metric, anomaly or inventory rule; forecasts raise theirs as inventory rules).',
    fields: [
      { name: 'name', label: 'Name', type: 'text', required: true, span: 2 },
      {
        name: 'trigger_rule_id',
        label: 'Alert rule',
        type: 'select',
        numeric: true,
        required: true,
        emptyOption: 'Select a rule…',
        options: o.rules.map((r) => ({ value: String(r.id), label: r.name })),
      },
      { name: 'min_severity', label: 'At or above', type: 'select', options: [...SEVERITIES] },
      {
        name: 'after_min',
        label: 'Firing for at least',
        type: 'integer',
        unit: 'min',
        help: "Added to the rule's own wait: a 10-minute rule and 5 here answer a host hot for 15 minutes",
      },
      {
        name: 'datacenter_id',
        label: 'Datacenter',
        type: 'select',
        numeric: true,
        nullable: true,
        emptyOption: 'Any datacenter',
        options: o.datacenters.map((d) => ({ value: String(d.id), label: d.name })),
      },
      { name: 'enabled', label: 'Enabled', type: 'checkbox' },
      { name: 'description', label: 'Description', type: 'textarea', span: 2 },
    ],
  },
  {
    title: 'Do',
    fields: [
      {
        name: 'action',
        label: 'Action',
        type: 'select',
        options: PLAYBOOK_ACTIONS.map((a) => ({ value: a, label: ACTION_LABELS[a] })),
        span: 2,
        help: (v) =>
          v.action === 'vm.migrate'
            ? "The biggest VM of the alert's server that fits elsewhere goes live to the host with the most free vCPU."
            : String(v.action).startsWith('host.')
              ? "Carried out on the alert's server by its site agent's host driver (locally or over SSH, as the agent is configured)."
              : undefined,
      },
      {
        name: 'scaling_group_id',
        label: 'VM scaling group',
        type: 'select',
        numeric: true,
        nullable: true,
        emptyOption: 'Select a group…',
        options: o.groups.map((g) => ({ value: String(g.id), label: g.name })),
        disabled: (v) => v.action !== 'vm_group.scale_out',
        help: 'One more member, cloned from its template, never past its maximum size',
      },
      {
        name: 'workload_id',
        label: 'Workload',
        type: 'select',
        numeric: true,
        nullable: true,
        emptyOption: 'Select a workload…',
        options: o.workloads.map((w) => ({ value: String(w.id), label: w.name })),
        disabled: (v) => v.action !== 'workload.scale',
      },
      {
        name: 'scale_step',
        label: 'Replicas added',
        type: 'integer',
        disabled: (v) => v.action !== 'workload.scale',
      },
      {
        name: 'max_replicas',
        label: 'At most',
        type: 'integer',
        nullable: true,
        unit: 'replicas',
        disabled: (v) => v.action !== 'workload.scale',
      },
      {
        name: 'unit',
        label: 'Systemd unit',
        type: 'text',
        nullable: true,
        mono: true,
        placeholder: 'nginx.service',
        disabled: (v) => v.action !== 'host.service_restart',
        help: "Restarted on the alert's server, then checked active. The site agent refuses a unit its config does not allow-list",
      },
      {
        name: 'journal_max_size_mb',
        label: 'Journal down to',
        type: 'integer',
        nullable: true,
        unit: 'MB',
        disabled: (v) => v.action !== 'host.disk_cleanup',
        help: 'journalctl --vacuum-size; empty: not by size',
      },
      {
        name: 'journal_max_age_days',
        label: 'Journal newer than',
        type: 'integer',
        nullable: true,
        unit: 'days',
        disabled: (v) => v.action !== 'host.disk_cleanup',
        help: 'journalctl --vacuum-time; empty: not by age',
      },
      {
        name: 'temp_dirs',
        label: 'Temp directories',
        type: 'textarea',
        nullable: true,
        mono: true,
        placeholder: '/var/tmp',
        disabled: (v) => v.action !== 'host.disk_cleanup',
        help: "One absolute directory per line. Only regular files are removed, no symlink is followed, and only under the roots the agent's config allows",
      },
      {
        name: 'temp_max_age_days',
        label: 'Temp files older than',
        type: 'integer',
        unit: 'days',
        disabled: (v) => v.action !== 'host.disk_cleanup',
      },
      {
        name: 'image_prune',
        label: 'Container images',
        type: 'select',
        options: IMAGE_PRUNE.map((m) => ({ value: m, label: IMAGE_PRUNE_LABELS[m] })),
        disabled: (v) => v.action !== 'host.disk_cleanup',
        help: "Through the Docker engine the agent's config names for the server",
      },
    ],
  },
  {
    title: 'Guards',
    description:
      'The kill switch and active maintenance windows always hold a playbook back. Approval is asked in approval mode, and in auto mode at the severity and above the zone set here.',
    fields: [
      {
        name: 'mode',
        label: 'Mode',
        type: 'select',
        options: PLAYBOOK_MODES.map((m) => ({ value: m, label: MODE_LABELS[m] })),
        span: 2,
      },
      {
        name: 'approval_severity',
        label: 'Approval at',
        type: 'select',
        options: APPROVAL_SEVERITIES.map((s) => ({
          value: s,
          label: s === 'never' ? 'never (by severity)' : `${s} and above`,
        })),
        disabled: (v) => v.mode !== 'auto',
      },
      {
        name: 'auto_max_zone',
        label: 'Auto up to zone',
        type: 'select',
        options: [...SECURITY_ZONES],
        disabled: (v) => v.mode !== 'auto',
      },
      { name: 'max_per_hour', label: 'Blast radius', type: 'integer', unit: 'actions / h / DC', required: true },
      { name: 'cooldown_min', label: 'Cooldown', type: 'integer', unit: 'min', help: 'Per target (host or workload)' },
      {
        name: 'verify_min',
        label: 'Verify within',
        type: 'integer',
        unit: 'min',
        help: 'The alert must clear in this time, or the run fails and escalates to an incident',
      },
    ],
  },
];

/** "VM web-03: hv-1 → hv-2" or "api: 3 → 5 replicas", from a run's proposal. */
export function proposalText(r: Pick<RemediationRun, 'action' | 'proposal' | 'target'>): string {
  const p = r.proposal as Record<string, unknown>;
  if (r.action === 'vm.migrate' && p.vm_name) return `Migrate ${p.vm_name}: ${p.from_host} → ${p.to_host}`;
  if (r.action === 'vm_group.scale_out' && p.group) return `Grow ${p.group}: ${p.from_size} → ${p.to_size} members`;
  if (r.action === 'workload.scale' && p.workload)
    return `Scale ${p.workload}: ${p.from_replicas} → ${p.to_replicas} replicas`;
  if (r.action === 'host.service_restart' && p.unit) return `Restart ${p.unit} on ${p.server}`;
  if (r.action === 'host.disk_cleanup' && p.server) return `Clean up ${r.target ?? p.server}`;
  return r.target ?? '—';
}
