// Display formatting: numbers, units, money, dates. Every page formats through these so figures read alike.

const nf0 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const nf1 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const pad = (n: number) => String(n).padStart(2, '0');
// Dates read as they are typed (forms take YYYY-MM-DD, see DateInput.svelte): one order, whatever the locale.
const localDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localTime = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
/** a calendar date as the API stores it */
export const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export const DASH = '—';
const none = (v: unknown) => v === null || v === undefined || v === '' || (typeof v === 'number' && !isFinite(v));

export const fmtInt = (n: number | null | undefined) => (none(n) ? DASH : nf0.format(n!));
export const fmtNum = (n: number | null | undefined, digits = 1) =>
  none(n) ? DASH : (digits === 2 ? nf2 : digits === 0 ? nf0 : nf1).format(n!);
export const fmtPct = (n: number | null | undefined) => (none(n) ? DASH : `${nf1.format(n!)}%`);
export const fmtKw = (kw: number | null | undefined) => (none(kw) ? DASH : `${nf1.format(kw!)} kW`);
export const fmtW = (w: number | null | undefined) =>
  none(w) ? DASH : w! >= 1000 ? `${nf2.format(w! / 1000)} kW` : `${nf0.format(w!)} W`;
export const fmtMw = (mw: number | null | undefined) => (none(mw) ? DASH : `${nf2.format(mw!)} MW`);
export const fmtU = (u: number | null | undefined) => (none(u) ? DASH : `${nf0.format(u!)}U`);
export const fmtSqm = (n: number | null | undefined) => (none(n) ? DASH : `${nf0.format(n!)} m²`);
export const fmtGb = (n: number | null | undefined) =>
  none(n) ? DASH : n! >= 1024 && n! % 1024 === 0 ? `${nf0.format(n! / 1024)} TB` : `${nf0.format(n!)} GB`;
export const fmtTb = (n: number | null | undefined) => (none(n) ? DASH : `${nf2.format(n!)} TB`);
export const fmtMoney = (n: number | null | undefined) => (none(n) ? DASH : usd.format(n!));
export const fmtText = (s: string | null | undefined) => (none(s) ? DASH : s!);

/**
 * "2026-05-25": a calendar date is shown as stored (never shifted through the local zone); a timestamp as the
 * local day it fell on.
 */
export function fmtDate(s: string | null | undefined): string {
  if (none(s)) return DASH;
  if (ISO_DAY.test(s!)) return s!;
  const d = new Date(s!);
  return isNaN(d.getTime()) ? s! : localDay(d);
}

/** "2026-05-25 14:03:09", local time */
export function fmtDateTime(s: string | null | undefined): string {
  if (none(s)) return DASH;
  const d = new Date(s!);
  return isNaN(d.getTime()) ? s! : `${localDay(d)} ${localTime(d)}`;
}

