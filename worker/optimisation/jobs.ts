import type { Job } from '../platform/domain';
import type { ServiceContext } from '../platform/context';
import { createDb } from '../platform/db/client';
import type { Env } from '../env';
import { advancePlans } from './execute';

/** what the cron acts as: `system`, as the audit trail and the operations log name it */
const system = (env: Env): ServiceContext => ({
  db: createDb(env.DB),
  env,
  actor: null,
  requestId: 'cron',
  clientIp: null,
  system: true,
});

export const optimisationJobs: Job[] = [
  // approved plans go a wave at a time: a move into a host another move is emptying starts once that one is done
  { name: 'placement plans, next wave', cron: '* * * * *', run: (env) => advancePlans(system(env)).then(() => {}) },
];
