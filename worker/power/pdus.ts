import { and, eq, sql } from 'drizzle-orm';
import type { Change, ResourceDef, Row } from '../platform/http/resource';
import type { ServiceContext } from '../platform/context';
import { conflict, unprocessable, type FieldError } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { mayNeedStepUp, requireStepUpForZones } from '../platform/identity/step-up';
import { anyOf } from '../platform/http/sql-match';
import { racks } from '../dcim/tables';
import { rackEntity } from '../dcim/access';
import { racksByIds } from '../dcim/racks';
import { checkMountPlacement } from '../dcim/mounted';
import { pdus, powerFeeds, powerSupplies } from './tables';
import { pduEntity } from './access';
import { allocatedKwSql } from './load-sql';
import { PDU_STATUSES, Pdu, PduCreate, PduUpdate } from './schemas/pdu';

/** PDUs distribute power and draw none from the rack's budget: a field no PDU row has, so the check reads 0. */
const NO_BUDGET_FIELD = 'budget_w';

/** A PDU is as protected as its rack: the rack's step-up policy applies to single-PDU reads and writes. */
export async function guardByRack(ctx: ServiceContext, rackIds: number[]) {
  if (!mayNeedStepUp(ctx)) return;
  const rows = await racksByIds(ctx, [...new Set(rackIds)]);
  requireStepUpForZones(
    ctx,
    rows.map((r) => r.security_zone),
  );
}

/** A feed belongs to one datacenter: it cannot reach a PDU in another one. */
async function checkFeedSite(ctx: ServiceContext, changes: Change[]) {
  const relevant = changes.filter(
    ({ before, after }) =>
      after.feed_id != null && (!before || before.feed_id !== after.feed_id || before.rack_id !== after.rack_id),
  );
  if (!relevant.length) return;
  const feedIds = [...new Set(relevant.map((c) => Number(c.after.feed_id)))];
  const rackIds = [...new Set(relevant.map((c) => Number(c.after.rack_id)))];
  const [feeds, rackRows] = await Promise.all([
    ctx.db.select().from(powerFeeds).where(anyOf(powerFeeds.id, feedIds)).all(),
    ctx.db.select().from(racks).where(anyOf(racks.id, rackIds)).all(),
  ]);
  const feedDc = new Map(feeds.map((f) => [f.id, f]));
  const rackDc = new Map(rackRows.map((r) => [r.id, r]));
  const errors: FieldError[] = [];
  for (const { after, prefix } of relevant) {
    const f = feedDc.get(Number(after.feed_id));
    const r = rackDc.get(Number(after.rack_id));
    if (f && r && f.datacenter_id !== r.datacenter_id) {
      errors.push({
        field: `${prefix}feed_id`,
        message: `feed ${f.name} is in another datacenter than rack ${r.name}`,
      });
    }
  }
  if (errors.length) throw unprocessable(errors);
}

/** A PDU keeps its cords: it cannot leave its rack with supplies plugged in, nor lose outlets in use. */
async function checkPlugged(ctx: ServiceContext, changes: Change[]) {
  const errors: FieldError[] = [];
  for (const { before, after, prefix } of changes) {
    if (!before) continue;
    const moved = before.rack_id !== after.rack_id;
    const shrunk = Number(after.outlets) < Number(before.outlets);
    if (!moved && !shrunk) continue;
    const plugged = await ctx.db
      .select({ outlet: powerSupplies.outlet })
      .from(powerSupplies)
      .where(eq(powerSupplies.pdu_id, Number(before.id)))
      .all();
    if (moved && plugged.length) {
      errors.push({
        field: `${prefix}rack_id`,
        message: `${plugged.length} power supplies are plugged into ${before.name}; unplug them before moving it`,
      });
    }
    const beyond = plugged.filter((p) => p.outlet !== null && p.outlet > Number(after.outlets));
    if (shrunk && beyond.length) {
      errors.push({
        field: `${prefix}outlets`,
        message: `outlets ${beyond.map((p) => p.outlet).join(', ')} are in use`,
      });
    }
  }
  if (errors.length)
    throw conflict(`The PDU cannot change that way: ${errors.map((e) => e.message).join('; ')}.`, errors);
}

export const pdusResource: ResourceDef = {
  path: '/power/pdus',
  entity: 'pdu',
  label: 'PDU',
  tag: 'Power',
  table: pdus,
  schemas: { create: PduCreate, update: PduUpdate, output: Pdu },
  filters: {
    rack_id: { type: 'int' },
    feed_id: { type: 'int' },
    status: { type: 'string', values: PDU_STATUSES },
    datacenter_id: {
      type: 'int',
      description: 'PDUs in racks of these datacenters (comma-separated ids).',
      where: (ids) =>
        sql`${pdus.rack_id} IN (SELECT ${racks.id} FROM ${racks} WHERE ${anyOf(racks.datacenter_id, ids)})`,
    },
  },
  sortable: [
    'id',
    'name',
    'rack_id',
    'rack_name',
    'feed_id',
    'feed_name',
    'u_position',
    'outlets',
    'capacity_kw',
    'allocated_kw',
    'supply_count',
    'status',
    'created_at',
  ],
  defaultSort: 'name',
  searchable: ['name', 'manufacturer', 'model', 'management_ip'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  references: {
    rack_id: { table: racks, label: 'Rack', scope: (ctx) => visibleWhere(ctx, rackEntity) },
    feed_id: { table: powerFeeds, label: 'Power feed' },
  },
  dependents: [{ table: powerSupplies, column: 'pdu_id', label: 'power supplies' }],
  scope: (ctx) => visibleWhere(ctx, pduEntity),
  computed: (ctx) => ({
    rack_name: sql.raw('(SELECT r.name FROM racks r WHERE r.id = pdus.rack_id)'),
    datacenter_id: sql.raw('(SELECT r.datacenter_id FROM racks r WHERE r.id = pdus.rack_id)'),
    feed_name: sql.raw('(SELECT f.name FROM power_feeds f WHERE f.id = pdus.feed_id)'),
    feed_side: sql.raw('(SELECT f.side FROM power_feeds f WHERE f.id = pdus.feed_id)'),
    supply_count: sql.raw('(SELECT count(*) FROM power_supplies s WHERE s.pdu_id = pdus.id)'),
    allocated_kw: allocatedKwSql(ctx, 'p.id = pdus.id'),
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    "Rack PDUs: fed by one power feed of the rack's datacenter, `outlets` sockets, `capacity_kw` rating; in U " +
    'slots shared with every rack-mounted kind, or zero-U (u_position null). They draw nothing from the rack budget.',
  async check(ctx, changes) {
    await checkFeedSite(ctx, changes);
    await checkPlugged(ctx, changes);
    await checkMountPlacement(ctx, 'pdu', changes, NO_BUDGET_FIELD);
  },
  guard: (ctx, rows: Row[]) =>
    guardByRack(
      ctx,
      rows.map((r) => Number(r.rack_id)),
    ),
};

/** PDUs by id as stored, within the caller's clearance. */
export const visiblePdus = (ctx: ServiceContext, ids: number[]) =>
  ids.length
    ? ctx.db
        .select()
        .from(pdus)
        .where(and(anyOf(pdus.id, ids), visibleWhere(ctx, pduEntity)))
        .all()
    : Promise.resolve([]);
