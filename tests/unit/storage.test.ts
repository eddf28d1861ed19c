// Storage arithmetic: RAID layouts, the rules of a storage system, snapshots against free space, the summary.
// Numbers hand-checked in comments.
import { describe, expect, it } from 'vitest';
import { raidLayout } from '../../worker/storage/raid';
import { storageErrors } from '../../worker/storage/rules';
import { snapshotOverflow } from '../../worker/storage/snapshot-rules';
import { summarize, type SummaryInput } from '../../worker/storage/summary';

const usable = (level: string, n: number, raw: number) => {
  const r = raidLayout(level, n, raw);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.layout;
};
const refused = (level: string, n: number) => {
  const r = raidLayout(level, n, 100);
  if (r.ok) throw new Error(`RAID ${level} over ${n} disks was accepted`);
  return r.errors;
};

describe('raidLayout', () => {
  it('RAID 0 stripes everything and survives no failure', () => {
    // 4 disks, 48 TB raw: all 48 TB usable
    expect(usable('0', 4, 48)).toMatchObject({ usable_tb: 48, fault_tolerance_disks: 0 });
    expect(refused('0', 1)).toEqual([{ field: 'disk_count', message: 'RAID 0 needs at least 2 disks; 1 given' }]);
  });

  it('RAID 1 is an n-way mirror: raw / n, n - 1 failures', () => {
    // 2 x 8 TB = 16 raw -> 8 usable, 1 may fail
    expect(usable('1', 2, 16)).toMatchObject({ usable_tb: 8, fault_tolerance_disks: 1 });
    // 3-way mirror of 10 TB disks: 30 raw -> 10 usable, 2 may fail
    expect(usable('1', 3, 30)).toMatchObject({ usable_tb: 10, fault_tolerance_disks: 2 });
    // 10 / 3 = 3.3333... -> 3.333 (kept to the GB)
    expect(usable('1', 3, 10).usable_tb).toBe(3.333);
    expect(refused('1', 1)[0].field).toBe('disk_count');
  });

  it('RAID 5 gives up one disk to parity', () => {
    // 4 x 4 TB = 16 raw -> 16 * 3/4 = 12 usable
    expect(usable('5', 4, 16)).toMatchObject({ usable_tb: 12, fault_tolerance_disks: 1 });
    // 3 disks, 0.3 TB raw: 0.3 * 2/3 = 0.2 (no float noise)
    expect(usable('5', 3, 0.3).usable_tb).toBe(0.2);
    expect(refused('5', 2)).toEqual([{ field: 'disk_count', message: 'RAID 5 needs at least 3 disks; 2 given' }]);
  });

  it('RAID 6 gives up two disks to parity and needs four', () => {
    // 12 x 10 TB = 120 raw -> 120 * 10/12 = 100 usable, any 2 may fail
    const l = usable('6', 12, 120);
    expect(l).toMatchObject({ usable_tb: 100, fault_tolerance_disks: 2 });
    expect(l.explanation).toBe('RAID 6 over 12 disks: double parity: any 2 disks may fail');
    // 4 disks, 20 TB raw -> 20 * 2/4 = 10
    expect(usable('6', 4, 20).usable_tb).toBe(10);
    expect(refused('6', 3)).toEqual([{ field: 'disk_count', message: 'RAID 6 needs at least 4 disks; 3 given' }]);
  });

  it('RAID 10 halves the raw capacity, needs an even count of at least four', () => {
    // 8 x 2 TB = 16 raw -> 8 usable; 1 disk guaranteed, 1 per pair (4 at best)
    const l = usable('10', 8, 16);
    expect(l).toMatchObject({ usable_tb: 8, fault_tolerance_disks: 1 });
    expect(l.explanation).toContain('4 mirror pairs');
    expect(refused('10', 2)[0].message).toBe('RAID 10 needs at least 4 disks; 2 given');
    expect(refused('10', 5)).toEqual([
      { field: 'disk_count', message: 'RAID 10 needs an even number of disks (mirror pairs); 5 given' },
    ]);
  });

  it('refuses an unknown level naming raid_level', () => {
    expect(refused('7', 8)).toEqual([{ field: 'raid_level', message: 'must be one of: 0, 1, 5, 6, 10' }]);
  });
});

