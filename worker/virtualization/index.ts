import { defineDomain } from '../platform/domain';
import { addDependent } from '../platform/http/resource';
import { serversResource } from '../dcim/servers';
import * as tables from './tables';
import './access';
import { mountVirtualization } from './routes';
import { virtualizationJobs } from './jobs';
import { SiteAgent } from '../../durable-objects/site-agent';

// a host that still carries VMs cannot be deleted (dcim knows nothing of VMs)
addDependent(serversResource, { table: tables.vms, column: 'host_server_id', label: 'VMs' });

/** Virtual machines on the inventory's hosts: placement with overcommit, and operations run on site by the agent. */
export const virtualization = defineDomain({
  name: 'virtualization',
  tables,
  mount: mountVirtualization,
  jobs: virtualizationJobs,
  objects: { SiteAgent },
});
