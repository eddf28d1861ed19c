import type { Api } from '../platform/http/api';
import { efficiencyRecommendations } from './recommendations';
import { coolingReport } from './cooling-report';
import { CoolingQuery, RecommendationsQuery } from './schemas/query';
import { EfficiencyRecommendations } from './schemas/recommendations';
import { CoolingReport } from './schemas/cooling';

export function mountEfficiency(api: Api) {
  api.op(
    {
      method: 'get',
      path: '/efficiency/recommendations',
      summary: "A site's power efficiency: idle servers, power caps from measured peaks, PUE trend and its drivers",
      description:
        'Over the last 7 days of complete hours, from the hourly rollups. Idle: CPU under 5 % in every hour (95 % of ' +
        'the hours measured, else listed as not enough data), with the kWh a year its measured draw costs, × PUE ' +
        '(measured, else the design target) and, when a tariff prices the site, its cost (the cost domain’s ' +
        'arithmetic). Caps: measured peak + 10 % against the nameplate (power_supply_w). PUE: this week against the ' +
        'one before, the change split exactly between facility overhead and IT load. Only the racks and servers the ' +
        'caller’s clearance reaches are counted.',
      tags: ['Efficiency'],
      access: 'inventory:read',
      query: RecommendationsQuery,
      responses: [
        {
          status: 200,
          description: 'Recommendations with their evidence',
          schema: EfficiencyRecommendations,
          name: 'EfficiencyRecommendations',
        },
        { status: 404, description: 'No such datacenter' },
        { status: 422, description: 'Bad query' },
      ],
    },
    async (c, { ctx, query }) => c.json(await efficiencyRecommendations(ctx, query)),
  );
  api.op(
    {
      method: 'get',
      path: '/efficiency/cooling',
      summary: "A site's rack inlets against ASHRAE A1 (18–27 °C): hot spots, overcooling, spread, setpoint, moves",
      description:
        'Each visible rack’s hourly inlet means over the last `hours` (24) complete hours: hot when an hour was above ' +
        '27 °C, overcooled when none reached 18 °C. The setpoint may rise while the hottest hour stays 1 °C under ' +
        '27 °C; its saving is a rule of thumb (4 % of cooling energy per °C, range 2–5 %, sources in `rule`) applied ' +
        'to the measured facility overhead. For each hot rack, its largest running VMs with an allowed migration ' +
        'target in the coolest rack (the virtualization domain’s migration rules).',
      tags: ['Efficiency'],
      access: 'inventory:read',
      query: CoolingQuery,
      responses: [
        { status: 200, description: 'The floor against the envelope', schema: CoolingReport, name: 'CoolingReport' },
        { status: 404, description: 'No such datacenter' },
        { status: 422, description: 'Bad query' },
      ],
    },
    async (c, { ctx, query }) => c.json(await coolingReport(ctx, query)),
  );
}
