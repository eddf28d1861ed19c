import { defineDomain } from '../platform/domain';
import * as tables from './tables';
import { mountStorage } from './routes';

/** Storage systems (SAN, NAS, object, block, file): RAID layout and usable capacity, replication, encryption, snapshots. */
export const storage = defineDomain({ name: 'storage', tables, mount: mountStorage });
