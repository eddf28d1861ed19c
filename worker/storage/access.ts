import { declareEntity } from '../platform/access/entities';
import { rackEntity } from '../dcim/access';

// A storage system is as secret as its rack; one attached to a datacenter (no rack) belongs to no zone.
// Its snapshots are as secret as it.
export const storageSystemEntity = declareEntity({
  type: 'storage_system',
  table: 'storage_systems',
  zone: { via: rackEntity, column: 'rack_id', openWhenNull: true },
});
export const storageSnapshotEntity = declareEntity({
  type: 'storage_snapshot',
  table: 'storage_snapshots',
  zone: { via: storageSystemEntity, column: 'storage_id' },
});
