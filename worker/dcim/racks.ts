import { sql } from 'drizzle-orm';
import { datacenters, racks, servers } from './tables';
import { conflict, forbidden } from '../platform/http/problem';
import type { ResourceDef } from '../platform/http/resource';
import { SECURITY_ZONES } from '../platform/schemas/common';
import { COOLING_TYPES, Rack, RackCreate, RackUpdate, RACK_STATUSES } from './schemas/rack';
import { rackResizeConflicts } from './placement';
import { mountsIn, rackMountSums } from './mounted';
import { rackEntity } from './access';
import { canSee } from '../platform/access/zones';
import { visibleWhere } from '../platform/access/entities';
import { requireStepUpForZones, requireStepUpToDeclassify } from '../platform/identity/step-up';
import { racksChanged } from '../telemetry/inventory';
import { anyOf } from '../platform/http/sql-match';

export const racksResource: ResourceDef = {
  path: '/racks',
  entity: 'rack',
  label: 'Rack',
  tag: 'Racks',
  table: racks,
  schemas: { create: RackCreate, update: RackUpdate, output: Rack },
  filters: {
    datacenter_id: { type: 'int' },
    security_zone: { type: 'string', values: SECURITY_ZONES },
    cooling_type: { type: 'string', values: COOLING_TYPES },
    status: { type: 'string', values: RACK_STATUSES },
    row: { type: 'string' },
  },
  sortable: [
    'used_u',
    'allocated_w',
    'server_count',
    'id',
    'name',
    'datacenter_id',
    'row',
    'position',
    'u_capacity',
    'power_capacity_kw',
    'cooling_type',
    'security_zone',
    'status',
    'created_at',
  ],
  defaultSort: 'name',
  searchable: ['name', 'location', 'row'],
  unique: [{ fields: ['datacenter_id', 'name'], ignoreCase: true }],
  references: { datacenter_id: { table: datacenters, label: 'Datacenter' } },
  scope: (ctx) => visibleWhere(ctx, rackEntity),
  dependents: [{ table: servers, column: 'rack_id', label: 'servers' }],
  // raw SQL with aliases: drizzle leaves columns unqualified in single-table selects, which a correlated
  // subquery would resolve against its own table
  computed: () => ({
    datacenter_name: sql.raw('(SELECT d.name FROM datacenters d WHERE d.id = racks.datacenter_id)'),
    server_count: sql.raw('(SELECT count(*) FROM servers s WHERE s.rack_id = racks.id)'),
    // every kind of rack-mounted device shares the slots and the budget
    ...rackMountSums,
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  // step-up for the zone's policy (Top Secret: a recent passkey confirmation) on every single-rack read or write
  guard: (ctx, rows) =>
    requireStepUpForZones(
      ctx,
      rows.map((r) => r.security_zone ?? 'Internal'),
    ),
  description: 'Racks: U space (1-52U), power budget, cooling type and security zone.',
  afterCommit: (ctx, changes) => racksChanged(ctx.env, changes),
  async check(ctx, changes) {
    for (const { before, after } of changes) {
      // nobody places an object in a zone they could not see afterwards
      if (!canSee(ctx.actor, after.security_zone ?? 'Internal')) {
        throw forbidden(`Your clearance (${ctx.actor?.clearance}) does not reach the ${after.security_zone} zone.`);
      }
      if (before && before.security_zone !== after.security_zone) {
        requireStepUpToDeclassify(ctx, before.security_zone, after.security_zone);
      }
      const shrinks =
        before && (after.u_capacity < before.u_capacity || after.power_capacity_kw < before.power_capacity_kw);
      if (!shrinks) continue;
      const mounted = await mountsIn(ctx, [before.id]);
      const errors = rackResizeConflicts(after as never, mounted);
      if (errors.length)
        throw conflict(
          `Rack ${after.name} cannot shrink below what it holds: ${errors.map((e) => e.message).join('; ')}.`,
          errors,
        );
    }
  },
};

export const racksByIds = (ctx: { db: import('../platform/db/client').Db }, ids: number[]) =>
  ids.length ? ctx.db.select().from(racks).where(anyOf(racks.id, ids)).all() : Promise.resolve([]);
