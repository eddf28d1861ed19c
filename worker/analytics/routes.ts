import type { Api } from '../platform/http/api';
import { capacity, dashboardMetrics } from './service';
import { exhaustionReport, growthReport } from './forecast-service';
import { placement, procurementPlan, risks, stranded } from './planning-service';
import {
  CapacityReport,
  DashboardMetrics,
  ExhaustionQuery,
  ExhaustionRow,
  ForecastMonth,
  ForecastQuery,
  GrowthReport,
  PlacementPlan,
  PlacementQuery,
  ProcurementLine,
  ProcurementQuery,
  RiskQuery,
  CapacityRisk,
  StrandedQuery,
  StrandedRow,
} from './schemas';

const FORECAST_HOW =
  'Inventory growth is read month by month from the servers as they are now (a server counts from its purchase ' +
  'date, or the month it was recorded; it stops drawing power when decommissioned) and VMs from their creation; ' +
  'each quantity is forecast by the method that did best on its own past in a rolling-origin backtest (no growth, ' +
  'drift, linear or damped trend), with a 90 % interval from that backtest. racks_needed holds the forecast U and ' +
  "power in racks of the estate's mean size with headroom_pct of each kept free.";

export function mountAnalytics(api: Api) {
  api.op(
    {
      method: 'get',
      path: '/dashboard/metrics',
      summary: 'Estate KPIs: counts, PUE, active alerts, rack-space and power utilisation, warranty exposure',
      tags: ['Analytics'],
      access: 'inventory:read',
      responses: [
        { status: 200, description: 'Dashboard metrics', schema: DashboardMetrics, name: 'DashboardMetrics' },
      ],
    },
    async (c, { ctx }) => c.json(await dashboardMetrics(ctx)),
  );
  api.op(
    {
      method: 'get',
      path: '/analytics/capacity',
      summary: 'Rack-space (U) and power (kW) capacity: total, used, free, utilisation, overall and per datacenter',
      tags: ['Analytics'],
      access: 'inventory:read',
      responses: [{ status: 200, description: 'Capacity report', schema: CapacityReport, name: 'CapacityReport' }],
    },
    async (c, { ctx }) => c.json(await capacity(ctx)),
  );
  api.op(
    {
      method: 'get',
      path: '/analytics/forecast',
      summary: 'Capacity forecast, one element per month ahead (3–12): servers, U, power, cooling, racks needed',
      description: FORECAST_HOW,
      tags: ['Analytics'],
      access: 'inventory:read',
      query: ForecastQuery,
      responses: [
        { status: 200, description: 'One element per month', schema: ForecastMonth, name: 'ForecastMonth', list: true },
      ],
    },
    async (c, { ctx, query }) => {
      const { forecast } = await growthReport(ctx, query);
      c.header('X-Total-Count', String(forecast.length));
      return c.json(forecast);
    },
  );
  api.op(
    {
      method: 'get',
      path: '/analytics/growth',
      summary: 'Inventory growth: monthly history, the method chosen per quantity, and the forecast (the UI chart)',
      description: FORECAST_HOW,
      tags: ['Analytics'],
      access: 'inventory:read',
      query: ForecastQuery,
      responses: [{ status: 200, description: 'Growth report', schema: GrowthReport, name: 'GrowthReport' }],
    },
    async (c, { ctx, query }) => c.json(await growthReport(ctx, query)),
  );
  api.op(
    {
      method: 'get',
      path: '/analytics/exhaustion',
      summary: 'When each datacenter runs out of space, power, cooling and compute, with a 90 % interval',
      description:
        'A resource runs out when its forecast use reaches capacity less headroom_pct. Space: U of the racks; power: ' +
        "the racks' power budgets against allocated power; cooling: the site's cooling capacity against the IT heat " +
        'load; compute: vCPU the VM hosts offer (cores × overcommit) against vCPU promised. `earliest` comes from the ' +
        "forecast's upper bound, `latest` from its lower bound; null dates: not within horizon_months. " +
        FORECAST_HOW,
      tags: ['Analytics'],
      access: 'inventory:read',
      query: ExhaustionQuery,
      responses: [
        {
          status: 200,
          description: 'Per datacenter and resource',
          schema: ExhaustionRow,
          name: 'ExhaustionRow',
          list: true,
        },
      ],
    },
    async (c, { ctx, query }) => {
      const rows = await exhaustionReport(ctx, query);
      c.header('X-Total-Count', String(rows.length));
      return c.json(rows);
    },
  );
  const list = <T>(c: { header: (k: string, v: string) => void }, rows: T[]) => {
    c.header('X-Total-Count', String(rows.length));
    return rows;
  };
  api.op(
    {
      method: 'get',
      path: '/analytics/stranded',
      summary: 'Stranded capacity: racks with free U but no power for a typical server, or power but no room',
      description:
        "A typical server is the estate's median height and power. Free power is the rack's budget less " +
        'headroom_pct, less what its servers are allocated; free space counts runs of consecutive U. Largest first.',
      tags: ['Analytics'],
      access: 'inventory:read',
      query: StrandedQuery,
      responses: [{ status: 200, description: 'Racks', schema: StrandedRow, name: 'StrandedRack', list: true }],
    },
    async (c, { ctx, query }) => c.json(list(c, await stranded(ctx, query))),
  );
  api.op(
    {
      method: 'get',
      path: '/analytics/placement',
      summary: 'Where to place the next N servers of a given size and power',
      description:
        'One by one, each in the rack that keeps its free space and free power most in proportion after taking ' +
        'it (so neither is stranded), at the lowest U of the smallest free run that holds it, within the power ' +
        'budget less headroom_pct. `unplaced` and `reason` say what did not fit.',
      tags: ['Analytics'],
      access: 'inventory:read',
      query: PlacementQuery,
      responses: [{ status: 200, description: 'Placement plan', schema: PlacementPlan, name: 'PlacementPlan' }],
    },
    async (c, { ctx, query }) => c.json(await placement(ctx, query)),
  );
  api.op(
    {
      method: 'get',
      path: '/analytics/procurement',
      summary: 'What to order and by when: racks and their PDUs, power and cooling, given a lead time',
      description:
        'Racks: those the capacity forecast needs beyond the installed ones within `months`, ordered in one go ' +
        'by the first month they are short less lead_time_days, with two PDUs each (A and B feeds). Power and ' +
        'cooling: capacity to add when they run out within the horizon, enough for the upper forecast. ' +
        FORECAST_HOW,
      tags: ['Analytics'],
      access: 'inventory:read',
      query: ProcurementQuery,
      responses: [
        { status: 200, description: 'Order lines', schema: ProcurementLine, name: 'ProcurementLine', list: true },
      ],
    },
    async (c, { ctx, query }) => c.json(list(c, await procurementPlan(ctx, query))),
  );
  api.op(
    {
      method: 'get',
      path: '/analytics/risks',
      summary: 'Capacity risks: short headroom, racks a single feed could not carry, single points of failure',
      description:
        'headroom: a resource of a datacenter runs out within min_headroom_months (critical when already out). ' +
        "feed_load: a rack's last-day measured peak (allocated power without telemetry) above 80 % of one feed, " +
        'which carries it all when the other fails. single_point_of_failure: an anti-affinity group, auto-scaling ' +
        'group or cluster whose members all sit in one rack. Each risk carries its evidence.',
      tags: ['Analytics'],
      access: 'inventory:read',
      query: RiskQuery,
      responses: [{ status: 200, description: 'Risks', schema: CapacityRisk, name: 'CapacityRisk', list: true }],
    },
    async (c, { ctx, query }) => c.json(list(c, await risks(ctx, query))),
  );
}
