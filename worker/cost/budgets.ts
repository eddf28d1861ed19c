import type { ResourceDef } from '../platform/http/resource';
import { visibleWhere } from '../platform/access/entities';
import { costBudgets } from './tables';
import { budgetEntity } from './access';
import { scopeErrors } from './rules';
import { checkScoped } from './scope-check';
import { scopeName } from './scope-name';
import { BUDGET_PERIODS, BUDGET_SCOPES, Budget, BudgetCreate, BudgetUpdate } from './schemas/budget';

export const budgetsResource: ResourceDef = {
  path: '/cost/budgets',
  entity: 'cost_budget',
  label: 'Budget',
  tag: 'Cost',
  table: costBudgets,
  schemas: { create: BudgetCreate, update: BudgetUpdate, output: Budget },
  filters: {
    scope_type: { type: 'string', values: BUDGET_SCOPES },
    period: { type: 'string', values: BUDGET_PERIODS },
    currency: { type: 'string' },
  },
  sortable: ['id', 'name', 'scope_type', 'scope_name', 'period', 'amount', 'created_at'],
  defaultSort: 'name',
  searchable: ['name', 'scope_value'],
  computed: () => ({ scope_name: scopeName('cost_budgets', true) }),
  scope: (ctx) => visibleWhere(ctx, budgetEntity),
  access: { read: 'inventory:read', write: 'inventory:write' },
  description:
    'Spending limits per scope (the estate, a datacenter, rack or server, a VM owner or tag) and calendar period, ' +
    'with an optional alert when the forecast reaches a share of the amount. GET /cost/budgets/status has the figures.',
  check: (ctx, changes) => checkScoped(ctx, changes, scopeErrors),
};
