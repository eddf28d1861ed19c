import type { Job } from '../platform/domain';
import type { ServiceContext } from '../platform/context';
import { createDb } from '../platform/db/client';
import { expireSnapshots } from './snapshots';
import { evaluateAutoscaling } from './autoscale';

export const virtualizationJobs: Job[] = [
  {
    name: 'workload autoscaling',
    cron: '* * * * *',
    run: async (env, controller) => {
      const ctx: ServiceContext = {
        db: createDb(env.DB),
        env,
        actor: null,
        requestId: 'cron',
        clientIp: null,
        system: true,
      };
      await evaluateAutoscaling(ctx, controller.scheduledTime);
    },
  },
  {
    name: 'snapshot retention',
    cron: '* * * * *',
    run: async (env) => {
      const ctx: ServiceContext = {
        db: createDb(env.DB),
        env,
        actor: null,
        requestId: 'cron',
        clientIp: null,
        system: true,
      };
      await expireSnapshots(ctx);
    },
  },
];
