// Budget arithmetic, pure: what a scope has cost so far this period, and where it is heading.
import type { Allocated } from './breakdown';
import type { Window } from './time';

export interface BudgetIn {
  id: number;
  name: string;
  scope_type: 'estate' | 'datacenter' | 'rack' | 'server' | 'owner' | 'tag';
  scope_id: number | null;
  scope_value: string | null;
  amount: number;
  currency: string;
  alert_at_pct: number | null;
}

/** Does a cost line count against the budget's scope? Owners and tags are VMs' (a host's unallocated rest is no one's). */
export function inBudgetScope(b: BudgetIn, l: Allocated): boolean {
  switch (b.scope_type) {
    case 'estate':
      return true;
    case 'datacenter':
      return l.datacenter_id === b.scope_id;
    case 'rack':
      return l.rack_id === b.scope_id;
    case 'server':
      return l.server_id === b.scope_id;
    case 'owner':
      return l.vm_id !== null && l.owner === b.scope_value;
    case 'tag':
      return l.vm_id !== null && l.tags.includes(b.scope_value ?? '');
  }
}

export type BudgetState = 'ok' | 'forecast_over' | 'over';

/**
 * Actual: the scope's cost from the period's start to `now`, in the budget's currency. Forecast: the actual
 * carried on at the same mean rate to the period's end (actual × period length / time elapsed). `alerting`: the
 * forecast (or the actual) has reached alert_at_pct of the amount.
 */
export function budgetStatus(b: BudgetIn, lines: readonly Allocated[], period: Window, now: number) {
  const elapsed = Math.min(now, period.to) - period.from;
  const mine = lines.filter((l) => inBudgetScope(b, l));
  const actual = mine.filter((l) => l.currency === b.currency).reduce((s, l) => s + l.amount, 0);
  const forecast = elapsed > 0 ? (actual * (period.to - period.from)) / elapsed : 0;
  const other = [...new Set(mine.filter((l) => l.currency !== b.currency).map((l) => l.currency))].sort();
  const state: BudgetState = actual > b.amount ? 'over' : forecast > b.amount ? 'forecast_over' : 'ok';
  const pct = (x: number) => Math.round((1000 * x) / b.amount) / 10;
  const threshold = b.alert_at_pct === null ? null : (b.amount * b.alert_at_pct) / 100;
  return {
    actual: Math.round(actual * 100) / 100,
    forecast: Math.round(forecast * 100) / 100,
    actual_pct: pct(actual),
    forecast_pct: pct(forecast),
    state,
    alerting: threshold !== null && Math.max(actual, forecast) >= threshold,
    elapsed_pct: Math.round((1000 * elapsed) / (period.to - period.from)) / 10,
    /** costs in the scope priced in another currency: not in the actual, never converted */
    other_currencies: other,
  };
}
