import { defineDomain } from '../platform/domain';
import * as tables from './tables';
import './access';
import { mountAlerting } from './routes';
import { alertingJobs } from './jobs';

/** Alert rules (metric rules run in the rack objects, inventory rules by cron), alerts and their lifecycle. */
export const alerting = defineDomain({ name: 'alerting', tables, mount: mountAlerting, jobs: alertingJobs });
