// Shapes of the remediation API, named from the generated OpenAPI types (npm run api-types).
import type { components } from '../api-types.gen';

type Schemas = components['schemas'];

export type Playbook = Schemas['RemediationPlaybook'];
export type RemediationRun = Schemas['RemediationRun'];
export interface RemediationSettings {
  kill_switch: boolean;
  changed_by: string | null;
  changed_at: string | null;
  note: string | null;
}
