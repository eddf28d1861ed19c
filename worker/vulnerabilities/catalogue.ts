import { sql } from 'drizzle-orm';
import type { ResourceDef } from '../platform/http/resource';
import { vulnerabilities } from './tables';
import { Vulnerability, SEVERITIES } from './schemas/vulnerability';
import { findingScope } from './access';

/** The catalogue: written only by imports (upload or feed), read by everyone who reads the inventory. */
export const catalogueResource: ResourceDef = {
  path: '/vulnerabilities/catalogue',
  entity: 'vulnerability',
  label: 'Vulnerability',
  tag: 'Vulnerabilities',
  table: vulnerabilities,
  schemas: { output: Vulnerability },
  ops: ['list', 'get'],
  filters: {
    known_exploited: { type: 'bool', description: 'In CISA’s Known Exploited Vulnerabilities catalogue.' },
    severity: { type: 'string', values: SEVERITIES },
    vendor: { type: 'string', op: 'like' },
    vuln_id: { type: 'string' },
  },
  sortable: [
    'vuln_id',
    'severity',
    'cvss_score',
    'due_date',
    'date_added',
    'published',
    'modified',
    'finding_count',
    'id',
  ],
  defaultSort: '-date_added',
  searchable: ['vuln_id', 'title', 'vendor', 'product', 'aliases'],
  computed: (ctx) => ({
    // qualified by hand: drizzle renders ${vulnerabilities.id} as a bare "id", which inside the subquery is vf.id
    finding_count: sql`(SELECT count(*) FROM vulnerability_findings vf WHERE vf.vulnerability_id = vulnerabilities.id AND vf.status = 'open' AND ${findingScope(ctx, 'vf')})`,
  }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'The vulnerability catalogue: CISA Known Exploited Vulnerabilities and OSV records, merged by CVE. Written by POST /vulnerabilities/catalogue/import and the feeds.',
};
