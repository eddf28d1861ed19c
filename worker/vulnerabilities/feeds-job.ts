import { eq } from 'drizzle-orm';
import type { Job } from '../platform/domain';
import type { Env } from '../env';
import type { ServiceContext } from '../platform/context';
import { createDb } from '../platform/db/client';
import { ProblemError } from '../platform/http/problem';
import { vulnerabilityFeeds } from './tables';
import { parseFeedDocument, type FeedFormat } from './feed-parse';
import { importEntries } from './import-service';
import { scanInventory } from './scan-service';

const FETCH_TIMEOUT_MS = 60_000;

/** Why a run failed, in one line for last_error: a 422's field paths, an HTTP status, a network error. */
function describe(e: unknown): string {
  if (e instanceof ProblemError) {
    const fields = (e.errors ?? []).slice(0, 5).map((x) => `${x.field}: ${x.message}`);
    return [e.detail, ...fields].join(' ').slice(0, 1000);
  }
  return (e instanceof Error ? e.message : String(e)).slice(0, 1000);
}

async function fetchDocument(url: string): Promise<unknown> {
  const res = await fetch(url, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status} ${res.statusText}`.trim());
  try {
    return await res.json();
  } catch (e) {
    throw new Error(`GET ${url} did not answer JSON: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Fetch every enabled feed and import it, recording each run on its row; then rescan the inventory. One failing feed (no network on an air-gapped site, a bad document) is recorded and the others go on.
 */
export async function runFeeds(env: Env): Promise<{ ok: number; failed: number }> {
  const ctx: ServiceContext = {
    db: createDb(env.DB),
    env,
    actor: null,
    requestId: 'cron',
    clientIp: null,
    system: true,
  };
  const feeds = await ctx.db.select().from(vulnerabilityFeeds).where(eq(vulnerabilityFeeds.enabled, true)).all();
  let ok = 0;
  let failed = 0;
  for (const feed of feeds) {
    if (!feed.url) continue;
    const at = new Date().toISOString();
    try {
      const { format, entries } = parseFeedDocument(await fetchDocument(feed.url), feed.format as FeedFormat);
      const counts = await importEntries(ctx, format, entries, `feed ${feed.name}`);
      await ctx.db
        .update(vulnerabilityFeeds)
        .set({ last_run_at: at, last_status: 'ok', last_error: null, last_count: counts.received, updated_at: at })
        .where(eq(vulnerabilityFeeds.id, feed.id))
        .run();
      ok++;
    } catch (e) {
      failed++;
      await ctx.db
        .update(vulnerabilityFeeds)
        .set({ last_run_at: at, last_status: 'error', last_error: describe(e), updated_at: at })
        .where(eq(vulnerabilityFeeds.id, feed.id))
        .run();
    }
  }
  // versions change in the inventory too (upgrades), so the nightly run rescans even when no feed brought news
  await scanInventory(ctx);
  return { ok, failed };
}

export const vulnerabilityJobs: Job[] = [
  {
    name: 'vulnerability feeds',
    cron: '0 2 * * *',
    run: async (env) => {
      await runFeeds(env);
    },
  },
];
