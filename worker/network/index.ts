import { defineDomain } from '../platform/domain';
import * as tables from './tables';
import { mountNetwork } from './routes';

/** Network devices in racks, their ports and the cables between them; traffic per link from telemetry. */
export const network = defineDomain({ name: 'network', tables, mount: mountNetwork });
