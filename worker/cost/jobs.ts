import type { Job } from '../platform/domain';
import { checkBudgets } from './budget-alerts';

export const costJobs: Job[] = [
  {
    // costs move by the hour (metered energy lands in hourly rollups): every five minutes is early enough
    name: 'budget forecasts',
    cron: '*/5 * * * *',
    run: async (env) => {
      await checkBudgets(env);
    },
  },
];
