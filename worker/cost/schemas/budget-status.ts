import * as v from 'valibot';
import { BUDGET_PERIODS, BUDGET_SCOPES } from './budget';

export const BudgetStatus = v.object({
  budget_id: v.number(),
  name: v.string(),
  scope_type: v.picklist(BUDGET_SCOPES),
  scope_id: v.nullable(v.number()),
  scope_name: v.nullable(v.string()),
  period: v.picklist(BUDGET_PERIODS),
  period_start: v.string(),
  period_end: v.string(),
  amount: v.number(),
  currency: v.string(),
  /** the scope's cost from the period's start to now */
  actual: v.number(),
  /** the actual carried on at its mean rate to the period's end */
  forecast: v.number(),
  actual_pct: v.number(),
  forecast_pct: v.number(),
  elapsed_pct: v.number(),
  state: v.picklist(['ok', 'forecast_over', 'over']),
  alert_at_pct: v.nullable(v.number()),
  alerting: v.boolean(),
  other_currencies: v.array(v.string()),
  formula: v.string(),
});
