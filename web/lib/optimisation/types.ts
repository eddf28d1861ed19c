// Shapes of the optimisation API, named from the generated OpenAPI types (npm run api-types).
import type { components } from '../api-types.gen';

type Schemas = components['schemas'];

export type PlacementPlan = Schemas['VmPlacementPlan'];
export type PlanMove = PlacementPlan['moves'][number];
export type PlanHost = PlacementPlan['hosts'][number];
