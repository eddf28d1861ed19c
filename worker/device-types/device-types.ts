import { sql } from 'drizzle-orm';
import type { ResourceDef, Row } from '../platform/http/resource';
import { unprocessable } from '../platform/http/problem';
import { andVisible } from '../platform/access/entities';
import { serverEntity } from '../dcim/access';
import { servers } from '../dcim/tables';
import { networkDeviceEntity } from '../network/access';
import { networkDevices } from '../network/tables';
import { storageSystemEntity } from '../storage/access';
import { storageSystems } from '../storage/tables';
import { deviceTypes } from './tables';
import { DEVICE_KINDS, DeviceType, DeviceTypeCreate, DeviceTypeUpdate } from './schemas/device-type';
import { inferKind } from './netbox';
import { interfaceSpeed, slugify } from './units';

type Port = { maximum_draw?: number | null; allocated_draw?: number | null };

/** The draw figures of a set of power ports (see normalise in netbox.ts for why the largest, not the sum). */
function drawOf(ports: Port[]) {
  const maxima = ports.map((p) => p.maximum_draw).filter((w): w is number => typeof w === 'number');
  const allocated = ports.map((p) => p.allocated_draw).filter((w): w is number => typeof w === 'number');
  return {
    max_draw_w: maxima.length ? Math.max(...maxima) : null,
    allocated_draw_w: allocated.length ? allocated.reduce((a, b) => a + b, 0) : null,
  };
}

/**
 * A form's or API client's input made a row like an imported one: the slug derived when left out, the kind
 * inferred on create, each interface's speed from its type, and the draw figures from the power ports when the
 * ports change and the figures are not sent with them.
 */
async function prepare(_ctx: unknown, input: Row, before: Row | null): Promise<Row> {
  const out: Row = { ...input };
  if (!before && out.slug === undefined) {
    out.slug = slugify(String(out.manufacturer), String(out.model));
    if (!out.slug) {
      throw unprocessable([{ field: 'slug', message: 'cannot be derived from the manufacturer and model: give one' }]);
    }
  }
  if (out.interfaces) {
    out.interfaces = (out.interfaces as Row[]).map((i) => ({
      ...i,
      mgmt_only: i.mgmt_only ?? false,
      speed: i.speed === undefined ? interfaceSpeed(i.type) : i.speed,
    }));
  }
  if (out.power_ports) {
    const draw = drawOf(out.power_ports as Port[]);
    if (out.max_draw_w === undefined) out.max_draw_w = draw.max_draw_w;
    if (out.allocated_draw_w === undefined) out.allocated_draw_w = draw.allocated_draw_w;
  }
  if (!before && out.kind === undefined) {
    out.kind = inferKind({
      manufacturer: String(out.manufacturer),
      model: String(out.model),
      interfaces: (out.interfaces ?? []) as { name: string; type: string; mgmt_only?: boolean }[],
      'power-outlets': Array.from({ length: Number(out.power_outlets ?? 0) }),
    });
  }
  return out;
}

export const deviceTypesResource: ResourceDef = {
  path: '/device-types',
  entity: 'device_type',
  label: 'Device type',
  tag: 'Device types',
  table: deviceTypes,
  schemas: { create: DeviceTypeCreate, update: DeviceTypeUpdate, output: DeviceType },
  // /device-types/import takes the NetBox library's YAML (routes.ts), the format device types come in
  csvImport: false,
  filters: {
    kind: { type: 'string', values: DEVICE_KINDS },
    manufacturer: { type: 'string' },
  },
  sortable: [
    'device_count',
    'id',
    'manufacturer',
    'model',
    'slug',
    'part_number',
    'kind',
    'u_height',
    'weight_kg',
    'max_draw_w',
    'allocated_draw_w',
    'power_outlets',
    'created_at',
    'updated_at',
  ],
  defaultSort: 'manufacturer,model',
  searchable: ['manufacturer', 'model', 'slug', 'part_number'],
  unique: [{ fields: ['manufacturer', 'model'], ignoreCase: true }, { fields: ['slug'] }],
  // device_type_id is no foreign key: the devices keep their copied values, but a type still in use stays, so
  // the link never dangles
  dependents: [
    { table: servers, column: 'device_type_id', label: 'servers' },
    { table: networkDevices, column: 'device_type_id', label: 'network devices' },
    { table: storageSystems, column: 'device_type_id', label: 'storage systems' },
  ],
  // a catalogue entry is public, its devices are not: the count only includes those the caller may see
  computed: (ctx) => ({
    device_count: sql`((SELECT count(*) FROM servers s WHERE s.device_type_id = device_types.id${andVisible(ctx, serverEntity, 's')}) + (SELECT count(*) FROM network_devices n WHERE n.device_type_id = device_types.id${andVisible(ctx, networkDeviceEntity, 'n')}) + (SELECT count(*) FROM storage_systems st WHERE st.device_type_id = device_types.id${andVisible(ctx, storageSystemEntity, 'st')}))`,
  }),
  prepare,
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'Device-type templates in the shape of the NetBox device-type library (manufacturer, model, U height, ' +
    'power draw, interfaces): a server, switch, storage system or PDU created from one gets its height and ' +
    'power from it (GET /device-types/{id}/defaults). Public catalogue data: every inventory reader sees them.',
};
