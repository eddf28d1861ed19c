import type { Job } from '../platform/domain';
import { createDb } from '../platform/db/client';
import { continueRun, startRun } from './forecast-job';

/** The nightly trigger starts a forecasting run and does its first chunk; the minute trigger continues it. */
export const aiJobs: Job[] = [
  {
    name: 'nightly forecasts',
    cron: '0 2 * * *',
    run: async (env) => {
      await startRun(createDb(env.DB), 'nightly');
      await continueRun(env);
    },
  },
  { name: 'forecasts, next chunk', cron: '* * * * *', run: (env) => continueRun(env).then(() => {}) },
];
