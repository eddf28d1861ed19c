// Shapes of the power domain's answers, named from the generated OpenAPI types (npm run api-types).
import type { components } from '../api-types.gen';

type Schemas = components['schemas'];

export type PowerFeed = Schemas['PowerFeed'];
export type Pdu = Schemas['Pdu'];
export type PowerSupply = Schemas['PowerSupply'];
export type PowerChain = Schemas['PowerChain'];
export type PowerImpact = Schemas['PowerImpact'];
export type ChainFeed = PowerChain['feeds'][number];
export type ChainPdu = ChainFeed['pdus'][number];
export type ChainRack = PowerChain['racks'][number];
export type ImpactState = NonNullable<PowerImpact['racks'][number]['worst']>;
