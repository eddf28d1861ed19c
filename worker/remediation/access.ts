import { declareEntity } from '../platform/access/entities';

// A run is as secret as what it acts on (the zone of the alert's server or the workload's cluster, kept on the
// run when it is made); playbooks name rules and actions, not devices, and read like alert rules.
export const remediationRunEntity = declareEntity({
  type: 'remediation_run',
  table: 'remediation_runs',
  zone: { column: 'security_zone' },
});
