import { eq, inArray, or, sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { runBatch, type Statement } from '../platform/db/client';
import { auditInsertedRow, auditUpdatedRow, toStatement } from '../platform/audit/trail';
import { conflict, unprocessable, type FieldError } from '../platform/http/problem';
import type { Row } from '../platform/http/resource';
import { deviceTypes } from './tables';
import { splitDocuments } from './documents';
import { parseLibraryDocuments, type NormalisedType } from './netbox';

const PREFIX = 'documents';
const NOW = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
const audit = { table: deviceTypes, entityType: 'device_type' };

const modelKey = (manufacturer: string, model: string) => `${manufacturer.toLowerCase()}\u0000${model.toLowerCase()}`;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Stored rows that share a manufacturer+model or a slug with any of `types` (D1: at most 100 bound values). */
async function existingRows(ctx: ServiceContext, types: NormalisedType[]): Promise<Row[]> {
  const rows = new Map<number, Row>();
  for (const part of chunks(types, 30)) {
    const found = await ctx.db
      .select()
      .from(deviceTypes)
      .where(
        or(
          inArray(
            deviceTypes.slug,
            part.map((t) => t.slug),
          ),
          ...part.map(
            (t) =>
              sql`(lower(${deviceTypes.manufacturer}) = lower(${t.manufacturer}) AND lower(${deviceTypes.model}) = lower(${t.model}))`,
          ),
        ),
      )
      .all();
    for (const r of found) rows.set(r.id, r as Row);
  }
  return [...rows.values()];
}

const COMPARED = Object.keys({
  manufacturer: 1,
  model: 1,
  slug: 1,
  part_number: 1,
  kind: 1,
  u_height: 1,
  is_full_depth: 1,
  airflow: 1,
  weight_kg: 1,
  max_draw_w: 1,
  allocated_draw_w: 1,
  interfaces: 1,
  power_ports: 1,
  power_outlets: 1,
  components: 1,
  comments: 1,
} satisfies Record<keyof NormalisedType, 1>) as (keyof NormalisedType)[];

/** The fields an import would change on a stored row (an empty object: it already matches). */
function changesTo(stored: Row, t: NormalisedType): Partial<NormalisedType> {
  const out: Record<string, unknown> = {};
  for (const k of COMPARED) if (JSON.stringify(stored[k] ?? null) !== JSON.stringify(t[k] ?? null)) out[k] = t[k];
  return out as Partial<NormalisedType>;
}

export interface ImportOutcome {
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  documents: {
    index: number;
    action: 'create' | 'update' | 'unchanged';
    id: number | null;
    manufacturer: string;
    model: string;
    slug: string;
    kind: string;
    u_height: number;
    max_draw_w: number | null;
    interfaces: number;
  }[];
}

/** Import documents already split out of the body (a JSON array), or the YAML text itself. */
export async function importDeviceTypes(
  ctx: ServiceContext,
  input: { text: string } | { documents: unknown[] },
  dryRun: boolean,
): Promise<ImportOutcome> {
  let documents: unknown[];
  if ('text' in input) {
    const split = splitDocuments(input.text, PREFIX);
    if (!split.ok) throw unprocessable(split.errors, `The import is not valid: ${summary(split.errors)}.`);
    documents = split.documents;
  } else documents = input.documents;
  const parsed = parseLibraryDocuments(documents, PREFIX);
  if (!parsed.ok) throw unprocessable(parsed.errors, `The import is not valid: ${summary(parsed.errors)}.`);
  const types = parsed.types;

  // an existing manufacturer+model is updated in place; a slug held by another type is a conflict
  const stored = await existingRows(ctx, types);
  const byModel = new Map(stored.map((r) => [modelKey(r.manufacturer, r.model), r]));
  const bySlug = new Map(stored.map((r) => [r.slug as string, r]));
  const conflicts: FieldError[] = [];
  const plan = types.map((t, index) => {
    const match = byModel.get(modelKey(t.manufacturer, t.model)) ?? null;
    const holder = bySlug.get(t.slug);
    if (holder && holder.id !== match?.id) {
      conflicts.push({
        field: `${PREFIX}[${index}].slug`,
        message: `is taken by device type ${holder.id} (${holder.manufacturer} ${holder.model})`,
      });
    }
    const changed = match ? changesTo(match, t) : null;
    const action = !match ? 'create' : Object.keys(changed!).length ? 'update' : 'unchanged';
    return { index, t, match, changed, action } as const;
  });
  if (conflicts.length) {
    throw conflict(`Slugs already taken: ${conflicts.map((c) => c.field).join(', ')}.`, conflicts);
  }

  const statements: Statement[] = [];
  if (!dryRun) {
    for (const p of plan) {
      if (p.action === 'create') {
        statements.push(
          ctx.db.insert(deviceTypes).values(p.t).returning({ id: deviceTypes.id }) as unknown as Statement,
        );
        statements.push(toStatement(ctx, auditInsertedRow(ctx, audit)));
      } else if (p.action === 'update') {
        statements.push(
          ctx.db
            .update(deviceTypes)
            .set({ ...p.changed, updated_at: NOW })
            .where(eq(deviceTypes.id, p.match!.id)) as unknown as Statement,
        );
        statements.push(toStatement(ctx, auditUpdatedRow(ctx, audit, p.match!.id, p.match)));
      }
    }
  }
  // one batch: every document is written, or (a constraint failing) none is
  const results = statements.length ? await runBatch(ctx.db, statements) : [];
  const newIds: number[] = [];
  results.forEach((r, i) => {
    if (i % 2 === 0 && Array.isArray(r) && (r as Row[])[0]?.id !== undefined) newIds.push(Number((r as Row[])[0]!.id));
  });

  let next = 0;
  const documentsOut = plan.map((p) => ({
    index: p.index,
    action: p.action,
    id: p.match ? Number(p.match.id) : dryRun ? null : (newIds[next++] ?? null),
    manufacturer: p.t.manufacturer,
    model: p.t.model,
    slug: p.t.slug,
    kind: p.t.kind,
    u_height: p.t.u_height,
    max_draw_w: p.t.max_draw_w,
    interfaces: p.t.interfaces.length,
  }));
  const count = (a: string) => plan.filter((p) => p.action === a).length;
  return {
    dry_run: dryRun,
    created: count('create'),
    updated: count('update'),
    unchanged: count('unchanged'),
    documents: documentsOut,
  };
}

function summary(errors: FieldError[]): string {
  const shown = errors.slice(0, 5).map((e) => `${e.field} ${e.message}`);
  return errors.length > 5 ? `${shown.join('; ')}; and ${errors.length - 5} more` : shown.join('; ');
}
