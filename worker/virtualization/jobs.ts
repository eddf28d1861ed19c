import type { Job } from '../platform/domain';
import type { ServiceContext } from '../platform/context';
import { createDb } from '../platform/db/client';
import { expireSnapshots } from './snapshots';

export const virtualizationJobs: Job[] = [
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
