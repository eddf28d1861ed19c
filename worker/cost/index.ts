import { sql } from 'drizzle-orm';
import { defineDomain } from '../platform/domain';
import { addDependent, type ResourceDef } from '../platform/http/resource';
import { datacentersResource } from '../dcim/datacenters';
import { racksResource } from '../dcim/racks';
import { serversResource } from '../dcim/servers';
import { vmsResource } from '../virtualization/vms';
import * as tables from './tables';
import './access';
import { mountCost } from './routes';
import { costJobs } from './jobs';

// a site's tariff goes before the site does (dcim knows nothing of costs)
addDependent(datacentersResource, { table: tables.costTariffs, column: 'datacenter_id', label: 'tariffs' });

// a contract or budget never points at nothing: what it covers goes after it
const scoped: [ResourceDef, string][] = [
  [datacentersResource, 'datacenter'],
  [racksResource, 'rack'],
  [serversResource, 'server'],
  [vmsResource, 'vm'],
];
for (const [def, kind] of scoped) {
  addDependent(def, {
    table: tables.costContracts,
    column: 'scope_id',
    label: 'cost contracts',
    where: sql`${tables.costContracts.scope_type} = ${kind}`,
  });
  if (kind !== 'vm')
    addDependent(def, {
      table: tables.costBudgets,
      column: 'scope_id',
      label: 'budgets',
      where: sql`${tables.costBudgets.scope_type} = ${kind}`,
    });
}

/** Cost management: tariffs, contracts, budgets; energy, hardware, space and contract costs, allocated to VMs. */
export const cost = defineDomain({ name: 'cost', tables, mount: mountCost, jobs: costJobs });
