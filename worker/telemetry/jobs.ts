import type { Job } from '../platform/domain';
import { compactRollups } from './rollups';
import { telemetryConfig } from './config';

export const telemetryJobs: Job[] = [
  {
    // 1-minute rollups older than their retention go; the 1-hour ones the rack objects wrote stay longer
    name: 'telemetry rollup compaction',
    cron: '*/5 * * * *',
    run: async (env) => {
      const cfg = telemetryConfig(env);
      await compactRollups(env.DB, Date.now(), cfg.rollup1mRetentionMs, cfg.rollup1hRetentionMs);
    },
  },
];
