import { env } from 'cloudflare:workers';

/**
 * Tables a refused write must leave exactly as they were. Not here, on purpose: single-use challenges and MFA
 * tickets (a failed attempt uses them up by design) and the telemetry rollups (written by rack objects' alarms on
 * their own schedule).
 */
const TABLES = [
  'users',
  'datacenters',
  'racks',
  'servers',
  'api_tokens',
  'sessions',
  'refresh_tokens',
  'passkeys',
  'totp_factors',
  'recovery_codes',
  'mfa_policy',
  'audit_checkpoints',
  'ingest_unmatched',
] as const;

/** Columns that change on every authenticated request (sliding sessions, "last used"), not by a write. */
const VOLATILE = new Set(['last_used_at', 'expires_at']);

/**
 * Refusals are audited on purpose (permission_denied, failed sign-ins and codes): those entries are the product
 * working. The chain columns (prev_hash, hash) are filled later by the AuditChain object, so only count and newest
 * id of the other entries are compared.
 */
const SECURITY_EVENTS = [
  'permission_denied',
  'login_failed',
  'login_throttled',
  'mfa_failed',
  'password_change_failed',
  'refresh_reuse_detected',
  'passkey_counter_regression',
];

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Row counts and a hash of every row of the state tables, plus the audit trail's non-security entries. */
export async function fingerprint(): Promise<Record<string, string>> {
  const marks = SECURITY_EVENTS.map(() => '?').join(',');
  const results = await env.DB.batch([
    ...TABLES.map((t) => env.DB.prepare(`SELECT * FROM ${t} ORDER BY rowid`)),
    env.DB.prepare(`SELECT count(*) AS n, max(id) AS last FROM audit_log WHERE action NOT IN (${marks})`).bind(
      ...SECURITY_EVENTS,
    ),
  ]);
  const out: Record<string, string> = {};
  for (const [i, t] of TABLES.entries()) {
    const rows = (results[i].results as Record<string, unknown>[]).map((r) =>
      Object.entries(r).filter(([k]) => !VOLATILE.has(k)),
    );
    out[t] = `${rows.length} rows, ${(await sha256(JSON.stringify(rows))).slice(0, 16)}`;
  }
  const audit = results[TABLES.length].results[0] as { n: number; last: number | null };
  out.audit_log = `${audit.n} entries up to id ${audit.last}`;
  return out;
}

/** The tables whose fingerprint differs, with before -> after. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(after)
    .filter((t) => before[t] !== after[t])
    .map((t) => `${t}: ${before[t]} -> ${after[t]}`);
}
