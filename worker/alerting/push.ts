import type { Env } from '../env';
import { mapLimit } from '../../util/map-limit';
import { rackTelemetry } from '../../durable-objects/telemetry/rack-client';

/**
 * Tell the rack objects that evaluate rules to read them again, in the request that changed them: every rack
 * whose object has read rules (table alert_rule_racks). A push that fails is healed by the object's own re-read
 * at most a minute later (RULES_REFRESH_MS in the rack object).
 */
export async function pushRules(env: Env): Promise<number> {
  const { results } = await env.DB.prepare('SELECT rack_id FROM alert_rule_racks').all<{ rack_id: number }>();
  await mapLimit(results, 16, (r) => rackTelemetry(env, r.rack_id).rulesChanged());
  return results.length;
}
