import type { Env } from '../../worker/env';

/** The one way to reach a rack's telemetry object (named by rack id). */
export const rackTelemetry = (env: Pick<Env, 'RACK_TELEMETRY'>, rackId: number) =>
  env.RACK_TELEMETRY.getByName(String(rackId));
