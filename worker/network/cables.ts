import { sql } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import type { Change, ResourceDef } from '../platform/http/resource';
import { conflict, unprocessable, type FieldError } from '../platform/http/problem';
import { andVisible, visibleWhere } from '../platform/access/entities';
import { networkCables, networkPorts } from './tables';
import { networkCableEntity, networkPortEntity } from './access';
import { guardCables } from './zones';
import { portClashes, type StoredCable } from './cabling';
import { CABLE_STATUSES, CABLE_TYPES, NetworkCable, NetworkCableCreate, NetworkCableUpdate } from './schemas/cable';

const end = (side: 'a' | 'b') => ({
  [`${side}_device_id`]: sql.raw(
    `(SELECT p.device_id FROM network_ports p WHERE p.id = network_cables.${side}_port_id)`,
  ),
  [`${side}_device_name`]: sql.raw(
    `(SELECT d.name FROM network_ports p JOIN network_devices d ON d.id = p.device_id WHERE p.id = network_cables.${side}_port_id)`,
  ),
  [`${side}_port_name`]: sql.raw(`(SELECT p.name FROM network_ports p WHERE p.id = network_cables.${side}_port_id)`),
  [`${side}_speed`]: sql.raw(`(SELECT p.speed FROM network_ports p WHERE p.id = network_cables.${side}_port_id)`),
});

interface PortName {
  id: number;
  label: string;
}

/** "Ethernet1/1 of leaf-01" for the ports the caller may see. */
async function portLabels(ctx: ServiceContext, ids: number[]): Promise<Map<number, string>> {
  const rows = await ctx.db.all<PortName>(
    sql`SELECT p.id AS id, d.name || ':' || p.name AS label FROM network_ports p
          JOIN network_devices d ON d.id = p.device_id
         WHERE p.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))${andVisible(ctx, networkPortEntity, 'p')}`,
  );
  return new Map(rows.map((r) => [Number(r.id), r.label]));
}

/** A cable joins two different ports, each free of any other cable (this request's included). */
async function checkCabling(ctx: ServiceContext, changes: Change[]) {
  const rewired = changes.filter(
    ({ before, after }) => !before || before.a_port_id !== after.a_port_id || before.b_port_id !== after.b_port_id,
  );
  if (!rewired.length) return;
  const loops: FieldError[] = rewired
    .filter((c) => Number(c.after.a_port_id) === Number(c.after.b_port_id))
    .map((c) => ({ field: `${c.prefix}b_port_id`, message: 'must be another port than a_port_id' }));
  if (loops.length) throw unprocessable(loops);

  const writes = rewired.map((c) => ({
    prefix: c.prefix,
    id: c.before ? Number(c.before.id) : null,
    a_port_id: Number(c.after.a_port_id),
    b_port_id: Number(c.after.b_port_id),
  }));
  const ports = [...new Set(writes.flatMap((w) => [w.a_port_id, w.b_port_id]))];
  // every cable, hidden ones included: a port is taken whether or not the caller sees the cable on it
  const stored = await ctx.db.all<StoredCable>(
    sql`SELECT id, a_port_id, b_port_id FROM network_cables
         WHERE a_port_id IN (SELECT value FROM json_each(${JSON.stringify(ports)}))
            OR b_port_id IN (SELECT value FROM json_each(${JSON.stringify(ports)}))`,
  );
  const clashes = portClashes(writes, stored);
  if (!clashes.length) return;
  const byId = new Map(stored.map((c) => [Number(c.id), c]));
  const farEnds = stored.flatMap((c) => [Number(c.a_port_id), Number(c.b_port_id)]);
  const names = await portLabels(ctx, [...new Set([...ports, ...farEnds])]);
  const nameOf = (id: number) => names.get(id) ?? 'a port outside your clearance';
  const errors: FieldError[] = clashes.map((k) => {
    const [device, port] = splitLabel(nameOf(k.port_id));
    const here = port ? `${port} of ${device}` : device;
    if ('prefix' in k.taken_by) {
      return {
        field: k.prefix + k.field,
        message: `${here} is already used by ${k.taken_by.prefix || 'another item'} in this request`,
      };
    }
    const cable = byId.get(k.taken_by.cable_id)!;
    const far = Number(cable.a_port_id) === k.port_id ? Number(cable.b_port_id) : Number(cable.a_port_id);
    return {
      field: k.prefix + k.field,
      message: `${here} is already cabled to ${nameOf(far)} (cable #${cable.id})`,
    };
  });
  throw conflict(`A port carries one cable: ${errors.map((e) => e.message).join('; ')}.`, errors);
}

const splitLabel = (label: string): [string, string | null] => {
  const i = label.indexOf(':');
  return i < 0 ? [label, null] : [label.slice(0, i), label.slice(i + 1)];
};

export const cablesResource: ResourceDef = {
  path: '/network/cables',
  entity: 'network_cable',
  label: 'Network cable',
  tag: 'Network',
  table: networkCables,
  schemas: { create: NetworkCableCreate, update: NetworkCableUpdate, output: NetworkCable },
  filters: {
    cable_type: { type: 'string', values: CABLE_TYPES },
    status: { type: 'string', values: CABLE_STATUSES },
    device_id: {
      type: 'int',
      description: 'Cables with an end on these devices (comma-separated ids).',
      where: (ids) =>
        sql`EXISTS (SELECT 1 FROM network_ports p WHERE p.id IN (network_cables.a_port_id, network_cables.b_port_id)
                      AND p.device_id IN (SELECT value FROM json_each(${JSON.stringify(ids)})))`,
    },
    datacenter_id: {
      type: 'int',
      description: 'Cables with an end in racks of these datacenters (comma-separated ids).',
      where: (ids) =>
        sql`EXISTS (SELECT 1 FROM network_ports p JOIN network_devices d ON d.id = p.device_id JOIN racks r ON r.id = d.rack_id
                    WHERE p.id IN (network_cables.a_port_id, network_cables.b_port_id)
                      AND r.datacenter_id IN (SELECT value FROM json_each(${JSON.stringify(ids)})))`,
    },
  },
  sortable: ['id', 'label', 'cable_type', 'length_m', 'status', 'a_device_name', 'b_device_name', 'created_at'],
  defaultSort: 'id',
  searchable: ['label'],
  references: {
    a_port_id: { table: networkPorts, label: 'Network port', scope: (ctx) => visibleWhere(ctx, networkPortEntity) },
    b_port_id: { table: networkPorts, label: 'Network port', scope: (ctx) => visibleWhere(ctx, networkPortEntity) },
  },
  // visible by its A port (the entity's zone); a B end out of sight hides the cable from the list as well
  scope: (ctx) => {
    const a = visibleWhere(ctx, networkCableEntity);
    if (!a) return undefined;
    return sql`${a} AND network_cables.b_port_id IN (SELECT p.id FROM network_ports p WHERE ${visibleWhere(ctx, networkPortEntity, 'p')})`;
  },
  computed: () => ({ ...end('a'), ...end('b') }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'Cables between two device ports (A and B end). A port carries one cable: a second one on it, on either end, ' +
    'is refused (409) naming the cable already there. Ends of different speeds are allowed; the link runs at the slower.',
  check: checkCabling,
  guard: guardCables,
};
