import type { ResourceDef } from '../platform/http/resource';
import { vulnerabilityFeeds } from './tables';
import { FEED_FORMATS, VulnerabilityFeed, VulnerabilityFeedCreate, VulnerabilityFeedUpdate } from './schemas/feed';

/** Feeds fetched nightly (feeds-job.ts); their last run is recorded on the row. */
export const feedsResource: ResourceDef = {
  path: '/vulnerabilities/feeds',
  entity: 'vulnerability_feed',
  label: 'Vulnerability feed',
  tag: 'Vulnerabilities',
  table: vulnerabilityFeeds,
  schemas: { create: VulnerabilityFeedCreate, update: VulnerabilityFeedUpdate, output: VulnerabilityFeed },
  filters: { format: { type: 'string', values: FEED_FORMATS }, enabled: { type: 'bool' } },
  sortable: ['name', 'format', 'last_run_at', 'last_status', 'id'],
  defaultSort: 'name',
  searchable: ['name', 'url'],
  unique: [{ fields: ['name'], ignoreCase: true }],
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'Where the catalogue comes from: a CISA KEV or OSV URL fetched every night at 02:00 UTC (last_status and last_error say how it went).',
};
