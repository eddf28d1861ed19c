import * as v from 'valibot';
import type { Api } from '../platform/http/api';
import { isProduction } from '../env';
import { forbidden } from '../platform/http/problem';
import { seedDemo } from './seed';

const SeedOptions = v.object({
  scale: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(40))),
  users: v.optional(v.boolean()),
});

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
      if (isProduction(c.env)) throw forbidden('The demo seed is disabled in production.');
      // internal platform work: it writes Top Secret racks on the platform's behalf, so no step-up is asked
      return c.json(await seedDemo({ ...ctx, system: true }, body));
    },
  );
}
