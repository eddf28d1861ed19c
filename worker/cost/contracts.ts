import type { ResourceDef } from '../platform/http/resource';
import { visibleWhere } from '../platform/access/entities';
import { costContracts } from './tables';
import { contractEntity } from './access';
import { contractErrors } from './rules';
import { checkScoped } from './scope-check';
import { scopeName } from './scope-name';
import {
  BILLINGS,
  CONTRACT_KINDS,
  CONTRACT_SCOPES,
  Contract,
  ContractCreate,
  ContractUpdate,
} from './schemas/contract';

export const contractsResource: ResourceDef = {
  path: '/cost/contracts',
  entity: 'cost_contract',
  label: 'Contract',
  tag: 'Cost',
  table: costContracts,
  schemas: { create: ContractCreate, update: ContractUpdate, output: Contract },
  filters: {
    kind: { type: 'string', values: CONTRACT_KINDS },
    scope_type: { type: 'string', values: CONTRACT_SCOPES },
    scope_id: { type: 'int' },
    billing: { type: 'string', values: BILLINGS },
    currency: { type: 'string' },
  },
  sortable: [
    'id',
    'name',
    'kind',
    'vendor',
    'scope_type',
    'scope_name',
    'amount',
    'starts_on',
    'ends_on',
    'created_at',
  ],
  defaultSort: 'name',
  searchable: ['name', 'vendor', 'description'],
  computed: () => ({ scope_name: scopeName('cost_contracts') }),
  scope: (ctx) => visibleWhere(ctx, contractEntity),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'Licences and support contracts: an amount per month or year from starts_on (to ends_on), charged to the estate, ' +
    'a datacenter, rack, server or VM. One on a rack, server or VM is as secret as it.',
  check: (ctx, changes) => checkScoped(ctx, changes, contractErrors),
};
