// Shapes of the IPAM API, named from the generated OpenAPI types (npm run api-types), as web/lib/types.ts does.
import type { components } from '../api-types.gen';

type Schemas = components['schemas'];

export type Prefix = Schemas['Prefix'];
export type IpAddress = Schemas['IpAddress'];
export type Vlan = Schemas['Vlan'];
export type AvailableIp = Schemas['AvailableIps'][number];
export type AvailablePrefix = Schemas['AvailablePrefixes'][number];
export type IpamSummary = Schemas['IpamSummary'];
