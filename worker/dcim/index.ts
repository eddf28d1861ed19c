import { defineDomain } from '../platform/domain';
import * as tables from './tables';
import { mountDcim } from './routes';

/** Datacenters, racks and servers: the inventory everything else hangs off. */
export const dcim = defineDomain({ name: 'dcim', tables, mount: mountDcim });
