import { defineDomain } from '../platform/domain';
import * as tables from './tables';
import { mountPower } from './routes';

/** The power chain: feeds, rack PDUs and device power supplies; what a feed failure takes down. */
export const power = defineDomain({ name: 'power', tables, mount: mountPower });
