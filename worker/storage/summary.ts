import { STORAGE_TYPES } from './schemas/storage-system';

export interface SummaryInput {
  storage_type: string;
  raw_capacity_tb: number;
  usable_capacity_tb: number;
  used_tb: number;
  encryption: boolean | number;
  replication_mode: string;
}

export interface Totals {
  count: number;
  raw_tb: number;
  usable_tb: number;
  used_tb: number;
  free_tb: number;
  utilization_pct: number;
  encrypted: number;
  replicated: number;
}

const r3 = (n: number) => Math.round(n * 1000) / 1000;

function totalsOf(rows: SummaryInput[]): Totals {
  const raw = rows.reduce((s, r) => s + Number(r.raw_capacity_tb), 0);
  const usable = rows.reduce((s, r) => s + Number(r.usable_capacity_tb), 0);
  const used = rows.reduce((s, r) => s + Number(r.used_tb), 0);
  return {
    count: rows.length,
    raw_tb: r3(raw),
    usable_tb: r3(usable),
    used_tb: r3(used),
    free_tb: r3(usable - used),
    // of usable capacity: raw includes parity and mirrors nobody can fill
    utilization_pct: usable > 0 ? Math.round((used / usable) * 1000) / 10 : 0,
    encrypted: rows.filter((r) => !!r.encryption).length,
    replicated: rows.filter((r) => r.replication_mode !== 'none').length,
  };
}

/** Capacity and protection over all systems and per storage type (every type listed, zeros included). */
export function summarize(rows: SummaryInput[]) {
  return {
    overall: totalsOf(rows),
    by_type: STORAGE_TYPES.map((t) => ({ storage_type: t, ...totalsOf(rows.filter((r) => r.storage_type === t)) })),
  };
}
