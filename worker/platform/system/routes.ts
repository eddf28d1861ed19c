import { sql } from 'drizzle-orm';
import * as v from 'valibot';
import type { Api } from '../http/api';
import { buildOpenApi } from '../docs/openapi';
import { docsPage } from '../docs/page';

const Health = v.object({ status: v.picklist(['healthy', 'degraded']), version: v.string(), database: v.string() });

export function mountSystem(api: Api) {
  api.op(
    {
      method: 'get',
      path: '/health',
      summary: 'Liveness and database check',
      tags: ['System'],
      access: 'public',
      responses: [
        { status: 200, description: 'Healthy', schema: Health },
        { status: 503, description: 'The database does not answer' },
      ],
    },
    async (c, { ctx }) => {
      const version = c.env.APP_VERSION ?? '0.0.0';
      try {
        await ctx.db.run(sql`SELECT 1`);
        return c.json({ status: 'healthy', version, database: 'ok' });
      } catch {
        return c.json({ status: 'degraded', version, database: 'unreachable' }, 503);
      }
    },
  );
  api.op(
    {
      method: 'get',
      path: '/openapi.json',
      summary: 'This OpenAPI 3.1 document',
      tags: ['System'],
      access: 'public',
      responses: [{ status: 200, description: 'OpenAPI document' }],
    },
    (c) => c.json(buildOpenApi(api.ops, c.env.APP_VERSION ?? '0.0.0')),
  );
  api.op(
    {
      method: 'get',
      path: '/docs',
      summary: 'Human-readable API reference',
      tags: ['System'],
      access: 'public',
      responses: [{ status: 200, description: 'HTML page', contentType: 'text/html' }],
    },
    (c) => c.html(docsPage('/api/openapi.json')),
  );
}
