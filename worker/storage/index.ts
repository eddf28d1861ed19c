import { defineDomain } from '../platform/domain';
import { addDependent } from '../platform/http/resource';
import { racksResource } from '../dcim/racks';
import { datacentersResource } from '../dcim/datacenters';
import * as tables from './tables';
import './access';
import { mountStorage } from './routes';

// racks and datacenters holding storage cannot be deleted (dcim knows nothing of storage)
addDependent(racksResource, { table: tables.storageSystems, column: 'rack_id', label: 'storage systems' });
addDependent(datacentersResource, { table: tables.storageSystems, column: 'datacenter_id', label: 'storage systems' });

/** Storage systems (SAN, NAS, object, block, file): RAID layout and usable capacity, replication, encryption, snapshots. */
export const storage = defineDomain({ name: 'storage', tables, mount: mountStorage });
