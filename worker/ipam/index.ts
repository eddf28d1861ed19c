import { defineDomain } from '../platform/domain';
import * as tables from './tables';

/** IP addresses, prefixes and VLANs. */
export const ipam = defineDomain({ name: 'ipam', tables });
