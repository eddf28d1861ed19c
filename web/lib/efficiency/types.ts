// Shapes of the efficiency API, named from the generated OpenAPI types (npm run api-types), as web/lib/types.ts does.
import type { components } from '../api-types.gen';

type Schemas = components['schemas'];

export type EfficiencyRecommendations = Schemas['EfficiencyRecommendations'];
export type CoolingReport = Schemas['CoolingReport'];
export type RackInlet = CoolingReport['racks'][number];
