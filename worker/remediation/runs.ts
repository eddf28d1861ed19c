import { sql } from 'drizzle-orm';
import type { ResourceDef } from '../platform/http/resource';
import { visibleWhere } from '../platform/access/entities';
import { remediationRunEntity } from './access';
import { remediationRuns } from './tables';
import { PLAYBOOK_ACTIONS } from './schemas/playbook';
import { RUN_STATUSES, Run } from './schemas/run';

export const RUN_AUDIT = { table: remediationRuns, entityType: 'remediation_run' } as const;

/** Runs are made by the cron (trigger.ts), decided by approve/reject, and followed to their outcome (execute.ts). */
export const runsResource: ResourceDef = {
  path: '/remediation/runs',
  entity: 'remediation_run',
  label: 'remediation run',
  tag: 'Remediation',
  table: remediationRuns,
  schemas: { output: Run },
  ops: ['list', 'get'],
  filters: {
    playbook_id: { type: 'int' },
    alert_id: { type: 'int' },
    datacenter_id: { type: 'int' },
    server_id: { type: 'int' },
    status: { type: 'string', values: RUN_STATUSES },
    action: { type: 'string', values: PLAYBOOK_ACTIONS },
  },
  sortable: ['id', 'created_at', 'status', 'name', 'severity', 'finished_at'],
  defaultSort: '-id',
  searchable: ['name', 'target', 'reason', 'decided_by'],
  scope: (ctx) => visibleWhere(ctx, remediationRunEntity),
  computed: () => ({
    alert_message: sql.raw('(SELECT a.message FROM alerts a WHERE a.id = remediation_runs.alert_id)'),
    alert_status: sql.raw('(SELECT a.status FROM alerts a WHERE a.id = remediation_runs.alert_id)'),
    datacenter_name: sql.raw('(SELECT d.name FROM datacenters d WHERE d.id = remediation_runs.datacenter_id)'),
    server_name: sql.raw('(SELECT s.name FROM servers s WHERE s.id = remediation_runs.server_id)'),
    // what the agent reported back (a unit's state, the bytes a cleanup freed), from the operation's own table
    operation_output: sql.raw(`CASE WHEN remediation_runs.action = 'workload.scale'
        THEN (SELECT o.output FROM workload_operations o WHERE o.id = remediation_runs.operation_id)
      WHEN remediation_runs.action LIKE 'host.%'
        THEN (SELECT o.output FROM host_operations o WHERE o.id = remediation_runs.operation_id)
      ELSE (SELECT o.output FROM vm_operations o WHERE o.id = remediation_runs.operation_id) END`),
  }),
  present: (row) =>
    typeof row.operation_output === 'string' ? { ...row, operation_output: JSON.parse(row.operation_output) } : row,
  access: { read: 'alerts:read', write: 'vms:operate' },
  description:
    'Every time a playbook met an alert: what it would have done (dry run), what a guard stopped (skipped, with ' +
    'the guard), what waits for approval, and what ran, with the operation that carried it out and whether the ' +
    'alert cleared in time (succeeded) or not (failed, escalated to an incident).',
};
