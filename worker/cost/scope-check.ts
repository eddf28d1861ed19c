import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { ServiceContext } from '../platform/context';
import type { Change } from '../platform/http/resource';
import { unprocessable, conflict, type FieldError } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { datacenters, racks, servers } from '../dcim/tables';
import { vms } from '../virtualization/tables';
import { rackEntity, serverEntity } from '../dcim/access';
import { vmEntity } from '../virtualization/access';
import { costTariffs } from './tables';

const TARGETS: Record<
  string,
  { table: SQLiteTable & { id: any }; label: string; scope?: (ctx: ServiceContext) => any }
> = {
  datacenter: { table: datacenters, label: 'Datacenter' },
  rack: { table: racks, label: 'Rack', scope: (ctx) => visibleWhere(ctx, rackEntity) },
  server: { table: servers, label: 'Server', scope: (ctx) => visibleWhere(ctx, serverEntity) },
  vm: { table: vms, label: 'VM', scope: (ctx) => visibleWhere(ctx, vmEntity) },
};

/** Field errors from `rules` for each change, then: the scope's target exists and the caller may see it. */
export async function checkScoped(
  ctx: ServiceContext,
  changes: Change[],
  rules: (row: Record<string, any>) => FieldError[],
) {
  const errors = changes.flatMap((c) => rules(c.after).map((e) => ({ ...e, field: c.prefix + e.field })));
  for (const c of changes) {
    const target = TARGETS[c.after.scope_type];
    if (!target || c.after.scope_id == null || errors.some((e) => e.field === `${c.prefix}scope_id`)) continue;
    const found = await ctx.db
      .select({ id: target.table.id })
      .from(target.table)
      .where(and(inArray(target.table.id, [Number(c.after.scope_id)]), target.scope?.(ctx)))
      .get();
    if (!found)
      errors.push({ field: `${c.prefix}scope_id`, message: `${target.label} ${c.after.scope_id} does not exist` });
  }
  if (errors.length) throw unprocessable(errors);
}

/** One tariff per datacenter, and one default (no datacenter). */
export async function checkOnePerSite(ctx: ServiceContext, changes: Change[]) {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const c of changes) {
    const dc = c.after.datacenter_id == null ? null : Number(c.after.datacenter_id);
    const where = dc === null ? 'as the default' : `for datacenter ${dc}`;
    if (seen.has(String(dc))) {
      errors.push({
        field: `${c.prefix}datacenter_id`,
        message: `another item of this request is the tariff ${where}`,
      });
      continue;
    }
    seen.add(String(dc));
    if (c.before && (c.before.datacenter_id ?? null) === dc) continue;
    const taken = await ctx.db
      .select({ id: costTariffs.id, name: costTariffs.name })
      .from(costTariffs)
      .where(
        and(
          dc === null ? sql`${costTariffs.datacenter_id} IS NULL` : eq(costTariffs.datacenter_id, dc),
          c.before ? ne(costTariffs.id, Number(c.before.id)) : undefined,
        ),
      )
      .get();
    if (taken)
      errors.push({
        field: `${c.prefix}datacenter_id`,
        message: `tariff ${taken.id} "${taken.name}" is already the one ${where}`,
      });
  }
  if (errors.length) throw conflict(`One tariff per datacenter: ${errors.map((e) => e.message).join('; ')}.`, errors);
}
