import type { Env } from '../worker/env';

/** The one way to reach a datacenter's live object (named by datacenter id). */
export const datacenterLive = (env: Pick<Env, 'DATACENTER_LIVE'>, datacenterId: number) =>
  env.DATACENTER_LIVE.getByName(String(datacenterId));
