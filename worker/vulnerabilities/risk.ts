import type { Severity } from './cvss';

/**
 * Risk score of a device: the sum over its open findings of a severity weight (critical 10, high 5, medium 2,
 * low 1, unknown 1, none 0), doubled when the vulnerability is known exploited (CISA KEV), and ×1.5 more when its
 * KEV due date has passed. Accepted and fixed findings count nothing. A rack's score is the sum of its devices'
 * (a VM counts in its host's rack), a datacenter's the sum of its racks'. Rounded to one decimal.
 */
export const SEVERITY_WEIGHT: Record<Severity, number> = {
  critical: 10,
  high: 5,
  medium: 2,
  low: 1,
  unknown: 1,
  none: 0,
};

export interface RiskFinding {
  severity: string;
  status: string;
  known_exploited: boolean;
  due_date: string | null;
  rack_id: number | null;
  datacenter_id: number | null;
}

/** Past due: a due date strictly before `today` (YYYY-MM-DD). */
export const isOverdue = (f: Pick<RiskFinding, 'due_date' | 'status'>, today: string) =>
  f.status === 'open' && !!f.due_date && f.due_date < today;

export function findingRisk(f: RiskFinding, today: string): number {
  if (f.status !== 'open') return 0;
  let w = SEVERITY_WEIGHT[f.severity as Severity] ?? 1;
  if (f.known_exploited) w *= 2;
  if (f.known_exploited && isOverdue(f, today)) w *= 1.5;
  return w;
}

export interface RiskBucket {
  score: number;
  open: number;
  by_severity: Record<string, number>;
  known_exploited: number;
  overdue_kev: number;
}

const emptyBucket = (): RiskBucket => ({ score: 0, open: 0, by_severity: {}, known_exploited: 0, overdue_kev: 0 });
const round1 = (x: number) => Math.round(x * 10) / 10;

function add(b: RiskBucket, f: RiskFinding, today: string) {
  if (f.status !== 'open') return;
  b.score += findingRisk(f, today);
  b.open += 1;
  b.by_severity[f.severity] = (b.by_severity[f.severity] ?? 0) + 1;
  if (f.known_exploited) b.known_exploited += 1;
  if (f.known_exploited && isOverdue(f, today)) b.overdue_kev += 1;
}

/** Per rack and per datacenter, from the open findings with their asset's rack and datacenter. */
export function aggregateRisk(findings: RiskFinding[], today: string) {
  const racks = new Map<number, RiskBucket>();
  const dcs = new Map<number, RiskBucket>();
  const total = emptyBucket();
  for (const f of findings) {
    add(total, f, today);
    if (f.rack_id !== null) {
      if (!racks.has(f.rack_id)) racks.set(f.rack_id, emptyBucket());
      add(racks.get(f.rack_id)!, f, today);
    }
    if (f.datacenter_id !== null) {
      if (!dcs.has(f.datacenter_id)) dcs.set(f.datacenter_id, emptyBucket());
      add(dcs.get(f.datacenter_id)!, f, today);
    }
  }
  for (const b of [total, ...racks.values(), ...dcs.values()]) b.score = round1(b.score);
  return { total, racks, datacenters: dcs };
}
