// What the site agent reported for a host action, as the run page shows it.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
export function fmtBytes(n: unknown): string {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '—';
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${UNITS[i]}`;
}

export interface CleanupReport {
  bytes_freed?: number;
  journal?: { bytes_freed: number; ok: boolean };
  temp?: { dir: string; files: number; bytes_freed: number }[];
  images?: { deleted: number; bytes_freed: number };
  dry_run?: boolean;
}
export interface RestartReport {
  unit?: string;
  state?: string;
  dry_run?: boolean;
}
