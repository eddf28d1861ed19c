import type { FieldError } from '../platform/http/problem';
import { raidLayout } from './raid';

export interface RackOf {
  id: number;
  name: string;
  datacenter_id: number;
}

/**
 * What makes a storage system impossible as written, each error naming its field: a RAID layout that cannot
 * exist, more used than usable, a rack in another datacenter, no U position in a rack (storage is never
 * zero-U), a U position without a rack, replication without a target. `rack` is the row of `s.rack_id`.
 */
export function storageErrors(s: Record<string, any>, rack: RackOf | null): FieldError[] {
  const errors: FieldError[] = [];
  const layout = raidLayout(String(s.raid_level), Number(s.disk_count), Number(s.raw_capacity_tb));
  if (!layout.ok) errors.push(...layout.errors);
  else if (Number(s.used_tb ?? 0) > layout.layout.usable_tb) {
    errors.push({
      field: 'used_tb',
      message: `${s.used_tb} TB used exceeds the ${layout.layout.usable_tb} TB usable under RAID ${s.raid_level}`,
    });
  }
  if (s.rack_id != null) {
    if (rack && rack.datacenter_id !== Number(s.datacenter_id)) {
      errors.push({
        field: 'rack_id',
        message: `rack ${rack.name} is in datacenter ${rack.datacenter_id}, not ${s.datacenter_id}`,
      });
    }
    if (s.u_position == null) errors.push({ field: 'u_position', message: 'u_position is required in a rack' });
  } else if (s.u_position != null) {
    errors.push({ field: 'u_position', message: 'needs a rack_id (without a rack there are no U slots)' });
  }
  if ((s.replication_mode ?? 'none') !== 'none' && !s.replication_target) {
    errors.push({ field: 'replication_target', message: `is required for ${s.replication_mode} replication` });
  }
  return errors;
}
