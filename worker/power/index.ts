import { defineDomain } from '../platform/domain';
import { sql } from 'drizzle-orm';
import { addCascade, addDependent } from '../platform/http/resource';
import { racksResource } from '../dcim/racks';
import { serversResource } from '../dcim/servers';
import { storageSystemsResource } from '../storage/systems';
import { devicesResource } from '../network/devices';
import * as tables from './tables';
import './access';
import { mountPower } from './routes';

// a rack that still holds PDUs cannot be deleted (dcim knows nothing of PDUs)
addDependent(racksResource, { table: tables.pdus, column: 'rack_id', label: 'PDUs' });

// a device's power supplies are parts of it: they go when it is deleted (supplies name their device by kind and id)
for (const [kind, def] of [
  ['server', serversResource],
  ['storage', storageSystemsResource],
  ['network', devicesResource],
] as const) {
  addCascade(def, {
    table: tables.powerSupplies,
    column: 'device_id',
    label: 'power supplies',
    where: sql`${tables.powerSupplies.device_kind} = ${kind}`,
  });
}

/** The power chain: feeds, rack PDUs and device power supplies; what a feed failure takes down. */
export const power = defineDomain({ name: 'power', tables, mount: mountPower });
