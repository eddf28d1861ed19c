import type { Env } from '../env';
import { scheduledCheckpoint } from '../platform/audit/checkpoints';
import { compactRollups } from '../telemetry/rollups';
import { telemetryConfig } from '../telemetry/config';

/** 1-minute rollups older than their retention go; the 1-hour ones the rack objects wrote stay longer. */
const scheduledCompaction = async (env: Env) => {
  const cfg = telemetryConfig(env);
  await compactRollups(env.DB, Date.now(), cfg.rollup1mRetentionMs, cfg.rollup1hRetentionMs);
};

type Job = (env: Env, controller: ScheduledController, ctx: ExecutionContext) => Promise<void>;

/** What each Cron Trigger of wrangler.toml `[triggers] crons` runs, by its exact expression. */
export const CRON_JOBS: Record<string, { name: string; run: Job }[]> = {
  '*/5 * * * *': [
    { name: 'audit checkpoint', run: (env) => scheduledCheckpoint(env) },
    { name: 'telemetry rollup compaction', run: (env) => scheduledCompaction(env) },
  ],
};

/**
 * The Worker's `scheduled` handler: runs the jobs of the trigger that fired, each independently of the others;
 * fails (so the dashboard shows it) when one of them failed.
 */
export async function runScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const jobs = CRON_JOBS[controller.cron];
  if (!jobs) {
    console.warn(`cron: no job for "${controller.cron}"`);
    return;
  }
  const outcomes = await Promise.allSettled(jobs.map((job) => job.run(env, controller, ctx)));
  const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`${jobs[i].name}: ${o.reason}`] : []));
  if (failed.length) throw new Error(`cron "${controller.cron}" failed: ${failed.join('; ')}`);
}
