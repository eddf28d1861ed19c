import type { Job } from '../platform/domain';
import { evaluateInventoryRules } from './inventory';

export const alertingJobs: Job[] = [
  {
    // warranty, rack allocation and space, dead-man (no data), audit chain: checks of the inventory, once a minute
    name: 'alert inventory checks',
    cron: '* * * * *',
    run: async (env) => void (await evaluateInventoryRules(env)),
  },
];
