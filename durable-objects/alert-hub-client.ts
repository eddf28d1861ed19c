import type { Env } from '../worker/env';

/** The one way to reach the alert hub (a single instance). */
export const alertHub = (env: Pick<Env, 'ALERT_HUB'>) => env.ALERT_HUB.getByName('all');

/**
 * Tell the hub that alerts changed, after the change is in D1. Never fails its caller: the change is recorded,
 * and the per-minute cron pokes the hub anyway.
 */
export async function alertsChanged(env: Pick<Env, 'ALERT_HUB'>): Promise<void> {
  try {
    await alertHub(env).poke();
  } catch (e) {
    console.error('alert hub unreachable; the next poke catches up', e);
  }
}
