import { getTableColumns } from 'drizzle-orm';
import type { ServiceContext } from '../platform/context';
import { visibleWhere } from '../platform/access/entities';
import { allocateToVms, type Allocated } from './breakdown';
import { budgetStatus, type BudgetIn } from './budget';
import { loadEstate } from './estate';
import { costLines } from './model';
import { costBudgets } from './tables';
import { budgetEntity } from './access';
import { scopeName } from './scope-name';
import { periodOf, type Window } from './time';

type Period = 'month' | 'quarter' | 'year';
const iso = (ms: number) => new Date(ms).toISOString();

/** Every budget the caller sees with its period's actual and forecast (one estate read per period kind). */
export async function budgetStatuses(ctx: ServiceContext, now = Date.now()) {
  const budgets = (await ctx.db
    .select({ ...getTableColumns(costBudgets), scope_name: scopeName('cost_budgets', true) })
    .from(costBudgets)
    .where(visibleWhere(ctx, budgetEntity))
    .orderBy(costBudgets.name)
    .all()) as (BudgetIn & { period: Period; scope_name: string | null })[];
  const byPeriod = new Map<Period, { window: Window; lines: Allocated[] }>();
  for (const p of new Set(budgets.map((b) => b.period))) {
    const window = periodOf(now, p);
    const e = await loadEstate(ctx, { from: window.from, to: Math.min(now, window.to) });
    byPeriod.set(p, { window, lines: allocateToVms(e, costLines(e).lines) });
  }
  return budgets.map((b) => {
    const { window, lines } = byPeriod.get(b.period)!;
    return {
      budget_id: b.id,
      name: b.name,
      scope_type: b.scope_type,
      scope_id: b.scope_id,
      scope_name: b.scope_name,
      period: b.period,
      period_start: iso(window.from),
      period_end: iso(window.to),
      amount: b.amount,
      currency: b.currency,
      alert_at_pct: b.alert_at_pct,
      ...budgetStatus(b, lines, window, now),
      formula: 'forecast = actual × period length / time elapsed (the period-to-date mean rate carried to its end)',
    };
  });
}
