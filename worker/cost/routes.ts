import * as v from 'valibot';
import type { Api } from '../platform/http/api';
import { mountResource } from '../platform/http/resource';
import { tariffsResource } from './tariffs';
import { contractsResource } from './contracts';
import { budgetsResource } from './budgets';
import { costBreakdown, costHistory, costRate, costSummary } from './report';
import { budgetStatuses } from './budget-status';
import { focusCsv } from './focus-export';
import {
  BreakdownQuery,
  CostBreakdown,
  CostHistory,
  CostRate,
  CostSummary,
  FocusQuery,
  HistoryQuery,
  WindowQuery,
} from './schemas/report';
import { BudgetStatus } from './schemas/budget-status';
import { TcoFleet, TcoRequest, TcoResult } from './schemas/tco';
import { tcoFleet, tcoScenario } from './tco-service';
import { CostRecommendations, RecommendationsQuery } from './schemas/recommendations';
import { costRecommendations } from './recommendations';

const SiteQuery = v.object({ datacenter_id: WindowQuery.entries.datacenter_id });

export function mountCost(api: Api) {
  // fixed paths before the resources' /{id}
  api.op(
    {
      method: 'get',
      path: '/cost/summary',
      summary: 'What the estate cost over a window, per currency and category, with the evidence (tariffs, PUE, gaps)',
      description:
        'Energy = IT kWh (metered hourly power_w rollups; a device’s allocated power for hours nothing measured) × PUE ' +
        '(measured over the window, else the design target) × the tariff’s price of each hour. Hardware = purchase cost ' +
        'written off straight-line or declining-balance; space = U and rack rates per month; contracts as billed. ' +
        'Window: from/to (default: this month so far). Only what the caller’s clearance reaches is counted.',
      tags: ['Cost'],
      access: 'inventory:read',
      query: WindowQuery,
      responses: [
        { status: 200, description: 'The summary', schema: CostSummary, name: 'CostSummary' },
        { status: 422, description: 'Bad window' },
      ],
    },
    async (c, { ctx, query }) => c.json(await costSummary(ctx, query)),
  );
  api.op(
    {
      method: 'get',
      path: '/cost/breakdown',
      summary: 'Cost per datacenter, rack, server, VM, owner, tag or category; VMs by their share of the host',
      tags: ['Cost'],
      access: 'inventory:read',
      query: BreakdownQuery,
      responses: [
        {
          status: 200,
          description: 'Rows per group and currency, largest first',
          schema: CostBreakdown,
          name: 'CostBreakdown',
        },
        { status: 422, description: 'Bad window or grouping' },
      ],
    },
    async (c, { ctx, query }) => c.json(await costBreakdown(ctx, query)),
  );
  api.op(
    {
      method: 'get',
      path: '/cost/rate',
      summary: 'The live cost rate: per hour (mean of the last 24 complete hours) and the month’s run rate',
      tags: ['Cost'],
      access: 'inventory:read',
      query: SiteQuery,
      responses: [{ status: 200, description: 'Rates per currency', schema: CostRate, name: 'CostRate' }],
    },
    async (c, { ctx, query }) => c.json(await costRate(ctx, query)),
  );
  api.op(
    {
      method: 'get',
      path: '/cost/history',
      summary: 'Hourly cost over the last days (up to 7): energy as metered each hour, fixed costs spread evenly',
      tags: ['Cost'],
      access: 'inventory:read',
      query: v.object({ ...HistoryQuery.entries, ...SiteQuery.entries }),
      responses: [
        { status: 200, description: 'Points per hour and currency', schema: CostHistory, name: 'CostHistory' },
        { status: 422, description: 'Bad days' },
      ],
    },
    async (c, { ctx, query }) => c.json(await costHistory(ctx, query)),
  );
  api.op(
    {
      method: 'get',
      path: '/cost/budgets/status',
      summary: 'Every budget with its period’s actual, forecast and state (ok, forecast over, over)',
      tags: ['Cost'],
      access: 'inventory:read',
      responses: [
        { status: 200, description: 'Budget figures', schema: v.array(BudgetStatus), name: 'BudgetStatuses' },
      ],
    },
    async (c, { ctx }) => c.json(await budgetStatuses(ctx)),
  );
  api.op(
    {
      method: 'get',
      path: '/cost/export/focus',
      summary: 'A month’s costs as FinOps FOCUS 1.0 CSV (one row per resource, category and VM share)',
      description:
        'Columns and types of FOCUS 1.0 (BilledCost, EffectiveCost, ListCost, ContractedCost: Decimal; ' +
        'BillingPeriodStart/End, ChargePeriodStart/End: UTC date-times; Tags: JSON), then x_ columns of ours. The ' +
        'charge period runs to now for the current month.',
      tags: ['Cost'],
      access: 'inventory:read',
      query: FocusQuery,
      responses: [
        { status: 200, description: 'RFC 4180 CSV with a header row', contentType: 'text/csv', schema: v.string() },
        { status: 422, description: 'Bad month' },
      ],
    },
    async (c, { ctx, query }) => {
      const out = await focusCsv(ctx, query.month);
      return c.body(out.csv, 200, {
        'Content-Type': 'text/csv; charset=utf-8; header=present',
        'Content-Disposition': `attachment; filename="${out.filename}"`,
        'X-Total-Count': String(out.rows),
      });
    },
  );
  api.op(
    {
      method: 'get',
      path: '/cost/tco/fleet',
      summary: 'The estate’s server generations (site and model) as TCO starting points, with a suggested refresh',
      description:
        'Per generation: count, mean age (purchase dates), mean draw (metered over the last 30 days, else nameplate), ' +
        'support contracts per server and year, U, the site’s tariff and PUE, how many are past the write-off period; ' +
        'the suggested refresh is the newest generation the estate has bought.',
      tags: ['Cost'],
      access: 'inventory:read',
      query: SiteQuery,
      responses: [{ status: 200, description: 'Generations, oldest first', schema: TcoFleet, name: 'TcoFleet' }],
    },
    async (c, { ctx, query }) => c.json(await tcoFleet(ctx, query)),
  );
  api.op(
    {
      method: 'post',
      path: '/cost/tco',
      summary: 'Keep or refresh a server generation: cumulative cost per year of each, by component, and break-even',
      description:
        'A calculation, nothing is stored. Energy = servers × W × 8760 h × PUE / 1000 × price per kWh; support and ' +
        'space per year; refreshing buys ⌈count / consolidation_ratio⌉ servers in year 0, less the residual value.',
      tags: ['Cost'],
      access: 'inventory:read',
      body: TcoRequest,
      responses: [
        { status: 200, description: 'The scenario year by year', schema: TcoResult, name: 'TcoResult' },
        { status: 422, description: 'Bad fields, each named in errors[]' },
      ],
    },
    (c, { body }) => c.json(tcoScenario(body)),
  );
  api.op(
    {
      method: 'get',
      path: '/cost/recommendations',
      summary: 'Savings: VMs to size down, hosts packing would free, written-off servers a refresh pays for',
      description:
        'Each with its evidence, what is measured and what is assumed, and a saving per month and year from the last ' +
        '30 days’ costs; without a tariff the saving is null and `needs` says so. Consolidation reuses the placement ' +
        'solver; applying it goes through a placement plan and its approval. Idle servers are not repeated here.',
      tags: ['Cost'],
      access: 'inventory:read',
      query: RecommendationsQuery,
      responses: [
        {
          status: 200,
          description: 'Recommendations, largest saving first',
          schema: CostRecommendations,
          name: 'CostRecommendations',
        },
      ],
    },
    async (c, { ctx, query }) => c.json(await costRecommendations(ctx, query)),
  );
  mountResource(api, tariffsResource);
  mountResource(api, contractsResource);
  mountResource(api, budgetsResource);
}
