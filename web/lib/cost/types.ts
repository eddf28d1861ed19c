// Shapes of the cost API, named from the generated OpenAPI types (npm run api-types), as web/lib/types.ts does.
import type { components } from '../api-types.gen';

type Schemas = components['schemas'];

export type CostSummary = Schemas['CostSummary'];
export type CostBreakdown = Schemas['CostBreakdown'];
export type CostRate = Schemas['CostRate'];
export type CostHistory = Schemas['CostHistory'];
export type Tariff = Schemas['CostTariff'];
export type Contract = Schemas['CostContract'];
export type Budget = Schemas['CostBudget'];
export type BudgetStatus = Schemas['BudgetStatuses'][number];
export type BreakdownRow = CostBreakdown['rows'][number];
export type TcoFleet = Schemas['TcoFleet'];
export type TcoGroup = TcoFleet['groups'][number];
export type TcoResult = Schemas['TcoResult'];
export type CostRecommendations = Schemas['CostRecommendations'];
export type CostRecommendation = CostRecommendations['recommendations'][number];
