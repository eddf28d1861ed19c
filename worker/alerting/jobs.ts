import type { Job } from '../platform/domain';
import { evaluateInventoryRules } from './inventory';
import { advanceEscalations } from './escalation';
import { maintenanceTransitions } from './maintenance-jobs';
import { expireAlertmanagerAlerts } from './alertmanager';
import { alertsChanged } from '../../durable-objects/alert-hub-client';

export const alertingJobs: Job[] = [
  {
    // warranty, rack allocation and space, dead-man (no data), audit chain; Alertmanager alerts past their end;
    // escalation
    name: 'alert inventory checks and expiry',
    cron: '* * * * *',
    run: async (env, controller) => {
      await evaluateInventoryRules(env);
      await expireAlertmanagerAlerts(env.DB);
      // windows that began or ended (server statuses, suppressed alerts released), then unacknowledged alerts up
      // their policy's levels, at the trigger's own time
      await maintenanceTransitions(env, controller.scheduledTime);
      await advanceEscalations(env, controller.scheduledTime);
      // the hub pushes what these changed, and whatever a lost poke left behind
      await alertsChanged(env);
    },
  },
];
