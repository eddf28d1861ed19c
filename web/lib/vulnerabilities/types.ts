// Shapes of the vulnerability API, named from the generated OpenAPI types (npm run api-types), as web/lib/types.ts does.
import type { components } from '../api-types.gen';

type Schemas = components['schemas'];

export type Finding = Schemas['VulnerabilityFinding'];
export type RiskReport = Schemas['VulnerabilityRisk'];
export type RiskBucket = RiskReport['total'];
export type RackRisk = RiskReport['racks'][number];
export type DatacenterRisk = RiskReport['datacenters'][number];
export type ConfigReport = Schemas['VulnerabilityConfigReport'];
export type ConfigFinding = ConfigReport['findings'][number];
export type ImportResult = Schemas['VulnerabilityImportResult'];
export type ScanResult = Schemas['VulnerabilityScanResult'];
