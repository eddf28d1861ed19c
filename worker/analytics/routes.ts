import type { Api } from '../platform/http/api';
import { capacity, dashboardMetrics } from './service';
import { CapacityReport, DashboardMetrics } from './schemas';

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
}
