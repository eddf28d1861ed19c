import type { Env } from '../env';
import { mapLimit } from '../../util/map-limit';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';

/**
 * Tell the rack objects that evaluate rules to read them again, in the request that changed them. Racks that
 * have flushed telemetry are the ones holding rules; one that started within the last minute reads them again
 * on its next ingest after a minute anyway (RULES_REFRESH_MS in the rack object).
 */
export async function pushRules(env: Env): Promise<number> {
  const { results } = await env.DB.prepare('SELECT rack_id FROM rollup_watermarks').all<{ rack_id: number }>();
  await mapLimit(results, 16, (r) => rackTelemetry(env, r.rack_id).rulesChanged());
  return results.length;
}
