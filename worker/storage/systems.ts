import { sql } from 'drizzle-orm';
import { datacenters, racks } from '../dcim/tables';
import { storageSystems } from './tables';
import { deviceTypes } from '../device-types/tables';
import type { Change, ResourceDef } from '../platform/http/resource';
import type { ServiceContext } from '../platform/context';
import { unprocessable } from '../platform/http/problem';
import { visibleWhere } from '../platform/access/entities';
import { checkMountPlacement, checkMountedDeclassify, guardMounted } from '../dcim/mounted';
import { racksByIds } from '../dcim/racks';
import { rackEntity } from '../dcim/access';
import { storageSystemEntity } from './access';
import { raidLayout } from './raid';
import { storageErrors } from './rules';
import {
  RAID_LEVELS,
  REPLICATION_MODES,
  STORAGE_STATUSES,
  STORAGE_TYPES,
  StorageSystem,
  StorageSystemCreate,
  StorageSystemUpdate,
} from './schemas/storage-system';

const CREATE_DEFAULTS = {
  storage_type: 'SAN',
  rack_id: null,
  u_position: null,
  u_size: 2,
  raid_level: '6',
  used_tb: 0,
  replication_mode: 'none',
  encryption: false,
  power_w: 0,
  status: 'active',
};

async function zonesOf(ctx: ServiceContext, rackIds: (number | null)[]) {
  const ids = [...new Set(rackIds.filter((id): id is number => id != null).map(Number))];
  return new Map((await racksByIds(ctx, ids)).map((r) => [r.id, r]));
}

async function checkSystems(ctx: ServiceContext, changes: Change[]) {
  const rackById = await zonesOf(
    ctx,
    changes.flatMap((c) => [c.after.rack_id, c.before?.rack_id ?? null]),
  );
  const errors = changes.flatMap((c) =>
    storageErrors(c.after, c.after.rack_id == null ? null : (rackById.get(Number(c.after.rack_id)) ?? null)).map(
      (e) => ({ ...e, field: c.prefix + e.field }),
    ),
  );
  if (errors.length) throw unprocessable(errors);
  await checkMountedDeclassify(ctx, changes);
  await checkMountPlacement(ctx, 'storage', changes, 'power_w');
}

export const storageSystemsResource: ResourceDef = {
  path: '/storage',
  entity: 'storage_system',
  label: 'Storage system',
  tag: 'Storage',
  table: storageSystems,
  schemas: { create: StorageSystemCreate, update: StorageSystemUpdate, output: StorageSystem },
  filters: {
    datacenter_id: { type: 'int' },
    rack_id: { type: 'int' },
    storage_type: { type: 'string', values: STORAGE_TYPES },
    raid_level: { type: 'string', values: RAID_LEVELS },
    status: { type: 'string', values: STORAGE_STATUSES },
    replication_mode: { type: 'string', values: REPLICATION_MODES },
    encryption: { type: 'bool' },
    manufacturer: { type: 'string' },
  },
  sortable: [
    'id',
    'name',
    'storage_type',
    'datacenter_name',
    'rack_name',
    'u_position',
    'manufacturer',
    'model',
    'raid_level',
    'disk_count',
    'raw_capacity_tb',
    'usable_capacity_tb',
    'used_tb',
    'free_tb',
    'utilization_pct',
    'power_w',
    'status',
    'warranty_expires',
    'created_at',
  ],
  defaultSort: 'name',
  searchable: [
    'name',
    'manufacturer',
    'model',
    'serial_number',
    'protocol',
    'replication_target',
    'management_ip',
    'firmware_version',
  ],
  unique: [{ fields: ['name'], ignoreCase: true }],
  references: {
    datacenter_id: { table: datacenters, label: 'Datacenter' },
    rack_id: { table: racks, label: 'Rack', scope: (ctx) => visibleWhere(ctx, rackEntity) },
    // the template it was made from (GET /device-types/{id}/defaults), public catalogue data
    device_type_id: { table: deviceTypes, label: 'Device type' },
  },
  scope: (ctx) => visibleWhere(ctx, storageSystemEntity),
  // raw SQL with aliases: drizzle leaves columns unqualified in single-table selects
  computed: () => ({
    rack_name: sql.raw('(SELECT r.name FROM racks r WHERE r.id = storage_systems.rack_id)'),
    datacenter_name: sql.raw('(SELECT d.name FROM datacenters d WHERE d.id = storage_systems.datacenter_id)'),
    utilization_pct: sql.raw(
      '(CASE WHEN storage_systems.usable_capacity_tb > 0 THEN round(storage_systems.used_tb * 100.0 / storage_systems.usable_capacity_tb, 1) ELSE 0 END)',
    ),
    free_tb: sql.raw('round(storage_systems.usable_capacity_tb - storage_systems.used_tb, 3)'),
  }),
  // fault tolerance follows from the layout alone: raid.ts says it, not a second copy of the rules in SQL
  present: (row) =>
    'raid_level' in row && 'disk_count' in row
      ? {
          ...row,
          fault_tolerance_disks: (() => {
            const l = raidLayout(String(row.raid_level), Number(row.disk_count), Number(row.raw_capacity_tb));
            return l.ok ? l.layout.fault_tolerance_disks : 0;
          })(),
        }
      : row,
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'Storage systems (SAN, NAS, object, block, file) in a rack (U slots and power shared with servers) or attached ' +
    'to a datacenter; usable capacity is computed from the RAID level, disk count and raw capacity.',
  // usable capacity is never sent: it follows from the layout (an impossible layout is refused in check)
  async prepare(_ctx, input, before) {
    // the table's defaults, spelled out so the checks see the row as it will be stored
    const row = before ? input : { ...CREATE_DEFAULTS, ...input };
    if (before && !['raid_level', 'disk_count', 'raw_capacity_tb'].some((k) => k in input)) return row;
    const s = { ...before, ...row };
    const l = raidLayout(String(s.raid_level), Number(s.disk_count), Number(s.raw_capacity_tb));
    return { ...row, usable_capacity_tb: l.ok ? l.layout.usable_tb : 0 };
  },
  check: checkSystems,
  guard: guardMounted,
};
