import type { Job } from '../platform/domain';
import type { ServiceContext } from '../platform/context';
import { createDb } from '../platform/db/client';
import type { Env } from '../env';
import { expireSnapshots } from './snapshots';
import { evaluateAutoscaling } from './autoscale';
import { evaluateScalingGroups } from './scaling-groups';

/** what the crons act as: `system`, whose requests the audit trail and the operations log name so */
const system = (env: Env): ServiceContext => ({
  db: createDb(env.DB),
  env,
  actor: null,
  requestId: 'cron',
  clientIp: null,
  system: true,
});

export const virtualizationJobs: Job[] = [
  {
    name: 'workload autoscaling',
    cron: '* * * * *',
    run: (env, controller) => evaluateAutoscaling(system(env), controller.scheduledTime).then(() => {}),
  },
  {
    name: 'VM auto-scaling groups',
    cron: '* * * * *',
    run: (env, controller) => evaluateScalingGroups(system(env), controller.scheduledTime).then(() => {}),
  },
  { name: 'snapshot retention', cron: '* * * * *', run: (env) => expireSnapshots(system(env)).then(() => {}) },
];
