import { env } from 'cloudflare:workers';

/** Row count of a table, read straight from D1 (not through the API under test). */
export async function countRows(
  table: 'users' | 'datacenters' | 'racks' | 'servers' | 'vms' | 'audit_log' | 'audit_checkpoints',
  where = '',
) {
  const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} ${where ? `WHERE ${where}` : ''}`).first<{
    n: number;
  }>();
  return row?.n ?? 0;
}

export interface AuditRow {
  id: number;
  ts: string;
  actor_id: number | null;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  entity_name: string | null;
  before: any;
  after: any;
  request_id: string | null;
  client_ip: string | null;
}

/** Audit entries straight from D1, oldest first, with before/after decoded. */
export async function auditRows(where = '', ...binds: unknown[]): Promise<AuditRow[]> {
  const { results } = await env.DB.prepare(`SELECT * FROM audit_log ${where ? `WHERE ${where}` : ''} ORDER BY id`)
    .bind(...binds)
    .all<Record<string, any>>();
  return results.map((r) => ({
    ...(r as AuditRow),
    before: r.before == null ? null : JSON.parse(r.before),
    after: r.after == null ? null : JSON.parse(r.after),
  }));
}
