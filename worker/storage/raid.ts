import type { FieldError } from '../platform/http/problem';
import { RAID_LEVELS, type RaidLevel } from './schemas/storage-system';

// Pure: the API computes usable capacity with it, and the UI explains the layout with the same words.

export interface RaidLayout {
  usable_tb: number;
  /** disks that may fail, whichever they are, without losing data */
  fault_tolerance_disks: number;
  /** one line for people: "RAID 6 over 12 disks: any 2 disks may fail" */
  explanation: string;
}

interface LevelRule {
  minDisks: number;
  /** share of the raw capacity left for data, over n disks */
  usableShare: (n: number) => number;
  tolerance: (n: number) => number;
  evenDisks?: boolean;
  explain: (n: number) => string;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

const RULES: Record<RaidLevel, LevelRule> = {
  '0': { minDisks: 2, usableShare: () => 1, tolerance: () => 0, explain: () => 'striped, no disk may fail' },
  // an n-way mirror: every disk holds the whole data set
  '1': {
    minDisks: 2,
    usableShare: (n) => 1 / n,
    tolerance: (n) => n - 1,
    explain: (n) => `${n}-way mirror: any ${plural(n - 1, 'disk')} may fail`,
  },
  '5': {
    minDisks: 3,
    usableShare: (n) => (n - 1) / n,
    tolerance: () => 1,
    explain: () => 'single parity: any 1 disk may fail',
  },
  '6': {
    minDisks: 4,
    usableShare: (n) => (n - 2) / n,
    tolerance: () => 2,
    explain: () => 'double parity: any 2 disks may fail',
  },
  // striped mirror pairs: one disk of every pair may fail, but two of the same pair lose data
  '10': {
    minDisks: 4,
    evenDisks: true,
    usableShare: () => 1 / 2,
    tolerance: () => 1,
    explain: (n) => `${n / 2} mirror pairs: any 1 disk may fail, up to 1 per pair (${n / 2} at best)`,
  },
};

/** Capacities are kept to the GB (3 decimals of a TB); float noise (0.30000000000000004) never reaches the API. */
const roundTb = (tb: number) => Math.round(tb * 1000) / 1000;

/**
 * Usable capacity and fault tolerance of a RAID layout, or field errors when the layout cannot exist (RAID 6
 * over 3 disks). `raw_tb` is the sum of all disks' capacities.
 */
export function raidLayout(
  level: string,
  disks: number,
  raw_tb: number,
): { ok: true; layout: RaidLayout } | { ok: false; errors: FieldError[] } {
  const rule = (RULES as Record<string, LevelRule | undefined>)[level];
  if (!rule) {
    return { ok: false, errors: [{ field: 'raid_level', message: `must be one of: ${RAID_LEVELS.join(', ')}` }] };
  }
  if (!Number.isInteger(disks) || disks < rule.minDisks) {
    return {
      ok: false,
      errors: [{ field: 'disk_count', message: `RAID ${level} needs at least ${rule.minDisks} disks; ${disks} given` }],
    };
  }
  if (rule.evenDisks && disks % 2 !== 0) {
    return {
      ok: false,
      errors: [
        { field: 'disk_count', message: `RAID ${level} needs an even number of disks (mirror pairs); ${disks} given` },
      ],
    };
  }
  return {
    ok: true,
    layout: {
      usable_tb: roundTb(raw_tb * rule.usableShare(disks)),
      fault_tolerance_disks: rule.tolerance(disks),
      explanation: `RAID ${level} over ${plural(disks, 'disk')}: ${rule.explain(disks)}`,
    },
  };
}
