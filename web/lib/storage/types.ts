// Shapes of the storage API, named from the generated OpenAPI types (npm run api-types), as web/lib/types.ts does.
import type { components } from '../api-types.gen';

type Schemas = components['schemas'];

export type StorageSystem = Schemas['StorageSystem'];
export type StorageSnapshot = Schemas['StorageSnapshot'];
export type StorageSummary = Schemas['StorageSummary'];
export type StorageDiskRisk = Schemas['StorageDiskRisk'];
