import { defineDomain } from '../platform/domain';
import { addDependent } from '../platform/http/resource';
import { alertRulesResource } from '../alerting/rules';
import { workloadsResource } from '../virtualization/containers';
import { scalingGroupsResource } from '../virtualization/scaling-groups';
import { datacentersResource } from '../dcim/datacenters';
import * as tables from './tables';
import './access';
import { mountRemediation } from './routes';
import { remediationJobs } from './jobs';

// a playbook never points at nothing: the rule, workload or site it names goes after it
addDependent(alertRulesResource, {
  table: tables.remediationPlaybooks,
  column: 'trigger_rule_id',
  label: 'remediation playbooks',
});
addDependent(workloadsResource, {
  table: tables.remediationPlaybooks,
  column: 'workload_id',
  label: 'remediation playbooks',
});
addDependent(scalingGroupsResource, {
  table: tables.remediationPlaybooks,
  column: 'scaling_group_id',
  label: 'remediation playbooks',
});
addDependent(datacentersResource, {
  table: tables.remediationPlaybooks,
  column: 'datacenter_id',
  label: 'remediation playbooks',
});

/**
 * Auto-remediation: playbooks triggered by alerts (metric, anomaly and inventory rules), acting through the site
 * agent's operations under guards, each run verified against its alert and escalated to an incident when it fails.
 */
export const remediation = defineDomain({
  name: 'remediation',
  tables,
  mount: mountRemediation,
  jobs: remediationJobs,
});
