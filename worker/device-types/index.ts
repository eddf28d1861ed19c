import { defineDomain } from '../platform/domain';
import * as tables from './tables';
import { mountDeviceTypes } from './routes';

// Device types carry no security zone: they are public catalogue data (a model's height and power draw), seen by
// every inventory reader, so there is no access.ts entity; the devices counted on them keep their own zones.

/** Device-type templates (NetBox device-type library YAML): a device created from one gets its U height and power draw. */
export const deviceTypes = defineDomain({ name: 'device-types', tables, mount: mountDeviceTypes });
