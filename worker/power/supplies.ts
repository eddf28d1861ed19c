import { sql } from 'drizzle-orm';
import type { Change, ResourceDef, Row } from '../platform/http/resource';
import type { ServiceContext } from '../platform/context';
import { unprocessable, type FieldError } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { pdus, powerSupplies } from './tables';
import { pduEntity, powerSupplyEntity } from './access';
import { guardByRack, visiblePdus } from './pdus';
import { visibleDevices } from './devices';
import { supplyWattsSql } from './load-sql';
import { DEVICE_KINDS, PowerSupply, PowerSupplyCreate, PowerSupplyUpdate } from './schemas/supply';
import { anyOf } from '../platform/http/sql-match';

const KIND_LABEL: Record<string, string> = { server: 'Server', storage: 'Storage system', network: 'Network device' };

/**
 * The device must exist where the caller can see it, and be in the PDU's own rack: a cord does not cross racks,
 * and so a supply never ties objects of two zones together. The outlet must be one the PDU has.
 */
async function checkPlug(ctx: ServiceContext, changes: Change[]) {
  const relevant = changes.filter(
    ({ before, after }) =>
      !before || ['device_kind', 'device_id', 'pdu_id', 'outlet'].some((k) => before[k] !== after[k]),
  );
  if (!relevant.length) return;
  const pduOf = new Map(
    (await visiblePdus(ctx, [...new Set(relevant.map((c) => Number(c.after.pdu_id)))])).map((p) => [p.id, p]),
  );
  const wanted = JSON.stringify(relevant.map((c) => [c.after.device_kind, Number(c.after.device_id)]));
  const devices = await visibleDevices(
    ctx,
    sql`EXISTS (SELECT 1 FROM json_each(${wanted}) w WHERE json_extract(w.value, '$[0]') = m.kind AND json_extract(w.value, '$[1]') = m.id)`,
  );
  const deviceOf = new Map(devices.map((d) => [`${d.kind}:${d.id}`, d]));
  const errors: FieldError[] = [];
  for (const { after, prefix } of relevant) {
    const pdu = pduOf.get(Number(after.pdu_id));
    const device = deviceOf.get(`${after.device_kind}:${Number(after.device_id)}`);
    if (!device) {
      errors.push({
        field: `${prefix}device_id`,
        message: `${KIND_LABEL[after.device_kind] ?? 'Device'} ${after.device_id} does not exist`,
      });
    }
    if (!pdu) continue; // the reference check has named pdu_id already
    if (after.outlet != null && Number(after.outlet) > pdu.outlets) {
      errors.push({ field: `${prefix}outlet`, message: `${pdu.name} has outlets 1 to ${pdu.outlets}` });
    }
    if (device && device.rack_id !== pdu.rack_id) {
      errors.push({
        field: `${prefix}pdu_id`,
        message: `${pdu.name} is in another rack than ${device.name}; a supply plugs into a PDU of its own rack`,
      });
    }
  }
  if (errors.length) throw unprocessable(errors);
}

async function guardSupplies(ctx: ServiceContext, rows: Row[]) {
  const ids = [...new Set(rows.map((r) => Number(r.pdu_id)))];
  const owners = ids.length ? await ctx.db.select().from(pdus).where(anyOf(pdus.id, ids)).all() : [];
  await guardByRack(
    ctx,
    owners.map((p) => p.rack_id),
  );
}

export const suppliesResource: ResourceDef = {
  path: '/power/supplies',
  entity: 'power_supply',
  label: 'Power supply',
  tag: 'Power',
  table: powerSupplies,
  schemas: { create: PowerSupplyCreate, update: PowerSupplyUpdate, output: PowerSupply },
  filters: {
    pdu_id: { type: 'int' },
    device_kind: { type: 'string', values: DEVICE_KINDS },
    device_id: { type: 'int' },
    rack_id: {
      type: 'int',
      description: 'Supplies on PDUs of these racks (comma-separated ids).',
      where: (ids) =>
        sql`${powerSupplies.pdu_id} IN (SELECT ${pdus.id} FROM ${pdus} WHERE ${anyOf(pdus.rack_id, ids as number[])})`,
    },
  },
  sortable: [
    'id',
    'name',
    'device_kind',
    'device_id',
    'device_name',
    'pdu_id',
    'pdu_name',
    'outlet',
    'max_draw_w',
    'allocated_w',
    'created_at',
  ],
  defaultSort: 'id',
  searchable: ['name'],
  unique: [{ fields: ['pdu_id', 'outlet'] }, { fields: ['device_kind', 'device_id', 'name'], ignoreCase: true }],
  references: { pdu_id: { table: pdus, label: 'PDU', scope: (ctx) => visibleWhere(ctx, pduEntity) } },
  scope: (ctx) => visibleWhere(ctx, powerSupplyEntity),
  computed: () => ({
    pdu_name: sql.raw('(SELECT p.name FROM pdus p WHERE p.id = power_supplies.pdu_id)'),
    rack_id: sql.raw('(SELECT p.rack_id FROM pdus p WHERE p.id = power_supplies.pdu_id)'),
    feed_id: sql.raw('(SELECT p.feed_id FROM pdus p WHERE p.id = power_supplies.pdu_id)'),
    device_name: sql.raw(
      '(SELECT m.name FROM rack_mounts m WHERE m.kind = power_supplies.device_kind AND m.id = power_supplies.device_id)',
    ),
    allocated_w: supplyWattsSql,
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    "Device power supplies: a server's, storage system's or network device's PSU plugged into an outlet of a PDU " +
    'in its own rack. A device with supplies on PDUs of two feeds survives the loss of either (GET /power/impact).',
  check: checkPlug,
  guard: guardSupplies,
};
