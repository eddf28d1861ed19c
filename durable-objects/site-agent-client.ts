import type { Env } from '../worker/env';

/** The one way to reach a site's agent object (one per datacenter, named by its id). */
export const siteAgent = (env: Pick<Env, 'SITE_AGENT'>, datacenterId: number) =>
  env.SITE_AGENT.getByName(String(datacenterId));

/**
 * Tell a site's object that its queue changed, after the change is in D1. Never fails its caller: the operation is
 * recorded, and the object looks at the queue again when its agent says hello.
 */
export async function siteQueueChanged(env: Pick<Env, 'SITE_AGENT'>, datacenterId: number): Promise<void> {
  try {
    await siteAgent(env, datacenterId).poke();
  } catch (e) {
    console.error(`site ${datacenterId}: agent object unreachable; its agent's next hello catches up`, e);
  }
}
