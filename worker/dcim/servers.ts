import { sql } from 'drizzle-orm';
import { racks, servers } from './tables';
import type { Change, ResourceDef } from '../platform/http/resource';
import type { ServiceContext } from '../platform/context';
import { SERVER_HEALTH, SERVER_STATUSES, SERVER_TYPES, Server, ServerCreate, ServerUpdate } from './schemas/server';
import { anyOf } from '../platform/http/sql-match';
import { checkMountPlacement } from './mounted';
import { racksByIds } from './racks';
import { rackEntity, serverEntity } from './access';
import { visibleWhere } from '../platform/access/entities';
import { mayNeedStepUp, requireStepUpForZones, requireStepUpToDeclassify } from '../platform/identity/step-up';
import { serversChanged } from '../telemetry/inventory';

/** Servers inherit the zone of their rack, and with it the rack's step-up policy. */
async function guardServers(ctx: ServiceContext, rows: Record<string, any>[]) {
  if (!mayNeedStepUp(ctx)) return;
  const rackRows = await racksByIds(ctx, [...new Set(rows.map((r) => Number(r.rack_id)))]);
  requireStepUpForZones(
    ctx,
    rackRows.map((r) => r.security_zone),
  );
}

/** A server moved to a rack of a lower zone is declassified: that needs a fresh step-up. */
async function checkDeclassify(ctx: ServiceContext, changes: Change[]) {
  const moved = changes.filter((c) => c.before && c.before.rack_id !== c.after.rack_id);
  if (!moved.length) return;
  const ids = [...new Set(moved.flatMap((c) => [Number(c.before!.rack_id), Number(c.after.rack_id)]))];
  const zoneOf = new Map((await racksByIds(ctx, ids)).map((r) => [r.id, r.security_zone]));
  for (const c of moved) {
    const from = zoneOf.get(Number(c.before!.rack_id));
    const to = zoneOf.get(Number(c.after.rack_id));
    if (from && to) requireStepUpToDeclassify(ctx, from, to);
  }
}

export const serversResource: ResourceDef = {
  path: '/servers',
  entity: 'server',
  label: 'Server',
  tag: 'Servers',
  table: servers,
  schemas: { create: ServerCreate, update: ServerUpdate, output: Server },
  filters: {
    rack_id: { type: 'int' },
    datacenter_id: {
      type: 'int',
      description: 'Servers in racks of these datacenters (comma-separated ids).',
      where: (ids) =>
        sql`${servers.rack_id} IN (SELECT ${racks.id} FROM ${racks} WHERE ${anyOf(racks.datacenter_id, ids)})`,
    },
    server_type: { type: 'string', values: SERVER_TYPES },
    status: { type: 'string', values: SERVER_STATUSES },
    health: { type: 'string', values: SERVER_HEALTH },
    manufacturer: { type: 'string' },
    warranty_before: {
      type: 'date',
      op: 'lte',
      column: 'warranty_expires',
      description: 'Warranty ends on or before this date.',
    },
    warranty_after: {
      type: 'date',
      op: 'gte',
      column: 'warranty_expires',
      description: 'Warranty ends on or after this date.',
    },
  },
  sortable: [
    'rack_name',
    'datacenter_name',
    'id',
    'name',
    'serial_number',
    'rack_id',
    'u_position',
    'server_type',
    'manufacturer',
    'model',
    'status',
    'health',
    'power_supply_w',
    'cpu_cores',
    'ram_gb',
    'storage_tb',
    'ip_address',
    'warranty_expires',
    'purchase_date',
    'purchase_cost',
    'created_at',
  ],
  defaultSort: 'name',
  searchable: ['name', 'serial_number', 'manufacturer', 'model', 'cpu_model', 'os', 'ip_address', 'management_ip'],
  searchText: 'search_text',
  hidden: ['search_text'],
  unique: [
    { fields: ['name'], ignoreCase: true },
    { fields: ['serial_number'], ignoreCase: true },
  ],
  references: { rack_id: { table: racks, label: 'Rack', scope: (ctx) => visibleWhere(ctx, rackEntity) } },
  scope: (ctx) => visibleWhere(ctx, serverEntity),
  computed: () => ({
    rack_name: sql.raw('(SELECT r.name FROM racks r WHERE r.id = servers.rack_id)'),
    datacenter_id: sql.raw('(SELECT r.datacenter_id FROM racks r WHERE r.id = servers.rack_id)'),
    datacenter_name: sql.raw(
      '(SELECT d.name FROM racks r JOIN datacenters d ON d.id = r.datacenter_id WHERE r.id = servers.rack_id)',
    ),
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'Physical servers: hardware, placement in a rack (U position and size), power supply, network, lifecycle.',
  async check(ctx, changes) {
    await checkDeclassify(ctx, changes);
    await checkMountPlacement(ctx, 'server', changes, 'power_supply_w');
  },
  guard: guardServers,
  afterCommit: (ctx, changes) => serversChanged(ctx.env, changes),
};
