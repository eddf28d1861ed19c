// Shapes of the network API, named from the generated OpenAPI types (npm run api-types).
import type { components } from '../api-types.gen';

type Schemas = components['schemas'];

export type NetworkDevice = Schemas['NetworkDevice'];
export type NetworkPort = Schemas['NetworkPort'];
export type NetworkCable = Schemas['NetworkCable'];
export type NetworkTopology = Schemas['NetworkTopology'];
export type NetworkTraffic = Schemas['NetworkTraffic'];
