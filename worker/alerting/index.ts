import { defineDomain } from '../platform/domain';
import * as tables from './tables';
import './access';
import { mountAlerting } from './routes';
import { alertingJobs } from './jobs';
import { AlertHub } from '../../durable-objects/alert-hub';

/** Alert rules (metric rules run in the rack objects, inventory rules by cron), alerts and their lifecycle. */
export const alerting = defineDomain({
  name: 'alerting',
  tables,
  mount: mountAlerting,
  jobs: alertingJobs,
  objects: { AlertHub },
});
