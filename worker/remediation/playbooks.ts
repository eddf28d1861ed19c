import { sql } from 'drizzle-orm';
import type { ResourceDef } from '../platform/http/resource';
import { unprocessable } from '../platform/http/problem';
import { datacenters } from '../dcim/tables';
import { alertRules } from '../alerting/tables';
import { vmScalingGroups, workloads } from '../virtualization/tables';
import { remediationPlaybooks } from './tables';
import { PLAYBOOK_ACTIONS, PLAYBOOK_MODES, Playbook, PlaybookCreate, PlaybookUpdate } from './schemas/playbook';
import { actionProblems } from './action-fields';

export const playbooksResource: ResourceDef = {
  path: '/remediation/playbooks',
  entity: 'remediation_playbook',
  label: 'Playbook',
  tag: 'Remediation',
  table: remediationPlaybooks,
  schemas: { create: PlaybookCreate, update: PlaybookUpdate, output: Playbook },
  filters: {
    action: { type: 'string', values: PLAYBOOK_ACTIONS },
    mode: { type: 'string', values: PLAYBOOK_MODES },
    trigger_rule_id: { type: 'int' },
    datacenter_id: { type: 'int' },
    enabled: { type: 'bool' },
  },
  sortable: ['id', 'name', 'action', 'mode', 'trigger_rule_name', 'created_at'],
  defaultSort: 'name',
  searchable: ['name', 'description'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  references: {
    trigger_rule_id: { table: alertRules, label: 'Alert rule' },
    datacenter_id: { table: datacenters, label: 'Datacenter' },
    workload_id: { table: workloads, label: 'Workload' },
    scaling_group_id: { table: vmScalingGroups, label: 'VM scaling group' },
  },
  computed: () => ({
    trigger_rule_name: sql.raw('(SELECT r.name FROM alert_rules r WHERE r.id = remediation_playbooks.trigger_rule_id)'),
    datacenter_name: sql.raw('(SELECT d.name FROM datacenters d WHERE d.id = remediation_playbooks.datacenter_id)'),
    workload_name: sql.raw('(SELECT w.name FROM workloads w WHERE w.id = remediation_playbooks.workload_id)'),
    scaling_group_name: sql.raw(
      '(SELECT g.name FROM vm_scaling_groups g WHERE g.id = remediation_playbooks.scaling_group_id)',
    ),
    runs_24h: sql.raw(
      `(SELECT count(*) FROM remediation_runs r WHERE r.playbook_id = remediation_playbooks.id AND r.created_at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 day'))`,
    ),
  }),
  access: { read: 'alerts:read', write: 'alerts:configure' },
  description:
    'What to do when an alert of a rule fires: migrate a VM off its server, scale a workload or a VM group out, ' +
    "restart a systemd unit on the alert's server or clean its disk (journal, temp files, images). Dry run by " +
    'default (it only records what it would have done); approval waits for an operator; auto acts within its ' +
    'guards (kill switch, maintenance windows, blast radius per datacenter and hour, cooldown per target, and ' +
    'approval still required by severity and zone). The outcome is verified: the alert must clear in time.',
  async check(_ctx, changes) {
    // an update checks the fields it sets (`changed`); a create, all it was given
    const errors = changes.flatMap((c) =>
      actionProblems(c.after, (c as { changed?: Record<string, unknown> }).changed ?? c.after).map((e) => ({
        ...e,
        field: c.prefix + e.field,
      })),
    );
    if (errors.length) throw unprocessable(errors);
  },
};
