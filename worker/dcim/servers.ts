import { sql } from 'drizzle-orm';
import { racks, servers } from './tables';
import type { ResourceDef } from '../platform/http/resource';
import { SERVER_HEALTH, SERVER_STATUSES, SERVER_TYPES, Server, ServerCreate, ServerUpdate } from './schemas/server';
import { anyOf } from '../platform/http/sql-match';
import { checkMountPlacement, checkMountedDeclassify, guardMounted } from './mounted';
import { rackEntity, serverEntity } from './access';
import { visibleWhere } from '../platform/access/entities';
import { serversChanged } from '../telemetry/inventory';
import { deviceTypes } from '../device-types/tables';

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
  // device_type_id: the template it was made from (GET /device-types/{id}/defaults), public catalogue data
  references: {
    rack_id: { table: racks, label: 'Rack', scope: (ctx) => visibleWhere(ctx, rackEntity) },
    device_type_id: { table: deviceTypes, label: 'Device type' },
  },
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
    await checkMountedDeclassify(ctx, changes);
    await checkMountPlacement(ctx, 'server', changes, 'power_supply_w');
  },
  guard: guardMounted,
  afterCommit: (ctx, changes) => serversChanged(ctx.env, changes),
};
