import type { Hono, MiddlewareHandler } from 'hono';
import type { Api, AppEnv } from '../platform/http/api';
import { mountIngestRoutes } from './ingest-routes';
import { mountQueryRoutes } from './query-routes';
import { mountLiveRoutes } from './live-routes';
import { mountMetricsEndpoint } from './metrics-route';

export function mountTelemetry(api: Api) {
  mountIngestRoutes(api);
  mountQueryRoutes(api);
  mountLiveRoutes(api);
}

/** GET /metrics sits at the root, where Prometheus looks, behind the same middleware as /api. */
export function mountTelemetryRoot(root: Hono<AppEnv>, platform: MiddlewareHandler<AppEnv>[]) {
  root.use('/metrics', ...platform);
  mountMetricsEndpoint(root);
}
