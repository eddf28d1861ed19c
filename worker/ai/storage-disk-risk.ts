// A storage system's disk risk: its member disks scored by the trained disk model (disk-risk.ts) from the SMART
// series that landed on its rack labelled with it (ingest keeps the sender's own disk name as `device_part`),
// summed up against what its RAID layout tolerates. Pure (tests/unit/storage-disk-risk.test.ts).
//
// The level is about data, not one disk: members at risk as many as the layout may lose means that their failing
// together leaves no redundancy (RAID 0: any one at risk), so that is "high"; fewer is "medium"; an error counter
// that moved on a disk the model does not yet flag is "low". An array that sent no SMART is "none" with
// coverage saying so: it is unknown, not healthy.
import { raidLayout } from '../storage/raid';
import type { DiskRisk, LabelledSample } from './disk-risk';
import { serverDisks } from './server-risk';

export interface StorageFacts {
  name: string;
  raid_level: string;
  disk_count: number;
  raw_capacity_tb: number;
  /** the latest value of every series labelled with the system (device=<name>, device_kind=storage) */
  latest: (LabelledSample & { metric: string })[];
}

export type StorageDisk = { device: string } & DiskRisk;

export interface StorageDiskRisk {
  level: 'high' | 'medium' | 'low' | 'none';
  /** members the disk model flags */
  at_risk: number;
  /** the highest risk of any member, null without SMART data */
  worst_risk: number | null;
  disks_reporting: number;
  disk_count: number;
  /** disks that may fail without data loss, null when the recorded layout cannot exist */
  fault_tolerance_disks: number | null;
  evidence: string[];
  /** what there was to judge from ("no SMART data received", "SMART of 10 of 12 disks") */
  coverage: string;
  /** each reporting member's risk, highest first */
  disks: StorageDisk[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const named = (d: StorageDisk) => d.device || '(unnamed)';

/** SMART series name the array's member by the sender's `device` label, which ingest moved to `device_part`. */
export function memberDisks(latest: StorageFacts['latest']): StorageDisk[] {
  return serverDisks(latest.map((s) => ({ ...s, labels: { ...s.labels, device: s.labels.device_part ?? '' } })));
}

export function storageDiskRisk(f: StorageFacts): StorageDiskRisk {
  const disks = memberDisks(f.latest);
  const layout = raidLayout(f.raid_level, f.disk_count, f.raw_capacity_tb);
  const tolerance = layout.ok ? layout.layout.fault_tolerance_disks : null;
  const flagged = disks.filter((d) => d.at_risk);
  const moved = disks.filter((d) => !d.at_risk && d.evidence.length > 0);
  const evidence: string[] = [];
  for (const d of flagged) {
    evidence.push(`disk ${named(d)} at risk (${d.risk.toFixed(3)}): ${d.evidence[0]?.why ?? 'by the disk model'}`);
  }
  if (flagged.length && tolerance !== null) {
    evidence.push(
      flagged.length >= tolerance
        ? `RAID ${f.raid_level} tolerates ${plural(tolerance, 'failed disk')}: ${flagged.length === 1 ? 'the disk' : `the ${flagged.length} disks`} at risk failing would leave no redundancy`
        : `RAID ${f.raid_level} tolerates ${plural(tolerance, 'failed disk')}; ${plural(flagged.length, 'disk')} at risk`,
    );
  }
  for (const d of moved) {
    evidence.push(`disk ${named(d)} below the threshold (${d.risk.toFixed(3)}): ${d.evidence[0]!.why}`);
  }
  const level =
    flagged.length === 0
      ? moved.length
        ? 'low'
        : 'none'
      : tolerance !== null && flagged.length < tolerance
        ? 'medium'
        : 'high';
  const unknown = disks.filter((d) => d.unknown.length === 4).length;
  const coverage = disks.length
    ? `SMART of ${disks.length} of ${plural(f.disk_count, 'disk')}` +
      (unknown ? `; ${plural(unknown, 'reports', 'report')} none of the key error counters (5, 187, 197, 198)` : '')
    : 'no SMART data received';
  return {
    level,
    at_risk: flagged.length,
    worst_risk: disks.length ? disks[0]!.risk : null,
    disks_reporting: disks.length,
    disk_count: f.disk_count,
    fault_tolerance_disks: tolerance,
    evidence,
    coverage,
    disks,
  };
}
