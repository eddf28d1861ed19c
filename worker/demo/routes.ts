import * as v from 'valibot';
import type { Api } from '../platform/http/api';
import { isProduction } from '../env';
import { forbidden } from '../platform/http/problem';
import { METRIC_NAME } from '../telemetry/samples';
import { HISTORY_MAX_ROWS, historyCoverage, writeHistory, type HistoryRow, type PueHistoryRow } from './history';
import { seedDemo } from './seed';

const SeedOptions = v.object({
  scale: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(40))),
  users: v.optional(v.boolean()),
});

const id = v.pipe(v.number(), v.integer(), v.minValue(0));
const finite = v.pipe(v.number(), v.finite());
const HistoryBody = v.object({
  rows: v.pipe(
    v.array(
      v.tuple([
        v.pipe(id, v.minValue(1)),
        id,
        v.pipe(v.string(), v.maxLength(200), v.regex(METRIC_NAME, 'must be a metric name')),
        v.picklist([60, 3600]),
        v.pipe(id, v.minValue(1)),
        v.pipe(id, v.minValue(1)),
        finite,
        finite,
        finite,
        finite,
        finite,
      ]),
    ),
    v.minLength(1),
    v.maxLength(HISTORY_MAX_ROWS),
  ),
  /** a site's PUE hours: [datacenter_id, bucket_start, count, facility_sum, it_sum, pue_min, pue_max] */
  pue: v.optional(
    v.pipe(
      v.array(
        v.tuple([
          v.pipe(id, v.minValue(1)),
          v.pipe(id, v.minValue(1)),
          v.pipe(id, v.minValue(1)),
          finite,
          finite,
          finite,
          finite,
        ]),
      ),
      v.maxLength(HISTORY_MAX_ROWS),
    ),
  ),
});

const notInProduction = (env: Parameters<typeof isProduction>[0], what: string) => {
  if (isProduction(env)) throw forbidden(`${what} is disabled in production.`);
};

export function mountDemo(api: Api) {
  api.op(
    {
      method: 'post',
      path: '/demo/seed',
      summary: 'Load the demo estate when the database has no datacenter (local development only)',
      description: '`scale` multiplies the racks per site (scale 1: 3 datacenters, 40 racks, ~400 servers).',
      tags: ['Demo'],
      access: 'demo:seed',
      body: SeedOptions,
      responses: [{ status: 200, description: 'What was created' }],
    },
    async (c, { ctx, body }) => {
      notInProduction(c.env, 'The demo seed');
      // internal platform work: it writes Top Secret racks on the platform's behalf, so no step-up is asked
      return c.json(await seedDemo({ ...ctx, system: true }, body));
    },
  );

  api.op(
    {
      method: 'get',
      path: '/demo/history',
      summary: 'Where stored rollups begin (local development only)',
      description: 'The simulator writes simulated history only before `first_hour` / `first_minute` (ms).',
      tags: ['Demo'],
      access: 'demo:seed',
      responses: [{ status: 200, description: '`{simulated, first_hour, first_minute}`' }],
    },
    async (c) => {
      notInProduction(c.env, 'Simulated history');
      return c.json(await historyCoverage(c.env.DB));
    },
  );

  api.op(
    {
      method: 'post',
      path: '/demo/history',
      summary: 'Write simulated rollup history for demo devices (local development only)',
      description:
        'Simulated, not measured: rows `[rack_id, server_id (0 for the rack), metric, step_s (60 or 3600), ' +
        `bucket_start (ms), count, sum, min, max, last, p95]\`, at most ${HISTORY_MAX_ROWS} per request, into the ` +
        '1-minute / 1-hour rollups; `pue` rows `[datacenter_id, bucket_start (on the hour), count, facility_sum, ' +
        'it_sum, pue_min, pue_max]` into the hourly PUE history. Buckets that already exist are left as they are ' +
        '(idempotent); all rows are checked before any is written. Used by `npm start` so week and month charts ' +
        'have data.',
      tags: ['Demo'],
      access: 'demo:seed',
      body: HistoryBody,
      responses: [{ status: 200, description: '`{simulated, received, written, skipped}`' }],
    },
    async (c, { body }) => {
      notInProduction(c.env, 'Simulated history');
      return c.json(
        await writeHistory(c.env.DB, body.rows as HistoryRow[], Date.now(), (body.pue ?? []) as PueHistoryRow[]),
      );
    },
  );
}
