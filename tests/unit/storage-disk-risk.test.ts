// A storage system's disk risk (worker/ai/storage-disk-risk.ts): members scored by the disk model, the array
// judged against what its RAID layout may lose, and coverage saying what was received.
import { describe, expect, it } from 'vitest';
import { storageDiskRisk, type StorageFacts } from '../../worker/ai/storage-disk-risk';

// as ingest keeps them on the rack: the array's name in `device`, the sender's disk name in `device_part`
const attr = (disk: string, id: number, raw: number) => ({
  metric: 'smartctl_device_attribute',
  value: raw,
  labels: {
    device: 'san-01',
    device_kind: 'storage',
    device_part: disk,
    attribute_id: String(id),
    attribute_value_type: 'raw',
  },
});
const array = (raid_level: string, latest: StorageFacts['latest'], disk_count = 8): StorageFacts => ({
  name: 'san-01',
  raid_level,
  disk_count,
  raw_capacity_tb: 64,
  latest,
});

describe('storageDiskRisk', () => {
  it('is high when one member at risk is all the layout may lose', () => {
    const r = storageDiskRisk(array('5', [attr('sda', 5, 24), attr('sdb', 5, 0)]));
    expect(r).toMatchObject({ level: 'high', at_risk: 1, disks_reporting: 2, fault_tolerance_disks: 1 });
    expect(r.disks.map((d) => d.device)).toEqual(['sda', 'sdb']);
    expect(r.evidence[1]).toBe('RAID 5 tolerates 1 failed disk: the disk at risk failing would leave no redundancy');
  });

  it('is high on RAID 0 and medium on RAID 6 for the same disk', () => {
    const latest = [attr('sda', 5, 24)];
    expect(storageDiskRisk(array('0', latest)).level).toBe('high');
    expect(storageDiskRisk(array('6', latest)).level).toBe('medium');
  });

  it('is low when a counter moved on a disk the model does not flag', () => {
    const r = storageDiskRisk(array('6', [attr('sda', 188, 1)]));
    expect(r).toMatchObject({ level: 'low', at_risk: 0 });
    expect(r.evidence).toHaveLength(1);
    expect(r.evidence[0]).toMatch(/^disk sda below the threshold/);
  });

  it('says what was received: nothing, or disks without the key counters', () => {
    expect(storageDiskRisk(array('6', []))).toMatchObject({
      level: 'none',
      worst_risk: null,
      coverage: 'no SMART data received',
    });
    // a disk that only reports its temperature tells nothing of its errors
    const r = storageDiskRisk(array('6', [attr('sda', 194, 35), attr('sdb', 5, 0)]));
    expect(r.level).toBe('none');
    expect(r.coverage).toBe('SMART of 2 of 8 disks; 1 reports none of the key error counters (5, 187, 197, 198)');
  });

  it('counts disks at risk as high when the recorded layout cannot exist (no tolerance known)', () => {
    const r = storageDiskRisk(array('6', [attr('sda', 5, 24)], 3));
    expect(r).toMatchObject({ level: 'high', fault_tolerance_disks: null });
  });
});
