import type { ResourceDef } from '../platform/http/resource';
import { ImportRun, RUN_STATUSES } from './schemas/import';
import { importRuns } from './tables';

/** Past imports, dry runs included; written only by the importer (service.ts). */
export const importRunsResource: ResourceDef = {
  path: '/imports/runs',
  entity: 'import_run',
  label: 'import run',
  tag: 'Imports',
  table: importRuns,
  schemas: { output: ImportRun },
  ops: ['list', 'get'],
  filters: {
    status: { type: 'string', values: RUN_STATUSES },
    dry_run: { type: 'bool' },
  },
  sortable: ['id', 'created_at', 'status', 'duration_ms'],
  defaultSort: '-id',
  searchable: ['requested_by'],
  present: (row) => ({ ...row, dry_run: !!row.dry_run }),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description: 'Imports from NetBox, one row per run (dry runs too), each with its report.',
};