describe('storageErrors', () => {
  const base = {
    name: 'arr',
    datacenter_id: 1,
    rack_id: null,
    u_position: null,
    raid_level: '6',
    disk_count: 12,
    raw_capacity_tb: 120,
    used_tb: 0,
    replication_mode: 'none',
  };
  const rack = { id: 5, name: 'R5', datacenter_id: 1 };
  const fields = (s: object, r: typeof rack | null = null) => storageErrors({ ...base, ...s }, r).map((e) => e.field);

  it('accepts a valid system attached to a datacenter, or in a rack at a U', () => {
    expect(fields({})).toEqual([]);
    expect(fields({ rack_id: 5, u_position: 10 }, rack)).toEqual([]);
  });

  it('refuses more used than usable', () => {
    // RAID 6 over 12 disks of 120 TB raw: 100 usable; 100 fits, 100.5 does not
    expect(fields({ used_tb: 100 })).toEqual([]);
    expect(storageErrors({ ...base, used_tb: 100.5 }, null)).toEqual([
      { field: 'used_tb', message: '100.5 TB used exceeds the 100 TB usable under RAID 6' },
    ]);
  });

  it('names the placement fields', () => {
    expect(fields({ rack_id: 5, u_position: null }, rack)).toEqual(['u_position']);
    expect(fields({ rack_id: 5, u_position: 3, datacenter_id: 2 }, rack)).toEqual(['rack_id']);
    expect(fields({ u_position: 3 })).toEqual(['u_position']);
  });

  it('needs a target for replication', () => {
    expect(fields({ replication_mode: 'async' })).toEqual(['replication_target']);
    expect(fields({ replication_mode: 'async', replication_target: 'dc2-array' })).toEqual([]);
  });
});

describe('snapshotOverflow', () => {
  const sys = { name: 'arr', usable_capacity_tb: 10, used_tb: 9.5 };
  it('compares against free capacity in decimal GB', () => {
    // 10 - 9.5 = 0.5 TB free = 500 GB
    expect(snapshotOverflow(500, sys)).toBeNull();
    expect(snapshotOverflow(500.1, sys)).toBe('500.1 GB is more than the 500 GB free on arr');
  });
});

describe('summarize', () => {
  const row = (s: Partial<SummaryInput>): SummaryInput => ({
    storage_type: 'SAN',
    raw_capacity_tb: 0,
    usable_capacity_tb: 0,
    used_tb: 0,
    encryption: false,
    replication_mode: 'none',
    ...s,
  });

  it('totals overall and per type', () => {
    const s = summarize([
      row({ raw_capacity_tb: 120, usable_capacity_tb: 100, used_tb: 25, encryption: true }),
      row({ raw_capacity_tb: 16, usable_capacity_tb: 8, used_tb: 6, replication_mode: 'sync' }),
      row({ storage_type: 'NAS', raw_capacity_tb: 40, usable_capacity_tb: 30, used_tb: 0.1, encryption: 1 }),
    ]);
    // raw 120 + 16 + 40 = 176; usable 100 + 8 + 30 = 138; used 25 + 6 + 0.1 = 31.1; free 106.9
    // utilisation 31.1 / 138 = 22.536% -> 22.5
    expect(s.overall).toEqual({
      count: 3,
      raw_tb: 176,
      usable_tb: 138,
      used_tb: 31.1,
      free_tb: 106.9,
      utilization_pct: 22.5,
      encrypted: 2,
      replicated: 1,
    });
    // SAN: usable 108, used 31 -> 28.7037% -> 28.7
    expect(s.by_type.find((t) => t.storage_type === 'SAN')).toMatchObject({
      count: 2,
      usable_tb: 108,
      used_tb: 31,
      free_tb: 77,
      utilization_pct: 28.7,
      encrypted: 1,
      replicated: 1,
    });
    expect(s.by_type.map((t) => t.storage_type)).toEqual(['SAN', 'NAS', 'Object', 'Block', 'File']);
    expect(s.by_type.find((t) => t.storage_type === 'Object')).toMatchObject({ count: 0, utilization_pct: 0 });
  });

  it('is all zeros for no systems', () => {
    expect(summarize([]).overall).toMatchObject({ count: 0, usable_tb: 0, utilization_pct: 0 });
  });
});
