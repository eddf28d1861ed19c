import { sql } from 'drizzle-orm';
import { defineDomain } from '../platform/domain';
import { addDependent } from '../platform/http/resource';
import { datacentersResource } from '../dcim/datacenters';
import { serversResource } from '../dcim/servers';
import { vmsResource } from '../virtualization/vms';
import { storageSystemsResource } from '../storage/systems';
import { portsResource } from '../network/ports';
import * as tables from './tables';
import './access';
import { mountIpam } from './routes';

// a site's addressing goes before the site does (dcim knows nothing of IPAM)
addDependent(datacentersResource, { table: tables.vlans, column: 'datacenter_id', label: 'VLANs' });
addDependent(datacentersResource, { table: tables.prefixes, column: 'datacenter_id', label: 'prefixes' });

// an address is unassigned (or deleted) before what it is on goes: no address points at nothing
const assignedTo = (kind: string) => sql`${tables.ipAddresses.assigned_kind} = ${kind}`;
addDependent(serversResource, {
  table: tables.ipAddresses,
  column: 'assigned_id',
  label: 'IP addresses',
  where: assignedTo('server'),
});
addDependent(vmsResource, {
  table: tables.ipAddresses,
  column: 'assigned_id',
  label: 'IP addresses',
  where: assignedTo('vm'),
});
addDependent(storageSystemsResource, {
  table: tables.ipAddresses,
  column: 'assigned_id',
  label: 'IP addresses',
  where: assignedTo('storage_system'),
});
addDependent(portsResource, {
  table: tables.ipAddresses,
  column: 'assigned_id',
  label: 'IP addresses',
  where: assignedTo('network_port'),
});

/** IP addresses, prefixes and VLANs. */
export const ipam = defineDomain({ name: 'ipam', tables, mount: mountIpam });
