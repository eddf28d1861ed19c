import { sql } from 'drizzle-orm';
import { andVisible } from '../platform/access/entities';
import { rackEntity } from './access';
import { datacenters, racks } from './tables';
import type { ResourceDef } from '../platform/http/resource';
import { Datacenter, DatacenterCreate, DatacenterUpdate, DATACENTER_STATUSES, TIERS } from './schemas/datacenter';

export const datacentersResource: ResourceDef = {
  path: '/datacenters',
  entity: 'datacenter',
  label: 'Datacenter',
  tag: 'Datacenters',
  table: datacenters,
  schemas: { create: DatacenterCreate, update: DatacenterUpdate, output: Datacenter },
  filters: {
    status: { type: 'string', values: DATACENTER_STATUSES },
    tier: { type: 'string', values: TIERS },
  },
  sortable: [
    'rack_count',
    'server_count',
    'id',
    'name',
    'location',
    'tier',
    'total_space_sqm',
    'power_capacity_mw',
    'pue_target',
    'status',
    'created_at',
  ],
  defaultSort: 'name',
  searchable: ['name', 'location'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  dependents: [{ table: racks, column: 'datacenter_id', label: 'racks' }],
  computed: (ctx) => ({
    rack_count: sql`(SELECT count(*) FROM racks r WHERE r.datacenter_id = datacenters.id${andVisible(ctx, rackEntity, 'r')})`,
    server_count: sql`(SELECT count(*) FROM servers s JOIN racks r ON r.id = s.rack_id WHERE r.datacenter_id = datacenters.id${andVisible(ctx, rackEntity, 'r')})`,
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description: 'Sites: tier, floor space, power and cooling capacity, PUE target and certifications.',
};
