import * as v from 'valibot';
import { id, int, name, oneOf, optionalText, timestampsOut } from '../../platform/schemas/common';
import { currency, money } from './common';

export const BUDGET_SCOPES = ['estate', 'datacenter', 'rack', 'server', 'owner', 'tag'] as const;
export const BUDGET_PERIODS = ['month', 'quarter', 'year'] as const;

export const BudgetCreate = v.object({
  name: name(64),
  scope_type: v.optional(oneOf(BUDGET_SCOPES)),
  /** the datacenter, rack or server; null for the estate, an owner or a tag */
  scope_id: v.optional(v.nullable(id)),
  /** the VM owner or tag */
  scope_value: optionalText(64),
  period: v.optional(oneOf(BUDGET_PERIODS)),
  amount: v.pipe(money(), v.gtValue(0, 'must be greater than 0')),
  currency,
  /** alert when the forecast reaches this share of the amount; null: no alerts */
  alert_at_pct: v.optional(v.nullable(int(1, 1000))),
});
export const BudgetUpdate = v.partial(BudgetCreate);

export const Budget = v.object({
  ...timestampsOut,
  name: v.string(),
  scope_type: v.picklist(BUDGET_SCOPES),
  scope_id: v.nullable(v.number()),
  scope_value: v.nullable(v.string()),
  scope_name: v.nullable(v.string()),
  period: v.picklist(BUDGET_PERIODS),
  amount: v.number(),
  currency: v.string(),
  alert_at_pct: v.nullable(v.number()),
});
