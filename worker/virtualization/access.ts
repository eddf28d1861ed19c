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
