import type { Hono } from 'hono';
import type { AppEnv } from '../platform/http/api';
import { checkAccess } from '../platform/http/api';
import { renderMetrics } from './metrics-endpoint';
import { EXPOSITION_CONTENT_TYPE } from './exposition';
import type { Actor } from '../platform/context';

/**
 * GET /metrics, outside /api where Prometheus expects it. Needs a token with inventory:read (an API token with
 * the `read` scope), unless METRICS_PUBLIC = "true": then anyone on the network reads what an Internal-cleared
 * user would see.
 */
export function mountMetricsEndpoint(root: Hono<AppEnv>) {
  root.get('/metrics', async (c) => {
    let actor: Actor | null = c.get('user');
    if (c.env.METRICS_PUBLIC === 'true' && !actor) {
      actor = { id: 0, username: 'metrics-public', role: 'viewer', clearance: 'Internal' };
    } else {
      checkAccess(actor, 'inventory:read');
    }
    const body = await renderMetrics(c.env, actor);
    return c.body(body, 200, { 'Content-Type': EXPOSITION_CONTENT_TYPE });
  });
}
