import { defineDomain } from '../platform/domain';
import { addDependent } from '../platform/http/resource';
import { datacentersResource } from '../dcim/datacenters';
import * as tables from './tables';
import './access';
import { mountOptimisation } from './routes';
import { optimisationJobs } from './jobs';

// a datacenter's plans are its history: it is not deleted from under them
addDependent(datacentersResource, { table: tables.placementPlans, column: 'datacenter_id', label: 'placement plans' });

/** VM placement and consolidation plans (the solver is in packing/), approved and carried out as migrations. */
export const optimisation = defineDomain({
  name: 'optimisation',
  tables,
  mount: mountOptimisation,
  jobs: optimisationJobs,
});
