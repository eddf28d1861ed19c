import { sql } from 'drizzle-orm';
import type { ResourceDef } from '../platform/http/resource';
import { andVisible, visibleWhere } from '../platform/access/entities';
import { networkCables, networkDevices, networkPorts } from './tables';
import { networkDeviceEntity, networkPortEntity } from './access';
import { guardPorts } from './zones';
import { NetworkPort, NetworkPortCreate, NetworkPortUpdate, PORT_SPEEDS } from './schemas/port';

const CABLE_OF = 'network_cables c WHERE c.a_port_id = network_ports.id OR c.b_port_id = network_ports.id';
const FAR_PORT = 'CASE WHEN c.a_port_id = network_ports.id THEN c.b_port_id ELSE c.a_port_id END';

export const portsResource: ResourceDef = {
  path: '/network/ports',
  entity: 'network_port',
  label: 'Network port',
  tag: 'Network',
  table: networkPorts,
  schemas: { create: NetworkPortCreate, update: NetworkPortUpdate, output: NetworkPort },
  filters: {
    device_id: { type: 'int' },
    speed: { type: 'string', values: PORT_SPEEDS },
    enabled: { type: 'bool' },
    cabled: {
      type: 'bool',
      description: 'true: ports with a cable; false: free ports.',
      where: ([yes]) =>
        yes ? sql.raw(`EXISTS (SELECT 1 FROM ${CABLE_OF})`) : sql.raw(`NOT EXISTS (SELECT 1 FROM ${CABLE_OF})`),
    },
  },
  sortable: ['id', 'name', 'device_id', 'device_name', 'speed', 'if_index', 'enabled', 'created_at'],
  // creation order is faceplate order (a range is added in one request): Ethernet1/2 before Ethernet1/10
  defaultSort: 'device_id,id',
  searchable: ['name', 'description', 'media'],
  unique: [{ fields: ['device_id', 'name'], ignoreCase: true }],
  references: {
    device_id: {
      table: networkDevices,
      label: 'Network device',
      scope: (ctx) => visibleWhere(ctx, networkDeviceEntity),
    },
  },
  dependents: [
    { table: networkCables, column: 'a_port_id', label: 'cable (A end)' },
    { table: networkCables, column: 'b_port_id', label: 'cable (B end)' },
  ],
  scope: (ctx) => visibleWhere(ctx, networkPortEntity),
  computed: (ctx) => {
    // the far end is named only when the caller may see it
    const far = (what: string) =>
      sql`(SELECT ${sql.raw(what)} FROM network_cables c JOIN network_ports p ON p.id = ${sql.raw(FAR_PORT)}
             JOIN network_devices d ON d.id = p.device_id
            WHERE (c.a_port_id = network_ports.id OR c.b_port_id = network_ports.id)${andVisible(ctx, networkPortEntity, 'p')})`;
    return {
      device_name: sql.raw('(SELECT d.name FROM network_devices d WHERE d.id = network_ports.device_id)'),
      cable_id: sql.raw(`(SELECT c.id FROM ${CABLE_OF})`),
      peer: far("d.name || ':' || p.name"),
      peer_device_id: far('d.id'),
      peer_port_id: far('p.id'),
    };
  },
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'Ports (interfaces) of network devices: name as the device reports it (ifName), speed, SNMP ifIndex. ' +
    'POST an array to add a whole faceplate at once (up to 1,000 ports, all or nothing). ' +
    'A port with a cable cannot be deleted until the cable is.',
  guard: guardPorts,
};
