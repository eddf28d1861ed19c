import { sql } from 'drizzle-orm';
import type { ResourceDef } from '../platform/http/resource';
import { visibleWhere } from '../platform/access/entities';
import { anyOf } from '../platform/http/sql-match';
import { racks } from '../dcim/tables';
import { rackEntity } from '../dcim/access';
import { checkMountPlacement, checkMountedDeclassify, guardMounted } from '../dcim/mounted';
import { networkDevices, networkPorts } from './tables';
import { networkDeviceEntity } from './access';
import { deviceTypes } from '../device-types/tables';
import {
  DEVICE_STATUSES,
  DEVICE_TYPES,
  NetworkDevice,
  NetworkDeviceCreate,
  NetworkDeviceUpdate,
} from './schemas/device';

export const devicesResource: ResourceDef = {
  path: '/network/devices',
  entity: 'network_device',
  label: 'Network device',
  tag: 'Network',
  table: networkDevices,
  schemas: { create: NetworkDeviceCreate, update: NetworkDeviceUpdate, output: NetworkDevice },
  filters: {
    rack_id: { type: 'int' },
    datacenter_id: {
      type: 'int',
      description: 'Devices in racks of these datacenters (comma-separated ids).',
      where: (ids) =>
        sql`${networkDevices.rack_id} IN (SELECT ${racks.id} FROM ${racks} WHERE ${anyOf(racks.datacenter_id, ids)})`,
    },
    device_type: { type: 'string', values: DEVICE_TYPES },
    status: { type: 'string', values: DEVICE_STATUSES },
    manufacturer: { type: 'string' },
  },
  sortable: [
    'id',
    'name',
    'device_type',
    'rack_name',
    'datacenter_name',
    'rack_id',
    'u_position',
    'manufacturer',
    'model',
    'management_ip',
    'status',
    'power_w',
    'port_count',
    'connected_ports',
    'warranty_expires',
    'created_at',
  ],
  defaultSort: 'name',
  searchable: ['name', 'manufacturer', 'model', 'serial_number', 'management_ip', 'os_version'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  // device_type_id: the template it was made from (GET /device-types/{id}/defaults), public catalogue data
  references: {
    rack_id: { table: racks, label: 'Rack', scope: (ctx) => visibleWhere(ctx, rackEntity) },
    device_type_id: { table: deviceTypes, label: 'Device type' },
  },
  // its ports go first (DELETE /network/ports/{id}); a cabled port refuses until its cable is gone
  dependents: [{ table: networkPorts, column: 'device_id', label: 'ports' }],
  scope: (ctx) => visibleWhere(ctx, networkDeviceEntity),
  computed: () => ({
    rack_name: sql.raw('(SELECT r.name FROM racks r WHERE r.id = network_devices.rack_id)'),
    datacenter_id: sql.raw('(SELECT r.datacenter_id FROM racks r WHERE r.id = network_devices.rack_id)'),
    datacenter_name: sql.raw(
      '(SELECT d.name FROM racks r JOIN datacenters d ON d.id = r.datacenter_id WHERE r.id = network_devices.rack_id)',
    ),
    port_count: sql.raw('(SELECT count(*) FROM network_ports p WHERE p.device_id = network_devices.id)'),
    connected_ports: sql.raw(
      `(SELECT count(*) FROM network_ports p WHERE p.device_id = network_devices.id
         AND EXISTS (SELECT 1 FROM network_cables c WHERE c.a_port_id = p.id OR c.b_port_id = p.id))`,
    ),
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'Network devices (core, distribution and access switches, routers, firewalls, load balancers) in racks: ' +
    "they take U slots and power from the rack's budget like servers; management IP, firmware, lifecycle.",
  async check(ctx, changes) {
    await checkMountedDeclassify(ctx, changes);
    await checkMountPlacement(ctx, 'network', changes, 'power_w');
  },
  guard: guardMounted,
};
