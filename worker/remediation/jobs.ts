import type { Job } from '../platform/domain';
import type { ServiceContext } from '../platform/context';
import { createDb } from '../platform/db/client';
import type { Env } from '../env';
import { triggerPlaybooks } from './trigger';
import { advanceRuns } from './execute';

/** what the cron acts as: `system`, as the audit trail, the operations log and incident timelines name it */
const system = (env: Env): ServiceContext => ({
  db: createDb(env.DB),
  env,
  actor: null,
  requestId: 'cron',
  clientIp: null,
  system: true,
});

export const remediationJobs: Job[] = [
  // follow what runs first (an operation done since the last minute is verified now), then meet new alerts
  {
    name: 'remediation playbooks',
    cron: '* * * * *',
    run: async (env, controller) => {
      const ctx = system(env);
      await advanceRuns(ctx, controller.scheduledTime);
      await triggerPlaybooks(ctx, controller.scheduledTime);
    },
  },
];
