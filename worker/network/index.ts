import { defineDomain } from '../platform/domain';
import { addDependent } from '../platform/http/resource';
import { racksResource } from '../dcim/racks';
import * as tables from './tables';
import './access';
import { mountNetwork } from './routes';

// a rack that still holds switches cannot be deleted (dcim knows nothing of network devices)
addDependent(racksResource, { table: tables.networkDevices, column: 'rack_id', label: 'network devices' });

/** Network devices in racks, their ports and the cables between them; traffic per link from telemetry. */
export const network = defineDomain({ name: 'network', tables, mount: mountNetwork });