export function fmtRelative(s: string | null | undefined, now = Date.now()): string {
  if (none(s)) return DASH;
  const t = new Date(s!).getTime();
  if (isNaN(t)) return s!;
  const sec = Math.round((now - t) / 1000);
  const abs = Math.abs(sec);
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  if (abs < 45) return 'just now';
  if (abs < 3600) return rtf.format(-Math.round(sec / 60), 'minute');
  if (abs < 86400) return rtf.format(-Math.round(sec / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(-Math.round(sec / 86400), 'day');
  return fmtDate(s);
}

/** "active" → "Active", "login_failed" → "Login failed", "api_token" → "API token" */
export const humanize = (s: string | null | undefined) =>
  none(s) ? DASH : (s!.charAt(0).toUpperCase() + s!.slice(1).replace(/_/g, ' ')).replace(/\bApi\b/, 'API');

export type Tone = 'success' | 'warning' | 'danger' | 'info' | 'neutral' | 'accent';

const TONES: Record<string, Tone> = {
  active: 'success',
  // VMs and their operations
  running: 'success',
  stopped: 'neutral',
  suspended: 'warning',
  migrating: 'info',
  provisioning: 'info',
  error: 'danger',
  // snapshots
  creating: 'info',
  reverting: 'info',
  deleting: 'warning',
  ready: 'success',
  queued: 'info',
  succeeded: 'success',
  failed: 'danger',
  cancelled: 'neutral',
  // placement plans and their moves
  proposed: 'info',
  executing: 'warning',
  completed: 'success',
  rejected: 'neutral',
  pending: 'neutral',
  done: 'success',
  // remediation runs
  would_run: 'accent',
  skipped: 'neutral',
  awaiting_approval: 'warning',
  verifying: 'info',
  healthy: 'success',
  planned: 'info',
  maintenance: 'warning',
  warning: 'warning',
  offline: 'danger',
  critical: 'danger',
  decommissioned: 'neutral',
  unknown: 'neutral',
  disabled: 'neutral',
  create: 'success',
  update: 'info',
  delete: 'danger',
  login: 'accent',
  login_failed: 'warning',
  login_throttled: 'danger',
  session_revoked: 'neutral',
  api_token_revoked: 'neutral',
  refresh_reuse_detected: 'danger',
  revoked: 'neutral',
  expired: 'neutral',
  idle: 'warning',
  bootstrap_admin: 'accent',
  admin: 'accent',
  operator: 'info',
  viewer: 'neutral',
  auditor: 'warning',
  Public: 'neutral',
  Internal: 'info',
  Confidential: 'warning',
  'Top Secret': 'danger',
  info: 'info',
  firing: 'danger',
  acknowledged: 'warning',
  resolved: 'success',
};
export const toneOf = (value: string | null | undefined): Tone => TONES[value ?? ''] ?? 'neutral';

/** Utilisation tone: green below 70%, amber to 90%, red above. */
export const utilTone = (pct: number): Tone => (pct >= 90 ? 'danger' : pct >= 70 ? 'warning' : 'success');

export type WarrantyState = { label: string; tone: Tone; days: number | null };
export function warrantyState(expires: string | null | undefined, today = new Date()): WarrantyState {
  if (!expires) return { label: 'No warranty data', tone: 'neutral', days: null };
  const end = new Date(`${expires}T00:00:00Z`).getTime();
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const days = Math.round((end - start) / 86_400_000);
  if (days < 0) return { label: 'Expired', tone: 'danger', days };
  if (days <= 90) return { label: `Expires in ${days} day${days === 1 ? '' : 's'}`, tone: 'warning', days };
  return { label: 'In warranty', tone: 'success', days };
}

/** YYYY-MM-DD of today (UTC) plus `days`. */
export function isoDay(days = 0, from = new Date()): string {
  return new Date(from.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

// ---- telemetry ----
export const fmtTemp = (c: number | null | undefined) => (none(c) ? DASH : `${nf1.format(c!)} °C`);
export const fmtRpm = (n: number | null | undefined) => (none(n) ? DASH : `${nf0.format(n!)} rpm`);
/** bits per second: "840 kb/s", "1.2 Gb/s" */
export function fmtBps(n: number | null | undefined): string {
  if (none(n)) return DASH;
  const v = Math.abs(n!);
  if (v >= 1e9) return `${nf2.format(n! / 1e9)} Gb/s`;
  if (v >= 1e6) return `${nf1.format(n! / 1e6)} Mb/s`;
  if (v >= 1e3) return `${nf0.format(n! / 1e3)} kb/s`;
  return `${nf0.format(n!)} b/s`;
}
/** events per second: "12.4/s" */
export const fmtRate = (n: number | null | undefined) =>
  none(n) ? DASH : `${n! >= 100 ? nf0.format(n!) : nf1.format(n!)}/s`;
/** how long ago a Unix-ms instant was, compactly: "4 s ago", "3 min ago", "2 h ago" */
export function fmtAgo(ms: number | null | undefined, now = Date.now()): string {
  if (none(ms)) return DASH;
  const s = Math.max(0, Math.round((now - ms!) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return fmtDateTime(new Date(ms!).toISOString());
}
/** "14:05:32" (local), for chart tooltips and live timestamps */
export const fmtClock = (ms: number | Date) => {
  const d = ms instanceof Date ? ms : new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};
