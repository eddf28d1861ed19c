import { sql } from 'drizzle-orm';
import type { ResourceDef } from '../platform/http/resource';
import { andVisible } from '../platform/access/entities';
import { datacenters } from '../dcim/tables';
import { pdus, powerFeeds } from './tables';
import { pduEntity } from './access';
import { FEED_CAPACITY_SQL, FEED_USABLE_SQL } from './capacity';
import { allocatedKwSql } from './load-sql';
import {
  FEED_PHASES,
  FEED_SIDES,
  FEED_SOURCES,
  FEED_STATUSES,
  FEED_TYPES,
  PowerFeed,
  PowerFeedCreate,
  PowerFeedUpdate,
} from './schemas/feed';

export const feedsResource: ResourceDef = {
  path: '/power/feeds',
  entity: 'power_feed',
  label: 'Power feed',
  tag: 'Power',
  table: powerFeeds,
  schemas: { create: PowerFeedCreate, update: PowerFeedUpdate, output: PowerFeed },
  filters: {
    datacenter_id: { type: 'int' },
    side: { type: 'string', values: FEED_SIDES },
    source: { type: 'string', values: FEED_SOURCES },
    feed_type: { type: 'string', values: FEED_TYPES },
    phase: { type: 'string', values: FEED_PHASES },
    status: { type: 'string', values: FEED_STATUSES },
  },
  sortable: [
    'id',
    'name',
    'datacenter_id',
    'panel',
    'side',
    'source',
    'voltage',
    'amperage',
    'capacity_kw',
    'usable_kw',
    'allocated_kw',
    'pdu_count',
    'status',
    'created_at',
  ],
  defaultSort: 'name',
  searchable: ['name', 'panel'],
  unique: [{ fields: ['datacenter_id', 'name'], ignoreCase: true }],
  references: { datacenter_id: { table: datacenters, label: 'Datacenter' } },
  dependents: [{ table: pdus, column: 'feed_id', label: 'PDUs' }],
  computed: (ctx) => ({
    datacenter_name: sql.raw('(SELECT d.name FROM datacenters d WHERE d.id = power_feeds.datacenter_id)'),
    capacity_kw: sql.raw(FEED_CAPACITY_SQL),
    usable_kw: sql.raw(FEED_USABLE_SQL),
    // counts and loads only over what the caller may see: a hidden rack's PDUs do not show up as a number either
    pdu_count: sql`(SELECT count(*) FROM pdus p WHERE p.feed_id = power_feeds.id${andVisible(ctx, pduEntity, 'p')})`,
    allocated_kw: allocatedKwSql(ctx, 'p.feed_id = power_feeds.id'),
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'Power feeds from a panel (utility, UPS or generator; side A or B) as NetBox models them: capacity_kw = V x A ' +
    '(x sqrt 3 three-phase) / 1000, usable_kw derated to max_utilization_pct, allocated_kw from the devices on its PDUs.',
};
