import { defineDomain } from '../platform/domain';
import * as tables from './tables';

/** Device-type templates (NetBox device-type library YAML): a device created from one gets its U height and power draw. */
export const deviceTypes = defineDomain({ name: 'device-types', tables });
