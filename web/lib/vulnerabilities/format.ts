// Display helpers of the vulnerabilities page: pure, no Svelte.
import type { Tone } from '../format';
import type { FieldProblem } from '../api';

export const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'unknown', 'none'] as const;

const SEVERITY_TONES: Record<string, Tone> = {
  critical: 'danger',
  high: 'danger',
  medium: 'warning',
  low: 'info',
  unknown: 'neutral',
  none: 'neutral',
};
export const severityTone = (s: string | null | undefined): Tone => SEVERITY_TONES[s ?? ''] ?? 'neutral';

const STATUS_TONES: Record<string, Tone> = { open: 'danger', accepted: 'warning', fixed: 'success' };
export const findingStatusTone = (s: string): Tone => STATUS_TONES[s] ?? 'neutral';

export const ASSET_KIND_LABELS: Record<string, string> = {
  server: 'Server',
  vm: 'Virtual machine',
  network_device: 'Network device',
  storage_system: 'Storage system',
  rack: 'Rack',
  pdu: 'PDU',
};
export const assetKindLabel = (k: string) => ASSET_KIND_LABELS[k] ?? k;

/** Where the UI shows an asset; the API's `link` already says it, this is the fallback for older rows. */
export function assetHref(kind: string, id: number, link?: string | null): string {
  if (link) return link;
  const base: Record<string, string> = {
    server: '/servers',
    vm: '/vms',
    network_device: '/network',
    storage_system: '/storage',
    rack: '/racks',
    pdu: '/power/pdus',
  };
  return `${base[kind] ?? `/${kind}`}/${id}`;
}

/** Counts of open findings per severity in the page's order, zeros included. */
export function severityCounts(bySeverity: Record<string, number> | undefined) {
  return SEVERITY_ORDER.map((s) => ({ severity: s, count: bySeverity?.[s] ?? 0 }));
}

/** A risk score as a share of the highest one on screen (bars), 0-100. */
export const riskPct = (score: number, max: number) => (max > 0 ? Math.round((score / max) * 1000) / 10 : 0);

/**
 * "vulnerabilities[1].dueDate: must be a date YYYY-MM-DD": the problem's errors as lines, the path kept as the API
 * wrote it (it names the bad field of the uploaded document).
 */
export const problemLines = (errors: FieldProblem[] | undefined) =>
  (errors ?? []).map((e) => ({ field: e.field, message: e.message }));

const CONFIG_RULE_HINTS: Record<string, string> = {
  mgmt_public_zone: 'Move the management interface to a rack in a non-public zone or onto an out-of-band network.',
  mgmt_public_ip: 'Give the management interface a private address behind the management network.',
  out_of_support: 'Renew the warranty or support contract, or plan the replacement.',
  support_ending: 'Renew the warranty or support contract before it ends.',
  power_not_redundant: 'Connect PDUs to feeds on both sides (A and B).',
  default_credentials: 'Change the credentials of the flagged service now.',
};
export const configHint = (rule: string) => CONFIG_RULE_HINTS[rule] ?? '';

const COMPONENTS: Record<string, string> = { os: 'OS', firmware: 'Firmware', bios: 'BIOS' };
export const componentLabel = (c: string) => COMPONENTS[c] ?? c;
