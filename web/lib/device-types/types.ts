// Shapes of the device-types API, named from the generated OpenAPI types (npm run api-types), as web/lib/types.ts does.
import type { components } from '../api-types.gen';

type Schemas = components['schemas'];

export type DeviceType = Schemas['DeviceType'];
export type DeviceTypeDefaults = Schemas['DeviceTypeDefaults'];
export type DeviceTypeImport = Schemas['DeviceTypeImport'];
export type DeviceInterface = DeviceType['interfaces'][number];
export type DevicePowerPort = DeviceType['power_ports'][number];
