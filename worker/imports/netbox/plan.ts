import * as v from 'valibot';
import type { NbId } from './types';

// What an import will do, built up by the mappers: rows to create or update per table, links to keep, and the
// report. Pure: the writer (apply.ts) turns a plan into SQL, a dry run just answers its report.

export type Row = Record<string, unknown> & { id?: number };

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
}
export interface Unmapped {
  type: string;
  reason: string;
  count: number;
  /** a few names, to find them in NetBox */
  examples: string[];
}
export interface Issue {
  type: string;
  netbox_id: number;
  name: string | null;
  reason: string;
}
export interface ImportReport {
  /** per kind of ours (datacenters, racks, servers, …) */
  summary: Record<string, Counts>;
  unmapped: Unmapped[];
  /** objects skipped one by one (U conflicts, failed validation), the first MAX_ISSUES */
  issues: Issue[];
  issues_total: number;
  warnings: { message: string; count: number }[];
  /** NetBox objects read, by endpoint */
  read: Record<string, number>;
}
export interface Link {
  object_type: string;
  external_id: string;
  local_kind: string;
  local_id: number;
  /** JSON text, or null */
  detail: string | null;
}
export interface TableWrites {
  creates: Row[];
  updates: Row[];
}

const MAX_ISSUES = 500;
const MAX_EXAMPLES = 5;

export class PlanBuilder {
  readonly writes = new Map<string, TableWrites>();
  readonly links: Link[] = [];
  readonly report: ImportReport = {
    summary: {},
    unmapped: [],
    issues: [],
    issues_total: 0,
    warnings: [],
    read: {},
  };
  private readonly unmappedIdx = new Map<string, Unmapped>();
  private readonly warnIdx = new Map<string, { message: string; count: number }>();

  constructor(private readonly nextId: Record<string, number>) {}

  counts(kind: string): Counts {
    return (this.report.summary[kind] ??= { created: 0, updated: 0, unchanged: 0, skipped: 0 });
  }

  /** NetBox objects with no counterpart here, counted by type and reason. */
  unmapped(type: string, reason: string, name?: string | null, n = 1) {
    const key = `${type}\u0000${reason}`;
    let u = this.unmappedIdx.get(key);
    if (!u) {
      u = { type, reason, count: 0, examples: [] };
      this.unmappedIdx.set(key, u);
      this.report.unmapped.push(u);
    }
    u.count += n;
    if (name && u.examples.length < MAX_EXAMPLES) u.examples.push(name);
  }

  /** An object that would map but cannot be written: counted as skipped for `kind` and listed one by one. */
  skip(kind: string, type: string, id: NbId, name: string | null, reason: string) {
    this.counts(kind).skipped++;
    this.unmapped(type, reason.replace(/ \(.*\)$/, ''), name);
    this.report.issues_total++;
    if (this.report.issues.length < MAX_ISSUES) this.report.issues.push({ type, netbox_id: id, name, reason });
  }

  warn(message: string, n = 1) {
    let w = this.warnIdx.get(message);
    if (!w) {
      w = { message, count: 0 };
      this.warnIdx.set(message, w);
      this.report.warnings.push(w);
    }
    w.count += n;
  }

  /** Validate a row with the resource's own schema; on failure skip the object, naming each bad field. */
  valid(schema: v.GenericSchema, row: Row, kind: string, type: string, id: NbId, name: string | null): boolean {
    const r = v.safeParse(schema, row, { abortPipeEarly: true });
    if (r.success) return true;
    const why = r.issues.map((i) => `${i.path?.map((p) => String(p.key)).join('.') ?? '(row)'} ${i.message}`);
    this.skip(kind, type, id, name, `invalid: ${why.join('; ')}`);
    return false;
  }

  /**
   * Create `row`, or update `existing` with it when a field differs: returns the local id either way. Only the
   * fields the import maps are compared and written; the rest of an existing row is left as it is.
   */
  put(table: string, kind: string, existing: Row | undefined, row: Row): number {
    const w = this.writes.get(table) ?? { creates: [], updates: [] };
    this.writes.set(table, w);
    const c = this.counts(kind);
    if (existing?.id !== undefined) {
      const changed = Object.keys(row).some((k) => !same(row[k], existing[k]));
      if (changed) {
        w.updates.push({ ...row, id: existing.id });
        c.updated++;
      } else c.unchanged++;
      return existing.id;
    }
    const id = (this.nextId[table] = (this.nextId[table] ?? 1) + 1) - 1;
    w.creates.push({ ...row, id });
    c.created++;
    return id;
  }

  link(objectType: string, externalId: NbId, kind: string, localId: number, detail?: Record<string, unknown>) {
    this.links.push({
      object_type: objectType,
      external_id: String(externalId),
      local_kind: kind,
      local_id: localId,
      detail: detail ? JSON.stringify(detail) : null,
    });
  }
}

/** Stored values come back from D1 as 0/1 for booleans and JSON text for JSON columns. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null && b == null) return true;
  if (typeof a === 'boolean') return (a ? 1 : 0) === b || a === b;
  if (typeof a === 'object' && a !== null) return JSON.stringify(a) === (typeof b === 'string' ? b : JSON.stringify(b));
  return false;
}
