import { defineDomain } from '../platform/domain';
import { mountSearch } from './routes';

/** One box that finds servers, racks, datacenters and users by name, serial, asset tag or address. */
export const search = defineDomain({ name: 'search', mount: mountSearch });
