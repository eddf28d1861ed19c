import { defineDomain } from '../platform/domain';
import * as tables from './tables';
import { mountVulnerabilities } from './routes';
import { vulnerabilityJobs } from './feeds-job';

/** Vulnerability catalogue (CISA KEV, OSV), matching against inventory versions, findings and configuration scanning. */
export const vulnerabilities = defineDomain({
  name: 'vulnerabilities',
  tables,
  mount: mountVulnerabilities,
  jobs: vulnerabilityJobs,
});
