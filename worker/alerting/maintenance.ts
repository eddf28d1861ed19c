import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import type { ResourceDef, Row } from '../platform/http/resource';
import { unprocessable } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { datacenters, racks, servers } from '../dcim/tables';
import { rackEntity, serverEntity } from '../dcim/access';
import { maintenanceEntity } from './access';
import { maintenanceWindows } from './tables';
import {
  APPROVALS,
  Maintenance,
  MaintenanceCreate,
  MaintenanceUpdate,
  TARGET_TYPES,
  WINDOW_STATES,
} from './schemas/maintenance';

const NOW = sql.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`);
const M = 'maintenance_windows';

/** The alerts a window covers, as SQL over `a` (an alerts row) and the window row. */
export const COVERS = `((${M}.target_type = 'server' AND a.server_id = ${M}.target_id)
  OR (${M}.target_type = 'rack' AND a.rack_id = ${M}.target_id)
  OR (${M}.target_type = 'datacenter' AND a.datacenter_id = ${M}.target_id))`;

const stateSql: Record<(typeof WINDOW_STATES)[number], SQL> = {
  scheduled: sql`${maintenanceWindows.starts_at} > ${NOW}`,
  active: sql`${maintenanceWindows.starts_at} <= ${NOW} AND ${maintenanceWindows.ends_at} > ${NOW}`,
  ended: sql`${maintenanceWindows.ends_at} <= ${NOW}`,
};

/** Where the target is (its rack and datacenter), if the caller may see it; a 422 naming target_id otherwise. */
async function locate(ctx: ServiceContext, type: string, id: number, prefix: string) {
  let found: { rack_id: number | null; datacenter_id: number | null } | undefined;
  if (type === 'server') {
    found = await ctx.db
      .select({ rack_id: servers.rack_id, datacenter_id: racks.datacenter_id })
      .from(servers)
      .innerJoin(racks, eq(racks.id, servers.rack_id))
      .where(and(eq(servers.id, id), visibleWhere(ctx, serverEntity)))
      .get();
  } else if (type === 'rack') {
    found = await ctx.db
      .select({ rack_id: racks.id, datacenter_id: racks.datacenter_id })
      .from(racks)
      .where(and(eq(racks.id, id), visibleWhere(ctx, rackEntity)))
      .get();
  } else {
    const dc = await ctx.db.select({ id: datacenters.id }).from(datacenters).where(eq(datacenters.id, id)).get();
    found = dc ? { rack_id: null, datacenter_id: dc.id } : undefined;
  }
  if (!found) throw unprocessable([{ field: `${prefix}target_id`, message: `${type} ${id} does not exist` }]);
  return found;
}

export const maintenanceResource: ResourceDef = {
  path: '/maintenance',
  entity: 'maintenance_window',
  label: 'Maintenance window',
  tag: 'Alerting',
  table: maintenanceWindows,
  schemas: { create: MaintenanceCreate, update: MaintenanceUpdate, output: Maintenance },
  filters: {
    target_type: { type: 'string', values: TARGET_TYPES },
    target_id: { type: 'int' },
    rack_id: { type: 'int' },
    datacenter_id: { type: 'int' },
    approval: { type: 'string', values: APPROVALS },
    state: {
      type: 'string',
      values: WINDOW_STATES,
      description: 'scheduled (not started), active (now), ended',
      where: (vals) =>
        sql`(${sql.join(
          vals.map((v) => sql`(${stateSql[v as keyof typeof stateSql]})`),
          sql` OR `,
        )})`,
    },
    from: { type: 'string', op: 'gte', column: 'ends_at', description: 'windows ending at or after (ISO time)' },
    to: { type: 'string', op: 'lte', column: 'starts_at', description: 'windows starting at or before (ISO time)' },
  },
  sortable: ['id', 'starts_at', 'ends_at', 'title', 'approval', 'created_at'],
  defaultSort: 'starts_at',
  searchable: ['title', 'reason', 'owner'],
  scope: (ctx) => visibleWhere(ctx, maintenanceEntity),
  // raw SQL with the table named: drizzle writes a single table's columns unqualified, which inside a subquery
  // over the same table would name the inner row
  computed: () => ({
    state: sql<string>`(CASE WHEN ${stateSql.scheduled} THEN 'scheduled' WHEN ${stateSql.ended} THEN 'ended' ELSE 'active' END)`,
    target_name: sql.raw(`(CASE ${M}.target_type
      WHEN 'server' THEN (SELECT name FROM servers WHERE id = ${M}.target_id)
      WHEN 'rack' THEN (SELECT name FROM racks WHERE id = ${M}.target_id)
      ELSE (SELECT name FROM datacenters WHERE id = ${M}.target_id) END)`),
    overlaps: sql.raw(`(SELECT json_group_array(o.id) FROM ${M} o WHERE o.id <> ${M}.id
      AND o.target_type = ${M}.target_type AND o.target_id = ${M}.target_id AND o.approval <> 'rejected'
      AND o.starts_at < ${M}.ends_at AND o.ends_at > ${M}.starts_at)`),
    suppressed_alerts: sql.raw(`(SELECT count(*) FROM alert_events e JOIN alerts a ON a.id = e.alert_id
      WHERE e.type = 'suppressed' AND e.ts >= ${M}.starts_at AND e.ts < ${M}.ends_at AND ${COVERS})`),
  }),
  present: (row) => ({
    ...row,
    set_maintenance_status: !!row.set_maintenance_status,
    ...('overlaps' in row
      ? { overlaps: typeof row.overlaps === 'string' ? JSON.parse(row.overlaps) : (row.overlaps ?? []) }
      : {}),
  }),
  hidden: ['switched'],
  access: { read: 'alerts:read', write: 'alerts:configure' },
  description:
    'Planned work on a server, rack or datacenter. While an approved window is active, alerts on its target are ' +
    'recorded as suppressed (kept, not sent) and their escalation waits; when it ends, those still open fire. ' +
    'Each window lists the others on the same target that overlap it (`overlaps`). With ' +
    '`set_maintenance_status`, the active servers of the target are switched to maintenance for the window.',
  async prepare(ctx, input, before) {
    const out: Row = { ...input };
    const type = String(input.target_type ?? before?.target_type);
    const id = Number(input.target_id ?? before?.target_id);
    if (!before || 'target_type' in input || 'target_id' in input) Object.assign(out, await locate(ctx, type, id, ''));
    if (!before && !input.owner) out.owner = ctx.actor?.username ?? null;
    if (input.approval && input.approval !== before?.approval) {
      out.approved_by = input.approval === 'pending' ? null : (ctx.actor?.username ?? null);
    }
    return out;
  },
  async check(_ctx, changes) {
    const errors = changes.flatMap((c) =>
      Date.parse(String(c.after.ends_at)) <= Date.parse(String(c.after.starts_at))
        ? [{ field: `${c.prefix}ends_at`, message: 'must be after starts_at' }]
        : [],
    );
    if (errors.length) throw unprocessable(errors, 'The window ends before it starts.');
  },
};
