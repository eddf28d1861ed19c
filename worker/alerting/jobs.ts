import type { Job } from '../platform/domain';
import { evaluateInventoryRules } from './inventory';
import { expireAlertmanagerAlerts } from './alertmanager';
import { alertsChanged } from '../../durable-objects/alert-hub-client';

export const alertingJobs: Job[] = [
  {
    // warranty, rack allocation and space, dead-man (no data), audit chain; Alertmanager alerts past their end
    name: 'alert inventory checks and expiry',
    cron: '* * * * *',
    run: async (env) => {
      await evaluateInventoryRules(env);
      await expireAlertmanagerAlerts(env.DB);
      // the hub pushes what these changed, and whatever a lost poke left behind
      await alertsChanged(env);
    },
  },
];
