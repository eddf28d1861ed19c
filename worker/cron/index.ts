import type { Env } from '../env';
import type { Job } from '../platform/domain';
import { DOMAINS } from '../domains';

/** Every domain's jobs by the exact expression of wrangler.toml `[triggers] crons` that runs them. */
export const CRON_JOBS: Record<string, Job[]> = {};
for (const job of DOMAINS.flatMap((d) => d.jobs ?? [])) (CRON_JOBS[job.cron] ??= []).push(job);

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
