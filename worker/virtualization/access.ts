import { declareEntity } from '../platform/access/entities';
import { serverEntity } from '../dcim/access';

// A VM is as secret as the host it runs on; its operations and snapshots as secret as the VM.
export const vmEntity = declareEntity({
  type: 'vm',
  table: 'vms',
  zone: { via: serverEntity, column: 'host_server_id' },
});
export const vmOperationEntity = declareEntity({
  type: 'vm_operation',
  table: 'vm_operations',
  zone: { via: vmEntity, column: 'vm_id' },
});
export const vmSnapshotEntity = declareEntity({
  type: 'vm_snapshot',
  table: 'vm_snapshots',
  zone: { via: vmEntity, column: 'vm_id' },
});

// A container platform carries its own zone; its nodes, workloads and their operations are as secret as it.
export const clusterEntity = declareEntity({ type: 'cluster', table: 'clusters', zone: { column: 'security_zone' } });
export const clusterNodeEntity = declareEntity({
  type: 'cluster_node',
  table: 'cluster_nodes',
  zone: { via: clusterEntity, column: 'cluster_id' },
});
export const workloadEntity = declareEntity({
  type: 'workload',
  table: 'workloads',
  zone: { via: clusterEntity, column: 'cluster_id' },
});
export const workloadOperationEntity = declareEntity({
  type: 'workload_operation',
  table: 'workload_operations',
  zone: { via: workloadEntity, column: 'workload_id' },
});
export const autoscalePolicyEntity = declareEntity({
  type: 'autoscale_policy',
  table: 'autoscale_policies',
  zone: { via: workloadEntity, column: 'workload_id' },
});
export const autoscaleDecisionEntity = declareEntity({
  type: 'autoscale_decision',
  table: 'autoscale_decisions',
  zone: { via: autoscalePolicyEntity, column: 'policy_id' },
});

// An auto-scaling group of VMs is as secret as its template VM (its members are clones on the same host).
export const vmScalingGroupEntity = declareEntity({
  type: 'vm_scaling_group',
  table: 'vm_scaling_groups',
  zone: { via: vmEntity, column: 'template_vm_id' },
});
export const vmScalingDecisionEntity = declareEntity({
  type: 'vm_scaling_decision',
  table: 'vm_scaling_decisions',
  zone: { via: vmScalingGroupEntity, column: 'group_id' },
});
