import type { Link, Row, TableWrites } from './plan';
import type { Snapshot } from './snapshot';

// A plan as SQL: multi-row INSERTs for new rows (ids handed out beforehand, so children can name their parents
// in the same batch) and multi-row UPDATE … FROM (VALUES …) for changed ones, every statement under D1's 100
// bound parameters. The caller runs them all in ONE db.batch: one transaction, so a failure writes nothing.

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

const MAX_PARAMS = 100;
/** parents before children: racks name datacenters, devices racks and types, ports devices, cables ports */
export const WRITE_ORDER = [
  'datacenters',
  'racks',
  'power_feeds',
  'device_types',
  'servers',
  'network_devices',
  'pdus',
  'storage_systems',
  'network_ports',
  'network_cables',
  'vms',
];
const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

const bindable = (x: unknown) => (typeof x === 'boolean' ? (x ? 1 : 0) : x === undefined ? null : x);

/** Rows grouped by their column set (a mapper may leave out a field it does not know), each group in chunks. */
function groups(rows: Row[]): { cols: string[]; chunk: Row[] }[] {
  const bySig = new Map<string, Row[]>();
  for (const r of rows) {
    const sig = Object.keys(r).sort().join(',');
    const l = bySig.get(sig) ?? [];
    l.push(r);
    bySig.set(sig, l);
  }
  const out: { cols: string[]; chunk: Row[] }[] = [];
  for (const [sig, list] of bySig) {
    const cols = sig.split(',');
    const per = Math.max(1, Math.floor(MAX_PARAMS / cols.length));
    for (let i = 0; i < list.length; i += per) out.push({ cols, chunk: list.slice(i, i + per) });
  }
  return out;
}

const placeholders = (n: number) => `(${Array.from({ length: n }, () => '?').join(', ')})`;

export function insertStatements(table: string, rows: Row[]): SqlStatement[] {
  return groups(rows).map(({ cols, chunk }) => ({
    sql: `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${chunk.map(() => placeholders(cols.length)).join(', ')}`,
    params: chunk.flatMap((r) => cols.map((c) => bindable(r[c]))),
  }));
}

/** `UPDATE t SET a = v.column2, … FROM (VALUES (id, a, …), …) v WHERE t.id = v.column1`: many rows at once. */
export function updateStatements(table: string, rows: Row[]): SqlStatement[] {
  return groups(rows).map(({ cols, chunk }) => {
    const order = ['id', ...cols.filter((c) => c !== 'id')];
    const sets = order.slice(1).map((c, i) => `${c} = v.column${i + 2}`);
    return {
      sql: `UPDATE ${table} SET ${[...sets, `updated_at = ${NOW}`].join(', ')} FROM (VALUES ${chunk
        .map(() => placeholders(order.length))
        .join(', ')}) AS v WHERE ${table}.id = v.column1`,
      params: chunk.flatMap((r) => order.map((c) => bindable(r[c]))),
    };
  });
}

/** Links of this import (NetBox id → ours), new or moved ones only. */
export function linkStatements(links: Link[], known: Snapshot['links']): SqlStatement[] {
  const fresh = links.filter((l) => {
    const k = known.get(`${l.object_type}|${l.external_id}`);
    return !k || k.kind !== l.local_kind || k.id !== l.local_id || (k.detail ?? null) !== l.detail;
  });
  const rows = fresh.map((l) => ({ source: 'netbox', ...l }));
  return insertStatements('import_links', rows).map((s) => ({
    sql: `${s.sql} ON CONFLICT (source, object_type, external_id) DO UPDATE SET local_kind = excluded.local_kind, local_id = excluded.local_id, detail = excluded.detail, updated_at = ${NOW}`,
    params: s.params,
  }));
}

/** Every write of a plan, parents first. */
export function planStatements(
  writes: Map<string, TableWrites>,
  links: Link[],
  known: Snapshot['links'],
): SqlStatement[] {
  const out: SqlStatement[] = [];
  for (const table of WRITE_ORDER) {
    const w = writes.get(table);
    if (!w) continue;
    out.push(...insertStatements(table, w.creates), ...updateStatements(table, w.updates));
  }
  out.push(...linkStatements(links, known));
  return out;
}
